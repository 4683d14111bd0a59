package io.netfabric.user;

import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.Ipv6Address;
import io.netfabric.wire.MacAddress;
import io.netfabric.wire.arp.ArpOperation;
import io.netfabric.wire.arp.ArpPacket;
import io.netfabric.wire.ethernet.EtherType;
import io.netfabric.wire.ethernet.EthernetPacket;
import io.netfabric.wire.icmp.IcmpPacket;
import io.netfabric.wire.icmpv6.Icmpv6Packet;
import io.netfabric.wire.ipv4.Ipv4Packet;
import io.netfabric.wire.ipv6.Ipv6Packet;
import io.netfabric.wire.udp.UdpPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Frames a guest sends, built with the wire views (what udhcpc, dig, tftp and ping put on the wire). */
final class GuestFrames {
    static final MacAddress GUEST = MacAddress.parse("52:54:00:12:34:56");
    static final MacAddress ROUTER = MacAddress.parse("52:55:0a:00:02:02");
    static final Ipv4Address HOST = Ipv4Address.parse("10.0.2.2");
    static final Ipv4Address DNS = Ipv4Address.parse("10.0.2.3");
    static final Ipv4Address GUEST_IP = Ipv4Address.parse("10.0.2.15");
    static final Ipv6Address HOST6 = Ipv6Address.parse("fec0::2");
    static final Ipv6Address GUEST6 = Ipv6Address.parse("fec0::5054:ff:fe12:3456");

    private GuestFrames() {
    }

    static ByteBuf arpRequest(MacAddress mac, Ipv4Address spa, Ipv4Address tpa) {
        ByteBuf b = Unpooled.buffer(42).writeZero(42);
        EthernetPacket e = new EthernetPacket().wrap(b, 0, 42);
        e.setDst(MacAddress.BROADCAST);
        e.setSrc(mac);
        e.setEtherType(EtherType.ARP);
        ArpPacket a = new ArpPacket().wrap(b, 14, 28);
        a.setEthernetIpv4();
        a.setOp(ArpOperation.REQUEST);
        a.setSha(mac);
        a.setSpa(spa);
        a.setTha(MacAddress.ZERO);
        a.setTpa(tpa);
        return b;
    }

    static ByteBuf ipv4(MacAddress mac, MacAddress dstMac, Ipv4Address s, Ipv4Address d, IpProtocol proto, byte[] payload,
                        int id, boolean mf, int fragOffset8) {
        int len = 14 + 20 + payload.length;
        ByteBuf b = Unpooled.buffer(len).writeZero(len);
        EthernetPacket e = new EthernetPacket().wrap(b, 0, len);
        e.setDst(dstMac);
        e.setSrc(mac);
        e.setEtherType(EtherType.IPV4);
        Ipv4Packet ip = new Ipv4Packet().wrap(b, 14, 20 + payload.length);
        ip.setVersionAndIhl(4, 5);
        ip.setTotalLength(20 + payload.length);
        ip.setIdentification(id);
        ip.setFlagsAndFragmentOffset(false, mf, fragOffset8);
        ip.setTtl(64);
        ip.setProtocol(proto);
        ip.setSrc(s);
        ip.setDst(d);
        ip.fillChecksum();
        b.setBytes(34, payload);
        return b;
    }

    static byte[] udpSegment(Ipv4Address s, int sport, Ipv4Address d, int dport, byte[] payload) {
        ByteBuf b = Unpooled.buffer(8 + payload.length).writeZero(8 + payload.length);
        try {
            UdpPacket u = new UdpPacket().wrap(b, 0, 8 + payload.length);
            u.setSrcPort(sport);
            u.setDstPort(dport);
            u.setLength(8 + payload.length);
            b.setBytes(8, payload);
            u.fillChecksumIpv4(s, d);
            byte[] out = new byte[b.readableBytes()];
            b.getBytes(0, out);
            return out;
        } finally {
            b.release();
        }
    }

    static ByteBuf udp4(MacAddress mac, Ipv4Address s, int sport, Ipv4Address d, int dport, byte[] payload) {
        MacAddress dst = d.isBroadcast() ? MacAddress.BROADCAST : ROUTER;
        return ipv4(mac, dst, s, d, IpProtocol.UDP, udpSegment(s, sport, d, dport, payload), 1, false, 0);
    }

    static ByteBuf udp4(Ipv4Address s, int sport, Ipv4Address d, int dport, byte[] payload) {
        return udp4(GUEST, s, sport, d, dport, payload);
    }

    static ByteBuf ping(Ipv4Address s, Ipv4Address d, int id, int seq, byte[] data) {
        ByteBuf b = Unpooled.buffer(8 + data.length).writeZero(8 + data.length);
        try {
            IcmpPacket p = new IcmpPacket().wrap(b, 0, 8 + data.length);
            p.setType(IcmpPacket.TYPE_ECHO_REQUEST);
            p.setIdentifier(id);
            p.setSequence(seq);
            b.setBytes(8, data);
            p.fillChecksum();
            byte[] icmp = new byte[b.readableBytes()];
            b.getBytes(0, icmp);
            return ipv4(GUEST, ROUTER, s, d, IpProtocol.ICMP, icmp, 7, false, 0);
        } finally {
            b.release();
        }
    }

    static ByteBuf ipv6(MacAddress dstMac, Ipv6Address s, Ipv6Address d, IpProtocol next, byte[] payload, int hopLimit) {
        int len = 14 + 40 + payload.length;
        ByteBuf b = Unpooled.buffer(len).writeZero(len);
        EthernetPacket e = new EthernetPacket().wrap(b, 0, len);
        e.setDst(dstMac);
        e.setSrc(GUEST);
        e.setEtherType(EtherType.IPV6);
        new Ipv6Packet().wrap(b, 14, 40 + payload.length).setHeader(payload.length, next, hopLimit, s, d);
        b.setBytes(54, payload);
        if (next.equals(IpProtocol.ICMPV6)) {
            new Icmpv6Packet().wrap(b, 54, payload.length).fillChecksum(s, d);
        } else if (next.equals(IpProtocol.UDP)) {
            new UdpPacket().wrap(b, 54, payload.length).fillChecksumIpv6(s, d);
        }
        return b;
    }

    /**
     * {@code upper} (an upper-layer message whose checksum {@link #ipv6} fills) from s to d, cut as
     * Linux cuts a packet longer than its MTU: a Fragment header after the fixed one, pieces of
     * {@code piece} octets (a multiple of 8) under identification {@code id}; in sending order.
     */
    static java.util.List<ByteBuf> ipv6Fragments(MacAddress dstMac, Ipv6Address s, Ipv6Address d, IpProtocol next,
                                                 byte[] upper, int piece, int id) {
        ByteBuf whole = ipv6(dstMac, s, d, next, upper, 64);
        byte[] payload = new byte[upper.length];
        whole.getBytes(54, payload);
        whole.release();
        java.util.List<ByteBuf> out = new java.util.ArrayList<>();
        for (int off = 0; off < payload.length; off += piece) {
            int n = Math.min(piece, payload.length - off);
            byte[] frag = new byte[8 + n];
            frag[0] = (byte) next.value();
            int field = (off / 8) << 3 | (off + n < payload.length ? 1 : 0);
            frag[2] = (byte) (field >> 8);
            frag[3] = (byte) field;
            frag[4] = (byte) (id >>> 24);
            frag[5] = (byte) (id >>> 16);
            frag[6] = (byte) (id >>> 8);
            frag[7] = (byte) id;
            System.arraycopy(payload, off, frag, 8, n);
            out.add(ipv6(dstMac, s, d, IpProtocol.IPV6_FRAG, frag, 64));
        }
        return out;
    }

    static byte[] udp6Segment(int sport, int dport, byte[] payload) {
        byte[] out = new byte[8 + payload.length];
        out[0] = (byte) (sport >> 8);
        out[1] = (byte) sport;
        out[2] = (byte) (dport >> 8);
        out[3] = (byte) dport;
        out[4] = (byte) (out.length >> 8);
        out[5] = (byte) out.length;
        System.arraycopy(payload, 0, out, 8, payload.length);
        return out;
    }

    /** A DHCP message as udhcpc sends it: options 53, 61, 50/54 when given, 55 and 57. */
    static byte[] dhcp(int type, MacAddress mac, int xid, Ipv4Address requested, Ipv4Address server, byte[] prl) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] fixed = new byte[236];
        fixed[0] = 1;
        fixed[1] = 1;
        fixed[2] = 6;
        fixed[4] = (byte) (xid >>> 24);
        fixed[5] = (byte) (xid >>> 16);
        fixed[6] = (byte) (xid >>> 8);
        fixed[7] = (byte) xid;
        System.arraycopy(mac.toBytes(), 0, fixed, 28, 6);
        o.writeBytes(fixed);
        o.writeBytes(new byte[] {0x63, (byte) 0x82, 0x53, 0x63, 53, 1, (byte) type});
        if (requested != null) {
            o.writeBytes(new byte[] {50, 4});
            o.writeBytes(requested.toBytes());
        }
        if (server != null) {
            o.writeBytes(new byte[] {54, 4});
            o.writeBytes(server.toBytes());
        }
        if (prl != null) {
            o.write(55);
            o.write(prl.length);
            o.writeBytes(prl);
        }
        o.writeBytes(new byte[] {57, 2, 2, 64, (byte) 255});
        while (o.size() < 300) {
            o.write(0);
        }
        return o.toByteArray();
    }

    /** A DNS query for {@code name} of {@code type} with id {@code id} and RD set. */
    static byte[] dnsQuery(int id, String name, int type) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[] {(byte) (id >> 8), (byte) id, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0});
        for (String l : name.split("\\.")) {
            byte[] b = l.getBytes(StandardCharsets.US_ASCII);
            o.write(b.length);
            o.writeBytes(b);
        }
        o.writeBytes(new byte[] {0, (byte) (type >> 8), (byte) type, 0, 1});
        return o.toByteArray();
    }

    static byte[] tftpRrq(String name, String mode, String... options) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[] {0, 1});
        o.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
        o.write(0);
        o.writeBytes(mode.getBytes(StandardCharsets.US_ASCII));
        o.write(0);
        for (String s : options) {
            o.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            o.write(0);
        }
        return o.toByteArray();
    }

    static byte[] tftpAck(int block) {
        return new byte[] {0, 4, (byte) (block >> 8), (byte) block};
    }
}
