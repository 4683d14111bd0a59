package io.netfabric.user;

import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.Ipv6Address;
import io.netfabric.wire.MacAddress;
import io.netfabric.wire.ethernet.EtherType;
import io.netfabric.wire.ethernet.EthernetPacket;
import io.netfabric.wire.ipv4.Ipv4Packet;
import io.netfabric.wire.ipv6.Ipv6Packet;
import io.netfabric.wire.udp.UdpPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/** A frame the stack sent to the guest, decoded once for assertions. */
record SeenFrame(byte[] bytes, MacAddress dstMac, MacAddress srcMac, EtherType type, Object src, Object dst,
                 IpProtocol proto, int srcPort, int dstPort, byte[] payload, boolean checksumsOk, boolean fragment) {

    static SeenFrame of(byte[] f) {
        ByteBuf b = Unpooled.wrappedBuffer(f);
        EthernetPacket e = new EthernetPacket();
        e.wrapChecked(b, 0, f.length);
        EtherType t = e.etherType();
        if (t.equals(EtherType.IPV4)) {
            Ipv4Packet ip = new Ipv4Packet();
            if (!ip.wrapChecked(b, 14, f.length - 14)) {
                throw new AssertionError("bad IPv4 " + ip.malformed());
            }
            boolean ok = ip.verifyChecksum();
            int sp = -1;
            int dp = -1;
            byte[] payload = Arrays.copyOfRange(f, ip.payloadOffset(), ip.payloadOffset() + ip.payloadLength());
            if (ip.protocol().equals(IpProtocol.UDP) && !ip.isFragment()) {
                UdpPacket u = new UdpPacket();
                u.wrapChecked(b, ip.payloadOffset(), ip.payloadLength());
                ok &= u.verifyChecksumIpv4(ip.srcInt(), ip.dstInt());
                sp = u.srcPort();
                dp = u.dstPort();
                payload = Arrays.copyOfRange(f, u.payloadOffset(), u.payloadOffset() + u.payloadLength());
            }
            return new SeenFrame(f, e.dst(), e.src(), t, ip.src(), ip.dst(), ip.protocol(), sp, dp, payload, ok, ip.isFragment());
        }
        if (t.equals(EtherType.IPV6)) {
            Ipv6Packet ip = new Ipv6Packet();
            ip.wrapChecked(b, 14, f.length - 14);
            int sp = -1;
            int dp = -1;
            boolean ok = true;
            byte[] payload = Arrays.copyOfRange(f, ip.payloadOffset(), ip.payloadOffset() + ip.payloadLength());
            if (ip.nextHeader().equals(IpProtocol.UDP)) {
                UdpPacket u = new UdpPacket();
                u.wrapChecked(b, ip.payloadOffset(), ip.payloadLength());
                ok = u.verifyChecksumIpv6(ip.src(), ip.dst());
                sp = u.srcPort();
                dp = u.dstPort();
                payload = Arrays.copyOfRange(f, u.payloadOffset(), u.payloadOffset() + u.payloadLength());
            } else if (ip.nextHeader().equals(IpProtocol.ICMPV6)) {
                ok = new io.netfabric.wire.icmpv6.Icmpv6Packet().wrap(b, ip.payloadOffset(), ip.payloadLength())
                        .verifyChecksum(ip.src(), ip.dst());
            }
            return new SeenFrame(f, e.dst(), e.src(), t, ip.src(), ip.dst(), ip.nextHeader(), sp, dp, payload, ok, false);
        }
        return new SeenFrame(f, e.dst(), e.src(), t, null, null, null, -1, -1,
                Arrays.copyOfRange(f, 14, f.length), true, false);
    }

    Ipv4Address src4() {
        return (Ipv4Address) src;
    }

    Ipv4Address dst4() {
        return (Ipv4Address) dst;
    }

    Ipv6Address src6() {
        return (Ipv6Address) src;
    }

    Ipv6Address dst6() {
        return (Ipv6Address) dst;
    }

    int payloadU8(int i) {
        return payload[i] & 0xFF;
    }

    int payloadU16(int i) {
        return ((payload[i] & 0xFF) << 8) | (payload[i + 1] & 0xFF);
    }
}
