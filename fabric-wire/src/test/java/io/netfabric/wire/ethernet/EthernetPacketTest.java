package io.netfabric.wire.ethernet;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.wire.BufferKind;
import io.netfabric.wire.GoldenFrames;
import io.netfabric.wire.MacAddress;
import io.netfabric.wire.Malformed;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EthernetPacketTest {
    private static final MacAddress GUEST = MacAddress.parse("52:54:00:12:34:56");
    private static final byte[] ARP_HEADER = Arrays.copyOf(GoldenFrames.ARP_REQUEST, EthernetPacket.HEADER_LEN);
    private static final byte[] VLAN_HEADER = Arrays.copyOf(GoldenFrames.VLAN_TAGGED, EthernetPacket.VLAN_HEADER_LEN);
    private static final EthernetRepr ARP_REPR = EthernetRepr.untagged(MacAddress.BROADCAST, GUEST, EtherType.ARP);
    private static final EthernetRepr VLAN_REPR =
            new EthernetRepr(MacAddress.parse("52:54:00:ab:cd:ef"), GUEST, EtherType.IPV4, 0xA064);

    private final EthernetPacket view = new EthernetPacket();

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void deconstruct(BufferKind kind) {
        try (BufferKind.Placed p = kind.place(GoldenFrames.ARP_REQUEST)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isTrue();
            assertThat(view.dst()).isEqualTo(MacAddress.BROADCAST);
            assertThat(view.src()).isEqualTo(GUEST);
            assertThat(view.dstLong()).isEqualTo(MacAddress.BROADCAST.toLong());
            assertThat(view.srcLong()).isEqualTo(GUEST.toLong());
            assertThat(view.etherType()).isSameAs(EtherType.ARP);
            assertThat(view.hasVlanTag()).isFalse();
            assertThat(view.vlanId()).isEqualTo(-1);
            assertThat(view.payloadOffset()).isEqualTo(p.offset() + 14);
            assertThat(view.payloadLength()).isEqualTo(28);
            assertThat(view).hasToString("52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42");
            assertThat(p.buf().readerIndex()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void deconstructTagged(BufferKind kind) {
        try (BufferKind.Placed p = kind.place(GoldenFrames.VLAN_TAGGED)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isTrue();
            assertThat(view.hasVlanTag()).isTrue();
            assertThat(view.vlanId()).isEqualTo(100);
            assertThat(view.pcp()).isEqualTo(5);
            assertThat(view.etherType()).isSameAs(EtherType.IPV4);
            assertThat(view.payloadOffset()).isEqualTo(p.offset() + 18);
            assertThat(view.payloadLength()).isEqualTo(4);
            assertThat(view).hasToString(
                    "52:54:00:12:34:56 > 52:54:00:ab:cd:ef, vlan 100, p 5, ethertype IPv4 (0x0800), length 22");
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void construct(BufferKind kind) {
        try (BufferKind.Placed p = kind.blank(EthernetPacket.HEADER_LEN)) {
            view.wrap(p.buf(), p.offset(), p.length());
            view.setDst(MacAddress.BROADCAST);
            view.setSrc(GUEST);
            view.clearVlanTag();
            view.setEtherType(EtherType.ARP);
            assertThat(p.bytes()).isEqualTo(ARP_HEADER);
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void parse(BufferKind kind) {
        try (BufferKind.Placed p = kind.place(GoldenFrames.ARP_REQUEST);
             BufferKind.Placed t = kind.place(GoldenFrames.VLAN_TAGGED)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isTrue();
            assertThat(EthernetRepr.parse(view)).isEqualTo(ARP_REPR);
            assertThat(view.wrapChecked(t.buf(), t.offset(), t.length())).isTrue();
            EthernetRepr tagged = EthernetRepr.parse(view);
            assertThat(tagged).isEqualTo(VLAN_REPR);
            assertThat(tagged.vlanId()).isEqualTo(100);
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void emit(BufferKind kind) {
        try (BufferKind.Placed p = kind.blank(ARP_REPR.headerLen());
             BufferKind.Placed t = kind.blank(VLAN_REPR.headerLen())) {
            ARP_REPR.emit(view.wrap(p.buf(), p.offset(), p.length()));
            assertThat(p.bytes()).isEqualTo(ARP_HEADER);
            VLAN_REPR.emit(view.wrap(t.buf(), t.offset(), t.length()));
            assertThat(t.bytes()).isEqualTo(VLAN_HEADER);
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void refusesShortFrames(BufferKind kind) {
        try (BufferKind.Placed p = kind.place(GoldenFrames.VLAN_TAGGED)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), 13)).isFalse();
            assertThat(view.malformed()).isEqualTo(Malformed.TRUNCATED);
            // A TPID promises four more octets.
            assertThat(view.wrapChecked(p.buf(), p.offset(), 17)).isFalse();
            assertThat(view.malformed()).isEqualTo(Malformed.TRUNCATED);
            // A region that claims more than the buffer holds.
            assertThat(view.wrapChecked(p.buf(), p.offset() + 1, p.buf().capacity())).isFalse();
            assertThat(view.wrapChecked(p.buf(), -1, 20)).isFalse();
            assertThat(view.wrapChecked(p.buf(), p.offset(), 18)).isTrue();
            assertThat(view.malformed()).isNull();
        }
    }
}
