package io.netfabric.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.wire.arp.ArpPacket;
import io.netfabric.wire.arp.ArpRepr;
import io.netfabric.wire.ethernet.EtherType;
import io.netfabric.wire.ethernet.EthernetPacket;
import io.netfabric.wire.ethernet.EthernetRepr;
import io.netfabric.wire.ipv4.Ipv4Packet;
import io.netfabric.wire.ipv4.Ipv4Repr;
import io.netfabric.wire.udp.UdpPacket;
import io.netfabric.wire.udp.UdpRepr;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

/**
 * B8 properties (a) and (b): {@code parse(emit(r)) == r} for arbitrary valid reprs, stacked the
 * way a frame is built, on every buffer shape; and mutated golden frames never throw.
 */
class WireReprProperties {
    private static final BufferKind[] KINDS = BufferKind.values();

    private final EthernetPacket eth = new EthernetPacket();
    private final ArpPacket arp = new ArpPacket();
    private final Ipv4Packet ip = new Ipv4Packet();
    private final UdpPacket udp = new UdpPacket();

    @Test
    void ethernetAndArpRoundTrip() {
        Seeded.check(2000, rng -> {
            EthernetRepr e = Arbitrary.ethernet(rng);
            ArpRepr a = Arbitrary.arp(rng);
            int len = e.headerLen() + a.headerLen();
            try (BufferKind.Placed p = KINDS[rng.nextInt(KINDS.length)].blank(len)) {
                e.emit(eth.wrap(p.buf(), p.offset(), len));
                a.emit(arp.wrap(p.buf(), p.offset() + e.headerLen(), a.headerLen()));

                assertThat(eth.wrapChecked(p.buf(), p.offset(), len)).isTrue();
                assertThat(EthernetRepr.parse(eth)).isEqualTo(e);
                assertThat(arp.wrapChecked(p.buf(), eth.payloadOffset(), eth.payloadLength())).isTrue();
                assertThat(ArpRepr.parse(arp)).isEqualTo(a);
            }
        });
    }

    @Test
    void ipv4UdpRoundTripWithChecksums() {
        Seeded.check(2000, rng -> {
            byte[] payload = Arbitrary.bytes(rng, rng.nextInt(600));
            UdpRepr u = Arbitrary.udp(rng, payload.length);
            Ipv4Repr i = Arbitrary.ipv4Repr(rng, u.headerLen() + payload.length);
            EthernetRepr e = new EthernetRepr(Arbitrary.mac(rng), Arbitrary.mac(rng), EtherType.IPV4,
                    rng.nextBoolean() ? EthernetRepr.UNTAGGED : rng.nextInt(0x10000));
            int len = e.headerLen() + i.totalLength();
            try (BufferKind.Placed p = KINDS[rng.nextInt(KINDS.length)].blank(len)) {
                ByteBuf b = p.buf();
                // Front to back, checksums last.
                e.emit(eth.wrap(b, p.offset(), len));
                int ipAt = p.offset() + e.headerLen();
                int udpAt = ipAt + i.headerLen();
                udp.wrap(b, udpAt, u.headerLen() + payload.length);
                u.emit(udp);
                b.setBytes(udp.payloadOffset(), payload);
                udp.fillChecksumIpv4(i.src(), i.dst());
                i.emit(ip.wrap(b, ipAt, i.totalLength()));

                assertThat(eth.wrapChecked(b, p.offset(), len)).isTrue();
                assertThat(EthernetRepr.parse(eth)).isEqualTo(e);
                assertThat(ip.wrapChecked(b, eth.payloadOffset(), eth.payloadLength())).isTrue();
                assertThat(Ipv4Repr.parse(ip, ChecksumMode.VERIFY).value()).isEqualTo(i);
                assertThat(udp.wrapChecked(b, ip.payloadOffset(), ip.payloadLength())).isTrue();
                assertThat(UdpRepr.parse(udp, ip.src(), ip.dst(), ChecksumMode.VERIFY).value()).isEqualTo(u);
                assertThat(udp.checksum()).isNotZero();
            }
        });
    }

    @Test
    void udpOverIpv6RoundTripWithChecksum() {
        Seeded.check(1000, rng -> {
            byte[] payload = Arbitrary.bytes(rng, rng.nextInt(300));
            UdpRepr u = Arbitrary.udp(rng, payload.length);
            Ipv6Address src = Arbitrary.ipv6(rng);
            Ipv6Address dst = Arbitrary.ipv6(rng);
            int len = u.headerLen() + payload.length;
            try (BufferKind.Placed p = KINDS[rng.nextInt(KINDS.length)].blank(len)) {
                u.emit(udp.wrap(p.buf(), p.offset(), len));
                p.buf().setBytes(udp.payloadOffset(), payload);
                udp.fillChecksumIpv6(src, dst);
                assertThat(udp.wrapChecked(p.buf(), p.offset(), len)).isTrue();
                assertThat(UdpRepr.parse(udp, src, dst, ChecksumMode.VERIFY).value()).isEqualTo(u);
            }
        });
    }

    @Test
    void mutatedGoldenFramesNeverThrow() {
        byte[][] golden = {GoldenFrames.ARP_REQUEST, GoldenFrames.ARP_REPLY_PADDED, GoldenFrames.RARP_ANNOUNCE,
            GoldenFrames.DHCP_DISCOVER, GoldenFrames.VLAN_TAGGED};
        FrameWalk walk = new FrameWalk();
        Seeded.check(5000, rng -> {
            byte[] frame = golden[rng.nextInt(golden.length)].clone();
            int flips = 1 + rng.nextInt(4);
            for (int k = 0; k < flips; k++) {
                frame[rng.nextInt(frame.length)] = (byte) rng.nextInt(256);
            }
            int len = rng.nextInt(4) == 0 ? rng.nextInt(frame.length + 1) : frame.length;
            try (BufferKind.Placed p = KINDS[rng.nextInt(KINDS.length)].place(frame)) {
                walk.ethernet(p.buf(), p.offset(), len);
                assertThat(p.buf().refCnt()).isEqualTo(1);
            }
        });
    }
}
