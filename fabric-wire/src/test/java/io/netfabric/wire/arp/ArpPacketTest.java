package io.netfabric.wire.arp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.wire.BufferKind;
import io.netfabric.wire.GoldenFrames;
import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.MacAddress;
import io.netfabric.wire.Malformed;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ArpPacketTest {
    private static final MacAddress GUEST = MacAddress.parse("52:54:00:12:34:56");
    private static final MacAddress GATEWAY = MacAddress.parse("52:55:0a:00:02:02");
    private static final byte[] REQUEST = Arrays.copyOfRange(GoldenFrames.ARP_REQUEST, 14, 42);
    private static final ArpRepr REQUEST_REPR = new ArpRepr(ArpOperation.REQUEST, GUEST,
            Ipv4Address.parse("10.0.2.15"), MacAddress.ZERO, Ipv4Address.parse("10.0.2.2"));

    private final ArpPacket view = new ArpPacket();

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void deconstruct(BufferKind kind) {
        try (BufferKind.Placed p = kind.place(REQUEST)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isTrue();
            assertThat(view.hrd()).isEqualTo(1);
            assertThat(view.pro()).isEqualTo(0x0800);
            assertThat(view.hln()).isEqualTo(6);
            assertThat(view.pln()).isEqualTo(4);
            assertThat(view.op()).isSameAs(ArpOperation.REQUEST);
            assertThat(view.sha()).isEqualTo(GUEST);
            assertThat(view.spa()).hasToString("10.0.2.15");
            assertThat(view.tha()).isEqualTo(MacAddress.ZERO);
            assertThat(view.tpa()).hasToString("10.0.2.2");
            assertThat(view).hasToString("ARP, Request who-has 10.0.2.2 tell 10.0.2.15, length 28");
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void deconstructPaddedReplyAndRarpAnnounce(BufferKind kind) {
        byte[] reply = Arrays.copyOfRange(GoldenFrames.ARP_REPLY_PADDED, 14, 60);
        byte[] rarp = Arrays.copyOfRange(GoldenFrames.RARP_ANNOUNCE, 14, 60);
        try (BufferKind.Placed p = kind.place(reply); BufferKind.Placed r = kind.place(rarp)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isTrue();
            assertThat(ArpRepr.parse(view)).isEqualTo(new ArpRepr(ArpOperation.REPLY, GATEWAY,
                    Ipv4Address.parse("10.0.2.2"), GUEST, Ipv4Address.parse("10.0.2.15")));
            assertThat(view).hasToString("ARP, Reply 10.0.2.2 is-at 52:55:0a:00:02:02, length 46");

            assertThat(view.wrapChecked(r.buf(), r.offset(), r.length())).isTrue();
            assertThat(ArpRepr.parse(view))
                    .isEqualTo(new ArpRepr(ArpOperation.RARP_REQUEST, GUEST, Ipv4Address.ANY, GUEST, Ipv4Address.ANY));
            assertThat(view.toString()).startsWith("RARP, Reverse Request who-is 52:54:00:12:34:56");
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void construct(BufferKind kind) {
        try (BufferKind.Placed p = kind.blank(ArpPacket.HEADER_LEN)) {
            view.wrap(p.buf(), p.offset(), p.length());
            view.setEthernetIpv4();
            view.setOp(ArpOperation.REQUEST);
            view.setSha(GUEST);
            view.setSpa(Ipv4Address.parse("10.0.2.15"));
            view.setTha(MacAddress.ZERO);
            view.setTpa(Ipv4Address.parse("10.0.2.2"));
            assertThat(p.bytes()).isEqualTo(REQUEST);
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void parse(BufferKind kind) {
        try (BufferKind.Placed p = kind.place(REQUEST)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isTrue();
            assertThat(ArpRepr.parse(view)).isEqualTo(REQUEST_REPR);
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void emit(BufferKind kind) {
        try (BufferKind.Placed p = kind.blank(REQUEST_REPR.headerLen())) {
            REQUEST_REPR.emit(view.wrap(p.buf(), p.offset(), p.length()));
            assertThat(p.bytes()).isEqualTo(REQUEST);
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void refusesOtherPairsAndShortPackets(BufferKind kind) {
        byte[] ieee1394 = REQUEST.clone();
        ieee1394[1] = 24;
        byte[] ipv6Sized = REQUEST.clone();
        ipv6Sized[5] = 16;
        try (BufferKind.Placed p = kind.place(REQUEST); BufferKind.Placed a = kind.place(ieee1394);
             BufferKind.Placed b = kind.place(ipv6Sized)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), 7)).isFalse();
            assertThat(view.malformed()).isEqualTo(Malformed.TRUNCATED);
            assertThat(view.wrapChecked(p.buf(), p.offset(), 27)).isFalse();
            assertThat(view.malformed()).isEqualTo(Malformed.TRUNCATED);
            assertThat(view.wrapChecked(a.buf(), a.offset(), a.length())).isFalse();
            assertThat(view.malformed()).isEqualTo(Malformed.UNSUPPORTED);
            assertThat(view.wrapChecked(b.buf(), b.offset(), b.length())).isFalse();
            assertThat(view.malformed()).isEqualTo(Malformed.UNSUPPORTED);
        }
    }
}
