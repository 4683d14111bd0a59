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
            return udp(buf, ip.payloadOffset(), ip.payloadLength(), ip.srcInt(), ip.dstInt());
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
