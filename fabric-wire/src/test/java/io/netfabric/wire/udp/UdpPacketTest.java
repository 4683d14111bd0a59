package io.netfabric.wire.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.wire.BufferKind;
import io.netfabric.wire.ChecksumMode;
import io.netfabric.wire.GoldenFrames;
import io.netfabric.wire.Hex;
import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.Ipv6Address;
import io.netfabric.wire.Malformed;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class UdpPacketTest {
    /** udhcpc's DHCPDISCOVER from the UDP header on (308 octets), checksum 0x8aa6. */
    private static final byte[] DATAGRAM = Arrays.copyOfRange(GoldenFrames.DHCP_DISCOVER, 34, GoldenFrames.DHCP_DISCOVER.length);
    private static final Ipv4Address SRC = Ipv4Address.ANY;
    private static final Ipv4Address DST = Ipv4Address.BROADCAST;
    private static final UdpRepr REPR = new UdpRepr(68, 67, 300);

    /** A DHCPv6-shaped datagram fe80::5054:ff:fe12:3456 -> ff02::1:2; checksum 0xcd69 computed independently. */
    private static final byte[] V6_DATAGRAM = Hex.bytes("0222 0223 001e cd69 01abcdef0001000e000100012a2b2c2d525400123456");
    private static final Ipv6Address V6_SRC = Ipv6Address.parse("fe80::5054:ff:fe12:3456");
    private static final Ipv6Address V6_DST = Ipv6Address.parse("ff02::1:2");

    private final UdpPacket view = new UdpPacket();

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void deconstruct(BufferKind kind) {
        try (BufferKind.Placed p = kind.place(DATAGRAM)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isTrue();
            assertThat(view.srcPort()).isEqualTo(68);
            assertThat(view.dstPort()).isEqualTo(67);
            assertThat(view.length()).isEqualTo(308);
            assertThat(view.checksum()).isEqualTo(0x8aa6);
            assertThat(view.payloadOffset()).isEqualTo(p.offset() + 8);
            assertThat(view.payloadLength()).isEqualTo(300);
            assertThat(view.verifyChecksumIpv4(SRC, DST)).isTrue();
            assertThat(view).hasToString("UDP 68 > 67, length 300");
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void constructAndEmitFillTheGoldenChecksum(BufferKind kind) {
        byte[] zeroed = DATAGRAM.clone();
        zeroed[6] = 0;
        zeroed[7] = 0;
        try (BufferKind.Placed p = kind.place(zeroed)) {
            view.wrap(p.buf(), p.offset(), p.length());
            view.setSrcPort(68);
            view.setDstPort(67);
            view.setLength(308);
            view.fillChecksumIpv4(SRC, DST);
            assertThat(p.bytes()).isEqualTo(DATAGRAM);

            REPR.emit(view);
            assertThat(view.checksum()).isZero();
            view.fillChecksumIpv4(SRC.toInt(), DST.toInt());
            assertThat(p.bytes()).isEqualTo(DATAGRAM);
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void parse(BufferKind kind) {
        try (BufferKind.Placed p = kind.place(DATAGRAM)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isTrue();
            assertThat(UdpRepr.parse(view, SRC, DST, ChecksumMode.VERIFY).value()).isEqualTo(REPR);
            // The wrong pseudo-header fails the checksum.
            assertThat(UdpRepr.parse(view, Ipv4Address.parse("10.0.2.15"), DST, ChecksumMode.VERIFY).reason()).isEqualTo(Malformed.BAD_CHECKSUM);
            assertThat(UdpRepr.parse(view, DST, DST, ChecksumMode.SKIP).isOk()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void zeroChecksumMeansNoneOverIpv4Only(BufferKind kind) {
        byte[] none = DATAGRAM.clone();
        none[6] = 0;
        none[7] = 0;
        none[100] ^= 0x55; // no checksum, so no corruption is detectable
        try (BufferKind.Placed p = kind.place(none)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isTrue();
            assertThat(view.verifyChecksumIpv4(SRC, DST)).isTrue();
            assertThat(view.verifyChecksumIpv6(V6_SRC, V6_DST)).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void ipv6PseudoHeader(BufferKind kind) {
        try (BufferKind.Placed p = kind.place(V6_DATAGRAM)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isTrue();
            assertThat(view.verifyChecksumIpv6(V6_SRC, V6_DST)).isTrue();
            assertThat(UdpRepr.parse(view, V6_SRC, V6_DST, ChecksumMode.VERIFY).value()).isEqualTo(new UdpRepr(546, 547, 22));
            view.setChecksum(0x1234);
            assertThat(UdpRepr.parse(view, V6_SRC, V6_DST, ChecksumMode.VERIFY).reason()).isEqualTo(Malformed.BAD_CHECKSUM);
            view.fillChecksumIpv6(V6_SRC, V6_DST);
            assertThat(view.checksum()).isEqualTo(0xcd69);
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void computedZeroIsSentAsAllOnes(BufferKind kind) {
        // Make the last payload word equal to the checksum computed with it zero: the new sum is 0xFFFF.
        try (BufferKind.Placed p = kind.place(Hex.bytes("1000 2000 000a 0000 0000"))) {
            view.wrap(p.buf(), p.offset(), p.length()).fillChecksumIpv4(0x0a00020f, 0x0a000202);
            int c = view.checksum();
            p.buf().setShort(p.offset() + 8, c);
            view.fillChecksumIpv4(0x0a00020f, 0x0a000202);
            assertThat(view.checksum()).isEqualTo(0xFFFF);
            assertThat(view.verifyChecksumIpv4(0x0a00020f, 0x0a000202)).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void lengthChecks(BufferKind kind) {
        try (BufferKind.Placed p = kind.place(DATAGRAM)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), 7)).isFalse();
            assertThat(view.malformed()).isEqualTo(Malformed.TRUNCATED);
            assertThat(view.wrapChecked(p.buf(), p.offset(), 307)).isFalse();
            assertThat(view.malformed()).isEqualTo(Malformed.TRUNCATED);
            p.buf().setShort(p.offset() + 4, 7);
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isFalse();
            assertThat(view.malformed()).isEqualTo(Malformed.BAD_LENGTH);
            p.buf().setShort(p.offset() + 4, 8);
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isTrue();
            assertThat(view.payloadLength()).isZero();
        }
    }
}
