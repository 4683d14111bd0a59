package io.netfabric.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InetChecksumTest {
    /** RFC 1071 §3 numerical example. */
    private static final byte[] RFC1071 = Hex.bytes("0001 f203 f4f5 f6f7");

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void rfc1071Example(BufferKind kind) {
        try (BufferKind.Placed p = kind.place(RFC1071)) {
            assertThat(InetChecksum.sum(p.buf(), p.offset(), p.length())).isEqualTo(0xDDF2);
            assertThat(InetChecksum.checksum(p.buf(), p.offset(), p.length())).isEqualTo(0x220D);
            assertThat(p.buf().readerIndex()).isZero();
        }
        assertThat(InetChecksum.sum(RFC1071, 0, RFC1071.length)).isEqualTo(0xDDF2);
    }

    @Test
    void oddLengthPadsWithZero() {
        byte[] data = Hex.bytes("0102 03");
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        try {
            assertThat(InetChecksum.sum(buf, 0, 3)).isEqualTo(0x0102 + 0x0300);
        } finally {
            buf.release();
        }
    }

    @Test
    void goldenIpv4HeaderVerifies() {
        ByteBuf buf = Unpooled.wrappedBuffer(GoldenFrames.DHCP_DISCOVER);
        try {
            assertThat(InetChecksum.sum(buf, GoldenFrames.DHCP_DISCOVER_IP_OFFSET, 20)).isEqualTo(0xFFFF);
        } finally {
            buf.release();
        }
    }

    @Test
    void pseudoHeaders() {
        // 10.0.2.15 -> 10.0.2.2, UDP, 8 octets: 0a00+020f+0a00+0202+0011+0008
        assertThat(InetChecksum.pseudoHeaderIpv4(0x0a00020f, 0x0a000202, 17, 8))
                .isEqualTo(0x0a00 + 0x020f + 0x0a00 + 0x0202 + 0x11 + 8);
        Ipv6Address src = Ipv6Address.parse("fec0::15");
        Ipv6Address dst = Ipv6Address.parse("fec0::3");
        assertThat(InetChecksum.pseudoHeaderIpv6(src, dst, IpProtocol.UDP, 0x12345))
                .isEqualTo(InetChecksum.fold(0xfec0L + 0x15 + 0xfec0 + 0x3 + 0x1 + 0x2345 + 17));
    }

    @Test
    void rfc1624Example() {
        // RFC 1624 §4: HC = 0xDD2F, m = 0x5555 -> m' = 0x3285 gives HC' = 0x0000.
        assertThat(InetChecksum.update16(0xDD2F, 0x5555, 0x3285)).isEqualTo(0x0000);
        assertThat(InetChecksum.update16(0x1234, 0xABCD, 0xABCD)).isEqualTo(0x1234);
        assertThat(InetChecksum.update32(0x1234, 0x0a00020f, 0x0a00020f)).isEqualTo(0x1234);
    }
}
