package io.netfabric.wire.ipv4;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.wire.BufferKind;
import io.netfabric.wire.ChecksumMode;
import io.netfabric.wire.GoldenFrames;
import io.netfabric.wire.Hex;
import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.Malformed;
import io.netfabric.wire.ParseResult;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class Ipv4PacketTest {
    /** udhcpc's DHCPDISCOVER from the IP header on (328 octets). */
    private static final byte[] DATAGRAM = Arrays.copyOfRange(GoldenFrames.DHCP_DISCOVER, 14, GoldenFrames.DHCP_DISCOVER.length);
    private static final byte[] HEADER = Arrays.copyOf(DATAGRAM, Ipv4Packet.HEADER_LEN);
    private static final Ipv4Repr REPR = new Ipv4Repr(Ipv4Address.ANY, Ipv4Address.BROADCAST, IpProtocol.UDP, 308,
            64, 0, 0, 0, false, false, 0);

    private final Ipv4Packet view = new Ipv4Packet();

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void deconstruct(BufferKind kind) {
        try (BufferKind.Placed p = kind.place(DATAGRAM)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isTrue();
            assertThat(view.version()).isEqualTo(4);
            assertThat(view.ihl()).isEqualTo(5);
            assertThat(view.optionsLength()).isZero();
            assertThat(view.dscp()).isZero();
            assertThat(view.totalLength()).isEqualTo(328);
            assertThat(view.identification()).isZero();
            assertThat(view.dontFragment()).isFalse();
            assertThat(view.isFragment()).isFalse();
            assertThat(view.ttl()).isEqualTo(64);
            assertThat(view.protocol()).isSameAs(IpProtocol.UDP);
            assertThat(view.headerChecksum()).isEqualTo(0x79a6);
            assertThat(view.verifyChecksum()).isTrue();
            assertThat(view.src()).isEqualTo(Ipv4Address.ANY);
            assertThat(view.dst()).isEqualTo(Ipv4Address.BROADCAST);
            assertThat(view.dstInt()).isEqualTo(-1);
            assertThat(view.payloadOffset()).isEqualTo(p.offset() + 20);
            assertThat(view.payloadLength()).isEqualTo(308);
            assertThat(view).hasToString("IP 0.0.0.0 > 255.255.255.255: UDP, ttl 64, id 0, length 328");
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void construct(BufferKind kind) {
        try (BufferKind.Placed p = kind.blank(Ipv4Packet.HEADER_LEN)) {
            view.wrap(p.buf(), p.offset(), p.length());
            view.setVersionAndIhl(4, 5);
            view.setDscpEcn(0, 0);
            view.setTotalLength(328);
            view.setIdentification(0);
            view.setFlagsAndFragmentOffset(false, false, 0);
            view.setTtl(64);
            view.setProtocol(IpProtocol.UDP);
            view.setSrc(Ipv4Address.ANY);
            view.setDst(Ipv4Address.BROADCAST);
            view.fillChecksum();
            assertThat(p.bytes()).isEqualTo(HEADER);
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void parse(BufferKind kind) {
        try (BufferKind.Placed p = kind.place(DATAGRAM)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isTrue();
            assertThat(Ipv4Repr.parse(view, ChecksumMode.VERIFY).value()).isEqualTo(REPR);
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void emit(BufferKind kind) {
        try (BufferKind.Placed p = kind.blank(REPR.headerLen())) {
            REPR.emit(view.wrap(p.buf(), p.offset(), p.length()));
            assertThat(p.bytes()).isEqualTo(HEADER);
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void badChecksumIsAReasonNotAnException(BufferKind kind) {
        byte[] corrupt = DATAGRAM.clone();
        corrupt[8] = 63; // TTL changed without updating the checksum
        try (BufferKind.Placed p = kind.place(corrupt)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isTrue();
            assertThat(view.verifyChecksum()).isFalse();
            ParseResult<Ipv4Repr> r = Ipv4Repr.parse(view, ChecksumMode.VERIFY);
            assertThat(r.isOk()).isFalse();
            assertThat(r.reason()).isEqualTo(Malformed.BAD_CHECKSUM);
            assertThat(Ipv4Repr.parse(view, ChecksumMode.SKIP).value().ttl()).isEqualTo(63);
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void lengthChecks(BufferKind kind) {
        assertRefused(kind, DATAGRAM, 19, Malformed.TRUNCATED);
        assertRefused(kind, withByte(0, 0x65), DATAGRAM.length, Malformed.BAD_VERSION);
        assertRefused(kind, withByte(0, 0x44), DATAGRAM.length, Malformed.BAD_HEADER_LENGTH);
        assertRefused(kind, withByte(0, 0x4F), 40, Malformed.TRUNCATED);      // IHL 15 = 60 octets > 40
        assertRefused(kind, withShort(2, 19), DATAGRAM.length, Malformed.BAD_LENGTH);
        assertRefused(kind, DATAGRAM, 327, Malformed.TRUNCATED);              // total 328 > region
        // Ethernet padding after Total Length is fine; the payload still ends at Total Length.
        byte[] padded = Arrays.copyOf(DATAGRAM, DATAGRAM.length + 6);
        try (BufferKind.Placed p = kind.place(padded)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isTrue();
            assertThat(view.payloadLength()).isEqualTo(308);
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void optionsAndFragments(BufferKind kind) {
        // IHL 6 with a Router Alert option (RFC 2113), MF set, offset 185 (1480 octets), DF clear.
        byte[] header = Hex.bytes("4600 0020 abcd 20b9 0102 0000 0a00020f 0a000202 94040000 0000 0000 0000 0000");
        try (BufferKind.Placed p = kind.place(header)) {
            view.wrap(p.buf(), p.offset(), p.length()).fillChecksum();
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isTrue();
            assertThat(view.verifyChecksum()).isTrue();
            assertThat(view.optionsLength()).isEqualTo(4);
            assertThat(view.payloadOffset()).isEqualTo(p.offset() + 24);
            assertThat(view.payloadLength()).isEqualTo(8);
            assertThat(view.moreFragments()).isTrue();
            assertThat(view.fragmentOffset()).isEqualTo(185);
            assertThat(view.flags()).isEqualTo(1);
            assertThat(view).hasToString("IP 10.0.2.15 > 10.0.2.2: IGMP, ttl 1, id 43981, frag 1480+, options 4, length 32");
            Ipv4Repr r = Ipv4Repr.parse(view, ChecksumMode.VERIFY).value();
            assertThat(r.moreFragments()).isTrue();
            assertThat(r.fragmentOffset()).isEqualTo(185);
            assertThat(r.payloadLength()).isEqualTo(8);
        }
    }

    private void assertRefused(BufferKind kind, byte[] bytes, int length, Malformed reason) {
        try (BufferKind.Placed p = kind.place(bytes)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), length)).isFalse();
            assertThat(view.malformed()).isEqualTo(reason);
            assertThat(view.toString()).contains(reason.name());
        }
    }

    private static byte[] withByte(int index, int value) {
        byte[] b = DATAGRAM.clone();
        b[index] = (byte) value;
        return b;
    }

    private static byte[] withShort(int index, int value) {
        byte[] b = DATAGRAM.clone();
        b[index] = (byte) (value >>> 8);
        b[index + 1] = (byte) value;
        return b;
    }
}
