package io.netfabric.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.wire.arp.ArpPacket;
import io.netfabric.wire.arp.ArpRepr;
import io.netfabric.wire.ethernet.EtherType;
import io.netfabric.wire.ethernet.EthernetPacket;
import io.netfabric.wire.ethernet.EthernetRepr;
import io.netfabric.wire.ipv4.Ipv4Packet;
import io.netfabric.wire.ipv4.Ipv4Repr;
import io.netfabric.wire.dhcp.DhcpPacket;
import io.netfabric.wire.dhcp.Dhcpv6Packet;
import io.netfabric.wire.icmp.IcmpPacket;
import io.netfabric.wire.icmpv6.Icmpv6Packet;
import io.netfabric.wire.ipv6.Ipv6FragmentHeader;
import io.netfabric.wire.ipv6.Ipv6Packet;
import io.netfabric.wire.tcp.TcpPacket;
import io.netfabric.wire.tftp.TftpRepr;
import io.netfabric.wire.udp.UdpPacket;
import io.netfabric.wire.udp.UdpRepr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Walks a frame through every parser the way a receive path will: wrapChecked, every accessor,
 * toString, repr parse, and a re-emit of each parsed repr that must read back equal. Used by the
 * fuzz tests and the mutation property; it must never throw for any input.
 */
public final class FrameWalk {
    private final EthernetPacket eth = new EthernetPacket();
    private final ArpPacket arp = new ArpPacket();
    private final Ipv4Packet ip = new Ipv4Packet();
    private final UdpPacket udp = new UdpPacket();
    private final IcmpPacket icmp = new IcmpPacket();
    private final Ipv6Packet ip6 = new Ipv6Packet();
    private final Ipv6FragmentHeader frag6 = new Ipv6FragmentHeader();
    private final Icmpv6Packet icmp6 = new Icmpv6Packet();
    private final DhcpPacket dhcp = new DhcpPacket();
    private final Dhcpv6Packet dhcp6 = new Dhcpv6Packet();

    public Malformed icmp(ByteBuf buf, int offset, int length) {
        if (!icmp.wrapChecked(buf, offset, length)) {
            return icmp.malformed();
        }
        assertThat(icmp.toString()).isNotEmpty();
        icmp.identifier();
        icmp.sequence();
        icmp.isError();
        return icmp.verifyChecksum() ? null : Malformed.BAD_CHECKSUM;
    }

    public Malformed ipv6(ByteBuf buf, int offset, int length) {
        if (!ip6.wrapChecked(buf, offset, length)) {
            return ip6.malformed();
        }
        assertThat(ip6.toString()).isNotEmpty();
        ip6.trafficClass();
        ip6.flowLabel();
        if (ip6.nextHeader().equals(IpProtocol.ICMPV6)) {
            return icmpv6(buf, ip6.payloadOffset(), ip6.payloadLength(), ip6.src(), ip6.dst());
        }
        if (ip6.nextHeader().equals(IpProtocol.IPV6_FRAG)) {
            if (!frag6.wrapChecked(buf, ip6.payloadOffset(), ip6.payloadLength())) {
                return frag6.malformed();
            }
            assertThat(frag6.toString()).isNotEmpty();
            assertThat(frag6.dataLength()).isNotNegative();
        }
        return null;
    }

    public Malformed icmpv6(ByteBuf buf, int offset, int length, Ipv6Address src, Ipv6Address dst) {
        if (!icmp6.wrapChecked(buf, offset, length)) {
            return icmp6.malformed();
        }
        assertThat(icmp6.toString()).isNotEmpty();
        if (length >= Icmpv6Packet.NS_NA_LEN) {
            icmp6.target();
        }
        for (int fixed : new int[] {Icmpv6Packet.RS_LEN, Icmpv6Packet.RA_LEN, Icmpv6Packet.NS_NA_LEN}) {
            if (icmp6.ndpOptionsValid(fixed)) {
                int at = icmp6.findNdpOption(fixed, Icmpv6Packet.OPT_SOURCE_LINK_ADDR);
                assertThat(at).isLessThan(offset + length);
            }
        }
        return icmp6.verifyChecksum(src, dst) ? null : Malformed.BAD_CHECKSUM;
    }

    public Malformed dhcp(ByteBuf buf, int offset, int length) {
        if (!dhcp.wrapChecked(buf, offset, length)) {
            return dhcp.malformed();
        }
        assertThat(dhcp.toString()).isNotEmpty();
        dhcp.messageType();
        dhcp.maxMessageSize();
        dhcp.parameterRequestList();
        dhcp.addressOption(DhcpPacket.OPT_REQUESTED_IP);
        dhcp.chaddr();
        return null;
    }

    public Malformed dhcpv6(ByteBuf buf, int offset, int length) {
        if (!dhcp6.wrapChecked(buf, offset, length)) {
            return dhcp6.malformed();
        }
        assertThat(dhcp6.toString()).isNotEmpty();
        dhcp6.findOption(Dhcpv6Packet.OPT_ORO);
        return null;
    }

    public Malformed tcp(ByteBuf buf, int offset, int length) {
        TcpPacket t = new TcpPacket();
        if (!t.wrapChecked(buf, offset, length)) {
            return t.malformed();
        }
        assertThat(t.toString()).isNotEmpty();
        t.mss();
        assertThat(t.payloadOffset() + t.payloadLength()).isEqualTo(offset + length);
        return t.verifyChecksumIpv4(0x0a00020f, 0x0a000203) ? null : Malformed.BAD_CHECKSUM;
    }

    public Malformed tftp(ByteBuf buf, int offset, int length) {
        ParseResult<TftpRepr> r = TftpRepr.parse(buf, offset, length);
        if (r.isOk() && r.value() instanceof TftpRepr.Data d) {
            assertThat(d.dataIndex() + d.dataLength()).isLessThanOrEqualTo(offset + length);
        }
        return r.reason();
    }

    /** The first reason a layer refused the frame, or {@code null} when every layer took it. */
    public Malformed ethernet(ByteBuf buf, int offset, int length) {
        if (!eth.wrapChecked(buf, offset, length)) {
            assertThat(eth.toString()).contains(eth.malformed().name());
            return eth.malformed();
        }
        assertThat(eth.toString()).isNotEmpty();
        eth.vlanId();
        eth.pcp();
        checkEthernetReEmit(EthernetRepr.parse(eth));
        int payload = eth.payloadOffset();
        int payloadLength = eth.payloadLength();
        EtherType type = eth.etherType();
        if (type.equals(EtherType.ARP) || type.equals(EtherType.RARP)) {
            return arp(buf, payload, payloadLength);
        }
        if (type.equals(EtherType.IPV4)) {
            return ipv4(buf, payload, payloadLength);
        }
        if (type.equals(EtherType.IPV6)) {
            return ipv6(buf, payload, payloadLength);
        }
        return null;
    }

    public Malformed arp(ByteBuf buf, int offset, int length) {
        if (!arp.wrapChecked(buf, offset, length)) {
            assertThat(arp.toString()).contains(arp.malformed().name());
            return arp.malformed();
        }
        assertThat(arp.toString()).isNotEmpty();
        ArpRepr repr = ArpRepr.parse(arp);
        ByteBuf out = Unpooled.buffer(repr.headerLen());
        try {
            ArpPacket view = new ArpPacket();
            repr.emit(view.wrap(out, 0, repr.headerLen()));
            assertThat(view.wrapChecked(out, 0, repr.headerLen())).isTrue();
            assertThat(ArpRepr.parse(view)).isEqualTo(repr);
        } finally {
            out.release();
        }
        return null;
    }

    public Malformed ipv4(ByteBuf buf, int offset, int length) {
        if (!ip.wrapChecked(buf, offset, length)) {
            assertThat(ip.toString()).contains(ip.malformed().name());
            return ip.malformed();
        }
        assertThat(ip.toString()).isNotEmpty();
        ip.ecn();
        ip.flags();
        ip.optionsLength();
        ParseResult<Ipv4Repr> verified = Ipv4Repr.parse(ip, ChecksumMode.VERIFY);
        Ipv4Repr repr = Ipv4Repr.parse(ip, ChecksumMode.SKIP).value();
        ByteBuf out = Unpooled.buffer(repr.totalLength());
        try {
            Ipv4Packet view = new Ipv4Packet();
            repr.emit(view.wrap(out, 0, repr.totalLength()));
            assertThat(view.wrapChecked(out, 0, repr.totalLength())).isTrue();
            assertThat(Ipv4Repr.parse(view, ChecksumMode.VERIFY).value()).isEqualTo(repr);
        } finally {
            out.release();
        }
        if (!verified.isOk()) {
            return verified.reason();
        }
        if (repr.protocol().equals(IpProtocol.UDP) && !ip.isFragment()) {
            Malformed m = udp(buf, ip.payloadOffset(), ip.payloadLength(), ip.srcInt(), ip.dstInt());
            if (m == null && udp.dstPort() == 67) {
                return dhcp(buf, udp.payloadOffset(), udp.payloadLength());
            }
            if (m == null && udp.dstPort() == 69) {
                return tftp(buf, udp.payloadOffset(), udp.payloadLength());
            }
            return m;
        }
        if (repr.protocol().equals(IpProtocol.ICMP) && !ip.isFragment()) {
            return icmp(buf, ip.payloadOffset(), ip.payloadLength());
        }
        return null;
    }

    public Malformed udp(ByteBuf buf, int offset, int length, int src, int dst) {
        if (!udp.wrapChecked(buf, offset, length)) {
            assertThat(udp.toString()).contains(udp.malformed().name());
            return udp.malformed();
        }
        assertThat(udp.toString()).isNotEmpty();
        udp.verifyChecksumIpv6(Ipv6Address.LOOPBACK, Ipv6Address.LOOPBACK);
        ParseResult<UdpRepr> r = UdpRepr.parse(udp, Ipv4Address.fromInt(src), Ipv4Address.fromInt(dst), ChecksumMode.VERIFY);
        UdpRepr repr = UdpRepr.parse(udp, Ipv4Address.ANY, Ipv4Address.ANY, ChecksumMode.SKIP).value();
        ByteBuf out = Unpooled.buffer(UdpPacket.HEADER_LEN + repr.payloadLength());
        try {
            UdpPacket view = new UdpPacket();
            view.wrap(out, 0, out.capacity());
            repr.emit(view);
            out.setBytes(UdpPacket.HEADER_LEN, buf, udp.payloadOffset(), repr.payloadLength());
            view.fillChecksumIpv4(src, dst);
            assertThat(view.wrapChecked(out, 0, out.capacity())).isTrue();
            assertThat(UdpRepr.parse(view, Ipv4Address.fromInt(src), Ipv4Address.fromInt(dst), ChecksumMode.VERIFY).value())
                    .isEqualTo(repr);
        } finally {
            out.release();
        }
        return r.isOk() ? null : r.reason();
    }

    private static void checkEthernetReEmit(EthernetRepr repr) {
        ByteBuf out = Unpooled.buffer(repr.headerLen());
        try {
            EthernetPacket view = new EthernetPacket();
            repr.emit(view.wrap(out, 0, repr.headerLen()));
            assertThat(view.wrapChecked(out, 0, repr.headerLen())).isTrue();
            assertThat(EthernetRepr.parse(view)).isEqualTo(repr);
        } finally {
            out.release();
        }
    }
}
