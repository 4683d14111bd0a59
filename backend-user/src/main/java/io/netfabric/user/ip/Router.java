package io.netfabric.user.ip;

import io.netfabric.wire.InetChecksum;
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
import io.netfabric.wire.ipv6.Ipv6FragmentHeader;
import io.netfabric.wire.ipv6.Ipv6Packet;
import io.netfabric.wire.tcp.TcpPacket;
import io.netfabric.wire.udp.UdpPacket;
import io.netfabric.wire.virtio.Offload;
import io.netfabric.wire.virtio.VirtioNetHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The virtual router of the user-mode network: what the guest sees at 10.0.2.2 / fec0::2.
 *
 * <p>Takes the guest's Ethernet frames ({@link #input}), answers ARP for its own addresses,
 * Neighbor Discovery for its IPv6 addresses, ICMP and ICMPv6 echo to them, reassembles IPv4
 * fragments, and hands UDP to the handler bound to the destination address and port (the DHCP,
 * DNS and TFTP services) or else to the fallback (UDP NAT). What it cannot deliver gets the ICMP
 * error RFC 1122 asks for (port unreachable; for IPv6 above the MTU, packet too big).
 *
 * <p>Frames to the guest come from the router's MAC, libslirp's {@code 52:55:} followed by the
 * host address (slirp.c {@code special_ethaddr}), padded to 60 octets by the link. Loop thread
 * only; time is passed in.
 */
public final class Router implements Timed {
    /** libslirp's link-local router address (ip6.h {@code LINKLOCAL_ADDR}): fe80::2. */
    public static final Ipv6Address LINK_LOCAL = Ipv6Address.of(0xfe80_0000_0000_0000L, 2);
    public static final Ipv6Address ALL_NODES = Ipv6Address.of(0xff02_0000_0000_0000L, 1);
    /** libslirp sends every echo reply with TTL (IPv6: hop limit) 255: icmp_reflect's MAXTTL, ip6_output. */
    static final int ECHO_REPLY_TTL = 255;

    /** Where frames for the guest go. Takes one reference per frame. */
    public interface Link {
        void toGuest(ByteBuf frame);

        ByteBufAllocator alloc();

        /**
         * A frame with an offload descriptor (a TCP GSO frame, a partial checksum); only when
         * {@link #offloads()}, whose answer the link may change at any time: the fabric then
         * completes or cuts the frame for a peer without offloads.
         */
        default void toGuest(ByteBuf frame, long offload) {
            throw new UnsupportedOperationException("this link takes no offloaded frames");
        }

        /** True when the guest's side takes offloaded frames whole (a tap with TSO on). */
        default boolean offloads() {
            return false;
        }

        /** True while the path to the guest queues frames (a busy peer): bulk senders wait. */
        default boolean busy() {
            return false;
        }

        /** Runs {@code r} once the path to the guest drains (at once when it is not busy). */
        default void whenWritable(Runnable r) {
            r.run();
        }
    }

    /** Handles ICMPv6 Neighbor Discovery messages the router does not answer itself (RS). */
    public interface Icmpv6Handler {
        void icmpv6(MacAddress srcMac, Ipv6Address src, Ipv6Address dst, Icmpv6Packet msg, long now);
    }

    /** Handles ICMP echo requests to addresses that are not the router's (ICMP NAT). */
    public interface EchoHandler {
        /** {@code payload} covers the ICMP message; borrowed. */
        void echo(MacAddress srcMac, InetAddress src, InetAddress dst, int id, int seq, ByteBuf buf, int dataOffset,
                  int dataLength, int ttl, long now);
    }

    /** A service's address (null: any) and port; equals and hashCode written out as TcpNat's Key's are. */
    private record Port(InetAddress addr, int port) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Port p && port == p.port && Objects.equals(addr, p.addr);
        }

        @Override
        public int hashCode() {
            return 31 * Objects.hashCode(addr) + port;
        }
    }

    private final Link link;
    private final StackCounters counters;
    private final Ipv4Address host;
    private final Ipv4Address net;
    private final int netmask;
    private final Set<Ipv4Address> arpAnswered;
    private final Ipv6Address host6;
    private final Set<Ipv6Address> ndpAnswered;
    private final int mtu;
    /** The frame being handled came through {@link #inputOffloaded}. */
    private boolean inputOffloaded;
    private final boolean ipv4;
    private final boolean ipv6;
    private final MacAddress mac;
    private final Map<Port, UdpHandler> udp = new HashMap<>();
    private final Map<Port, TcpHandler> tcp = new HashMap<>();
    private final TcpPacket tcpView = new TcpPacket();
    private final Map<Integer, MacAddress> arpTable = new HashMap<>();
    /** When we last asked ARP for an address without an entry (System.nanoTime). */
    private final Map<Integer, Long> arpAsked = new HashMap<>();
    /** When we last solicited an IPv6 address without an entry (System.nanoTime). */
    private final Map<Ipv6Address, Long> ndpAsked = new HashMap<>();
    private static final long ARP_ASK_INTERVAL_NANOS = 1_000_000_000L;
    private final Map<Ipv6Address, MacAddress> ndpTable = new HashMap<>();
    private final List<Timed> timed = new ArrayList<>();
    private final FragmentReassembler reassembler;
    private final AwaitingNeighbour awaiting;
    private UdpHandler udpFallback;
    private Icmpv6Handler routerSolicitations;
    private EchoHandler echoFallback;
    private TcpHandler tcpFallback;
    private int nextIpId = 1;

    private final EthernetPacket eth = new EthernetPacket();
    private final ArpPacket arp = new ArpPacket();
    private final Ipv4Packet ip = new Ipv4Packet();
    private final Ipv6Packet ip6 = new Ipv6Packet();
    private final Ipv6FragmentHeader frag6View = new Ipv6FragmentHeader();
    private final UdpPacket udpView = new UdpPacket();
    private final IcmpPacket icmp = new IcmpPacket();
    private final Icmpv6Packet icmp6 = new Icmpv6Packet();

    /**
     * @param arpAnswered the IPv4 addresses the router owns (host, DNS, forward targets)
     * @param ndpAnswered the IPv6 addresses it owns (host, DNS, fe80::2)
     */
    public Router(Link link, StackCounters counters, Ipv4Address net, int prefixLen, Ipv4Address host,
                  Set<Ipv4Address> arpAnswered, Ipv6Address host6, Set<Ipv6Address> ndpAnswered, int mtu,
                  boolean ipv4, boolean ipv6) {
        this.link = link;
        this.counters = counters;
        this.net = net;
        this.netmask = Ipv4Address.netmask(prefixLen);
        this.host = host;
        this.arpAnswered = Set.copyOf(arpAnswered);
        this.host6 = host6;
        this.ndpAnswered = Set.copyOf(ndpAnswered);
        this.mtu = mtu;
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        byte[] m = {0x52, 0x55, 0, 0, 0, 0};
        System.arraycopy(host.toBytes(), 0, m, 2, 4);
        this.mac = MacAddress.fromBytes(m);
        this.reassembler = new FragmentReassembler(counters);
        this.awaiting = new AwaitingNeighbour(counters);
    }

    public MacAddress mac() {
        return mac;
    }

    public int mtu() {
        return mtu;
    }

    public StackCounters counters() {
        return counters;
    }

    public ByteBufAllocator alloc() {
        return link.alloc();
    }

    /** Binds {@code handler} to UDP {@code port} of {@code addr}; a null address takes the port on every address. */
    public void bindUdp(InetAddress addr, int port, UdpHandler handler) {
        udp.put(new Port(addr, port), handler);
    }

    public void unbindUdp(InetAddress addr, int port) {
        udp.remove(new Port(addr, port));
    }

    public boolean isUdpBound(InetAddress addr, int port) {
        return udp.containsKey(new Port(addr, port));
    }

    /** Binds {@code handler} to TCP {@code port} of {@code addr} (the guest-facing side of a service). */
    public void bindTcp(InetAddress addr, int port, TcpHandler handler) {
        tcp.put(new Port(addr, port), handler);
    }

    public void setUdpFallback(UdpHandler fallback) {
        this.udpFallback = fallback;
    }

    /** A handler of whole frames of one EtherType (borrowed for the call). */
    @FunctionalInterface
    public interface FrameHandler {
        void frame(ByteBuf frame, int payloadOffset, int payloadLength);
    }

    private FrameHandler ncsi;

    /** Takes NC-SI frames (EtherType 0x88F8), as libslirp's slirp_input hands them to ncsi_input. */
    public void setNcsiHandler(FrameHandler h) {
        this.ncsi = h;
    }

    public void setRouterSolicitationHandler(Icmpv6Handler h) {
        this.routerSolicitations = h;
    }

    public void setEchoFallback(EchoHandler h) {
        this.echoFallback = h;
    }

    /** Where the guest's TCP segments no bound service takes go (the TCP NAT and forwards). */
    public void setTcpFallback(TcpHandler h) {
        this.tcpFallback = h;
    }

    /** The link to the guest, for senders that follow its back-pressure ({@link Link#busy}). */
    public Link link() {
        return link;
    }

    /** Registers an engine whose timers the router's {@link #poll} drives. */
    public void addTimed(Timed t) {
        timed.add(t);
    }

    /**
     * The guest's MAC for {@code addr}, learned from its frames; {@link #AWAITING} while it is
     * being asked for (a frame built with it is held until the answer); null for an address no
     * guest can have (dropped by the caller).
     */
    public MacAddress neighbour(InetAddress addr) {
        if (addr instanceof Inet4Address) {
            int a = Ipv4Address.fromBytes(addr.getAddress()).toInt();
            MacAddress m = arpTable.get(a);
            return m != null ? m : askArp(a) ? AWAITING : null;
        }
        Ipv6Address a6 = Ipv6Address.fromBytes(addr.getAddress());
        MacAddress m6 = ndpTable.get(a6);
        return m6 != null ? m6 : askNdp(a6) ? AWAITING : null;
    }

    /** The destination of a frame to be held until its guest answers (never a real station's). */
    static final MacAddress AWAITING = MacAddress.ZERO;

    private void toGuest(ByteBuf frame) {
        toGuest(frame, 0);
    }

    /** Every frame to the guest leaves here: one built for an address being asked for is held. */
    private void toGuest(ByteBuf frame, long offload) {
        int at = frame.readerIndex();
        if (frame.getInt(at) == 0 && frame.getShort(at + 4) == 0) {
            Object key = frame.getUnsignedShort(at + 12) == EtherType.IPV6.value()
                    ? Ipv6Address.read(frame, at + EthernetPacket.HEADER_LEN + 24)
                    : (Object) frame.getInt(at + EthernetPacket.HEADER_LEN + 16);
            awaiting.hold(key, frame, offload, System.nanoTime());
        } else if (offload == 0) {
            link.toGuest(frame);
        } else {
            link.toGuest(frame, offload);
        }
    }

    /** A guest's MAC is known now: what was held for it leaves. */
    private void learned(Object key, MacAddress mac) {
        if (awaiting.isEmpty()) {
            return;
        }
        for (AwaitingNeighbour.Held h : awaiting.answered(key, System.nanoTime())) {
            mac.write(h.frame(), h.frame().readerIndex());
            toGuest(h.frame(), h.offload());
        }
    }

    /** Releases what the router still holds (the netdev is closing). */
    public void close() {
        awaiting.clear();
    }

    /**
     * An IPv6 guest address with no neighbour entry is solicited (RFC 4861 §7.2.2; libslirp's
     * ndp_send_ns): to its solicited-node group, from fec0::2 and its MAC, with our link-layer
     * address, at most once a second per address. As for ARP, the frame that found no entry is
     * held ({@link AwaitingNeighbour}) until the guest's advertisement fills the table. False for
     * an address no guest can have.
     */
    private boolean askNdp(Ipv6Address a) {
        if (a.isMulticast() || a.isUnspecified() || a.isLoopback() || ndpAnswered.contains(a)) {
            return false;
        }
        if (!dueToAsk(ndpAsked, a)) {
            return true;
        }
        byte[] b = a.toBytes();
        Ipv6Address group = Ipv6Address.of(0xff02_0000_0000_0000L, 0x0000_0001_ff00_0000L
                | (b[13] & 0xFFL) << 16 | (b[14] & 0xFFL) << 8 | (b[15] & 0xFFL));
        MacAddress groupMac = MacAddress.fromBytes(new byte[] {0x33, 0x33, (byte) 0xff, b[13], b[14], b[15]});
        sendNeighborMessage(Icmpv6Packet.TYPE_NEIGHBOR_SOLICITATION, 0, groupMac, host6, group, a,
                Icmpv6Packet.OPT_SOURCE_LINK_ADDR);
        return true;
    }

    /**
     * A neighbour solicitation or advertisement (RFC 4861 §4.3, §4.4) about {@code target}, with
     * {@code flags} in its first word and one link-layer address option ({@code option}: source
     * or target) carrying the MAC of what it is from, hop limit 255.
     */
    private void sendNeighborMessage(int type, int flags, MacAddress dstMac, Ipv6Address src, Ipv6Address dst,
                                     Ipv6Address target, int option) {
        int len = Icmpv6Packet.NS_NA_LEN + 8;
        ByteBuf out = newIpv6Frame(dstMac, src, dst, IpProtocol.ICMPV6, len, 255);
        int at = EthernetPacket.HEADER_LEN + Ipv6Packet.HEADER_LEN;
        out.setByte(at, type);
        out.setInt(at + 4, flags);
        target.write(out, at + 8);
        out.setByte(at + 24, option);
        out.setByte(at + 25, 1);
        macFor6(src).write(out, at + 26);
        new Icmpv6Packet().wrap(out, at, len).fillChecksum(src, dst);
        toGuest(out);
    }

    /**
     * A guest address in our network with no ARP entry is asked for, as libslirp's if_encap asks
     * (who-has from 10.0.2.2 and 52:55:0a:00:02:02, RFC 826), at most once a second per address:
     * a guest that never sent a frame (a static address, a server) is still reached by hostfwd.
     * The frame that found no entry is held ({@link AwaitingNeighbour}) until the reply to the
     * request fills the table. False for an address no guest can have.
     */
    private boolean askArp(int a) {
        if ((a & netmask) != net.toInt() || a == (net.toInt() | ~netmask) || arpAnswered.contains(Ipv4Address.fromInt(a))) {
            return false;
        }
        if (dueToAsk(arpAsked, a)) {
            sendArp(ArpOperation.REQUEST, MacAddress.BROADCAST, mac, host, MacAddress.ZERO, Ipv4Address.fromInt(a));
        }
        return true;
    }

    /** True (and noted) when {@code key} was not asked for within the last second; the map stays small. */
    private static <K> boolean dueToAsk(Map<K, Long> asked, K key) {
        long t = System.nanoTime();
        Long last = asked.get(key);
        if (last != null && t - last < ARP_ASK_INTERVAL_NANOS) {
            return false;
        }
        if (asked.size() >= 256) {
            asked.clear();
        }
        asked.put(key, t);
        return true;
    }

    /** An ARP message to the guest, in a 60-octet frame from {@code sha}. */
    private void sendArp(ArpOperation op, MacAddress dstMac, MacAddress sha, Ipv4Address spa, MacAddress tha,
                         Ipv4Address tpa) {
        ByteBuf out = link.alloc().buffer(60);
        out.writeZero(60);
        EthernetPacket e = new EthernetPacket().wrap(out, 0, 60);
        e.setDst(dstMac);
        e.setSrc(sha);
        e.setEtherType(EtherType.ARP);
        ArpPacket r = new ArpPacket().wrap(out, EthernetPacket.HEADER_LEN, ArpPacket.HEADER_LEN);
        r.setEthernetIpv4();
        r.setOp(op);
        r.setSha(sha);
        r.setSpa(spa);
        r.setTha(tha);
        r.setTpa(tpa);
        toGuest(out);
    }

    // ---------------------------------------------------------------- input

    /** The MACs ARP hands out for our other addresses (52:55:<address>) reach the router too. */
    private boolean ownsMac(long dst) {
        return (dst >>> 32) == 0x5255 && arpAnswered.contains(Ipv4Address.fromInt((int) dst))
                || (dst >>> 32) == 0x5256;   // an IPv6 address's MAC, see macFor6
    }

    /**
     * The Ethernet source of an IPv6 frame from {@code src}: 52:56 and the address's last four
     * octets, libslirp's {@code in6_compute_ethaddr} (so fec0::2 is 52:56:00:00:00:02, what a
     * guest under QEMU sees in its neighbour table); IPv4 frames keep {@link #mac()}.
     */
    public static MacAddress macFor6(Ipv6Address src) {
        // Called for every IPv6 frame to the guest: from the address's low bits, no arrays.
        return MacAddress.fromLong(0x5256_0000_0000L | (src.low() & 0xFFFF_FFFFL));
    }

    /** Takes one frame from the guest (one reference: released here on every path). */
    public void input(ByteBuf frame, long now) {
        inputOffloaded = false;
        input0(frame, now);
    }

    /**
     * Takes a TCP segment or UDP datagram with a partial checksum from the guest's kernel (a
     * tap with offloads): a TSO frame of up to 64 KiB, or one packet the kernel left its checksum
     * to the "hardware" for. Its checksum field holds only the pseudo-header sum. A TSO frame is
     * taken whole, as Linux GRO hands its stack one large segment: the MTU check does not apply
     * (each piece it stands for fits). The TCP or UDP checksum is not verified: the frame never
     * crossed a wire, and Linux itself trusts a CHECKSUM_PARTIAL packet delivered locally.
     */
    public void inputOffloaded(ByteBuf frame, long now) {
        inputOffloaded = true;
        try {
            input0(frame, now);
        } finally {
            inputOffloaded = false;
        }
    }

    private void input0(ByteBuf frame, long now) {
        try {
            if (!eth.wrapChecked(frame, frame.readerIndex(), frame.readableBytes())) {
                counters.drop(StackDrop.MALFORMED);
                return;
            }
            long dst = eth.dstLong();
            if (dst != mac.toLong() && (dst & 0x0100_0000_0000L) == 0 && !ownsMac(dst)) {
                counters.drop(StackDrop.NOT_FOR_US);   // unicast to another guest on the hub
                return;
            }
            EtherType type = eth.etherType();
            if (type.equals(EtherType.ARP) && ipv4) {
                arpInput(frame, now);
            } else if (type.equals(EtherType.IPV4) && ipv4) {
                ipv4Input(frame, eth.payloadOffset(), eth.payloadLength(), eth.src(), now);
            } else if (type.equals(EtherType.IPV6) && ipv6) {
                ipv6Input(frame, eth.payloadOffset(), eth.payloadLength(), eth.src(), now);
            } else if (type.equals(EtherType.NCSI) && ncsi != null) {
                ncsi.frame(frame, eth.payloadOffset(), eth.payloadLength());
            } else {
                counters.drop(StackDrop.NOT_FOR_US);
            }
        } finally {
            frame.release();
        }
    }

    private void arpInput(ByteBuf frame, long now) {
        if (!arp.wrapChecked(frame, eth.payloadOffset(), eth.payloadLength())) {
            counters.drop(StackDrop.MALFORMED);
            return;
        }
        Ipv4Address spa = arp.spa();
        if (!spa.isUnspecified() && (spa.toInt() & netmask) == net.toInt()) {
            arpTable.put(spa.toInt(), arp.sha());
            learned(spa.toInt(), arp.sha());
        }
        if (!arp.op().equals(ArpOperation.REQUEST)) {
            return;
        }
        Ipv4Address tpa = arp.tpa();
        if (!arpAnswered.contains(tpa)) {
            counters.drop(StackDrop.NOT_FOR_US);
            return;
        }
        // slirp.c arp_input(): the reply comes from 52:55:<target address>.
        byte[] m = {0x52, 0x55, 0, 0, 0, 0};
        System.arraycopy(tpa.toBytes(), 0, m, 2, 4);
        MacAddress owner = MacAddress.fromBytes(m);
        sendArp(ArpOperation.REPLY, arp.sha(), owner, tpa, arp.sha(), spa);
    }

    private void ipv4Input(ByteBuf frame, int offset, int length, MacAddress srcMac, long now) {
        if (!ip.wrapChecked(frame, offset, length)) {
            counters.drop(StackDrop.MALFORMED);
            return;
        }
        if (!ip.verifyChecksum()) {
            counters.drop(StackDrop.BAD_CHECKSUM);
            return;
        }
        int src = ip.srcInt();
        if (src != 0 && (src & netmask) == net.toInt()) {
            arpTable.put(src, srcMac);
            learned(src, srcMac);
        }
        if (ip.ttl() == 0) {
            // No datagram travels with TTL 0 (RFC 1812 §4.2.2.9); libslirp's ip_input answers one
            // with time exceeded in transit, and so do we.
            sendIcmpError(ip, srcMac, IcmpPacket.TYPE_TIME_EXCEEDED, 0, 0);
            counters.drop(StackDrop.MALFORMED);
            return;
        }
        // A datagram longer than the MTU is taken as it is, as libslirp's ip_input takes it (a guest
        // whose interface MTU is larger still reaches the host); answers to it leave in fragments.
        if (ip.isFragment()) {
            ByteBuf whole = reassembler.addIpv4(ip, link.alloc(), now);
            if (whole == null) {
                return;
            }
            try {
                Ipv4Packet w = new Ipv4Packet();
                w.wrapChecked(whole, 0, whole.readableBytes());
                ipv4Deliver(w, srcMac, now);
            } finally {
                whole.release();
            }
            return;
        }
        ipv4Deliver(ip, srcMac, now);
    }

    private void ipv4Deliver(Ipv4Packet p, MacAddress srcMac, long now) {
        IpProtocol proto = p.protocol();
        if (proto.equals(IpProtocol.UDP)) {
            udp4Input(p, srcMac, now);
        } else if (proto.equals(IpProtocol.ICMP)) {
            icmpInput(p, srcMac, now);
        } else if (proto.equals(IpProtocol.TCP)) {
            TcpPacket t = tcpView;
            if (!t.wrapChecked(p.buffer(), p.payloadOffset(), p.payloadLength())) {
                counters.drop(StackDrop.MALFORMED);
            } else if (!inputOffloaded && !t.verifyChecksumIpv4(p.srcInt(), p.dstInt())) {
                counters.drop(StackDrop.BAD_CHECKSUM);
            } else {
                tcpDispatch(srcMac, inet4(p.srcInt()), inet4(p.dstInt()), t, now);
            }
        } else {
            counters.drop(StackDrop.UNSUPPORTED_PROTOCOL);
        }
    }

    private void udp4Input(Ipv4Packet p, MacAddress srcMac, long now) {
        UdpPacket u = udpView;
        if (!u.wrapChecked(p.buffer(), p.payloadOffset(), p.payloadLength())) {
            counters.drop(StackDrop.MALFORMED);
            return;
        }
        if (!inputOffloaded && !u.verifyChecksumIpv4(p.srcInt(), p.dstInt())) {
            counters.drop(StackDrop.BAD_CHECKSUM);
            return;
        }
        InetSocketAddress src = new InetSocketAddress(inet4(p.srcInt()), u.srcPort());
        InetSocketAddress dst = new InetSocketAddress(inet4(p.dstInt()), u.dstPort());
        UdpDatagram d = new UdpDatagram(srcMac, src, dst, p.buffer(), u.payloadOffset(), u.payloadLength());
        if (!dispatchUdp(d, now)) {
            Ipv4Address dstAddr = Ipv4Address.fromInt(p.dstInt());
            if (arpAnswered.contains(dstAddr)) {
                sendIcmpError(p, srcMac, IcmpPacket.TYPE_DEST_UNREACHABLE, IcmpPacket.CODE_PORT_UNREACHABLE, 0);
            }
        }
    }

    private boolean dispatchUdp(UdpDatagram d, long now) {
        UdpHandler h = udp.get(new Port(d.dst().getAddress(), d.dst().getPort()));
        if (h == null) {
            h = udp.get(new Port(null, d.dst().getPort()));
        }
        if (h != null) {
            return h.datagram(d, now);
        }
        return udpFallback != null && udpFallback.datagram(d, now);
    }

    private void icmpInput(Ipv4Packet p, MacAddress srcMac, long now) {
        if (!icmp.wrapChecked(p.buffer(), p.payloadOffset(), p.payloadLength())) {
            counters.drop(StackDrop.MALFORMED);
            return;
        }
        if (!icmp.verifyChecksum()) {
            counters.drop(StackDrop.BAD_CHECKSUM);
            return;
        }
        if (icmp.type() != IcmpPacket.TYPE_ECHO_REQUEST) {
            counters.drop(StackDrop.UNSUPPORTED_PROTOCOL);
            return;
        }
        Ipv4Address dst = Ipv4Address.fromInt(p.dstInt());
        if (arpAnswered.contains(dst)) {
            // RFC 1122 §3.2.2.6: the reply carries the request's identifier, sequence and data.
            // libslirp's icmp_reflect: TTL 255, the request's TOS and DF kept (ping shows ttl=255).
            int len = icmp.length();
            ByteBuf out = newIpv4Frame(srcMac, dst, Ipv4Address.fromInt(p.srcInt()), IpProtocol.ICMP, len);
            Ipv4Packet h = new Ipv4Packet().wrap(out, EthernetPacket.HEADER_LEN, Ipv4Packet.HEADER_LEN + len);
            h.setDscpEcn(p.dscp(), p.ecn());
            h.setFlagsAndFragmentOffset(p.dontFragment(), false, 0);
            h.setTtl(ECHO_REPLY_TTL);
            h.fillChecksum();
            int at = EthernetPacket.HEADER_LEN + Ipv4Packet.HEADER_LEN;
            out.setBytes(at, p.buffer(), icmp.dataOffset() - IcmpPacket.HEADER_LEN, len);
            IcmpPacket r = new IcmpPacket().wrap(out, at, len);
            r.setType(IcmpPacket.TYPE_ECHO_REPLY);
            r.setCode(0);
            r.fillChecksum();
            sendIpv4(out);   // a reassembled request of 3000 octets gets a reply in fragments, as libslirp's
            return;
        }
        if (echoFallback != null) {
            echoFallback.echo(srcMac, inet4(p.srcInt()), inet4(p.dstInt()), icmp.identifier(), icmp.sequence(),
                    p.buffer(), icmp.dataOffset(), icmp.dataLength(), p.ttl(), now);
        } else {
            counters.drop(StackDrop.UNSUPPORTED_PROTOCOL);
        }
    }

    // ---------------------------------------------------------------- IPv6

    private void ipv6Input(ByteBuf frame, int offset, int length, MacAddress srcMac, long now) {
        if (!ip6.wrapChecked(frame, offset, length)) {
            counters.drop(StackDrop.MALFORMED);
            return;
        }
        Ipv6Address src = ip6.src();
        Ipv6Address dst = ip6.dst();
        if (src.isIpv4Mapped() || dst.isIpv4Mapped()) {
            counters.drop(StackDrop.MALFORMED);   // RFC 4291 §2.5.5.2: never on the wire
            return;
        }
        if (!src.isUnspecified() && !src.isMulticast()) {
            ndpTable.put(src, srcMac);
            learned(src, srcMac);
        }
        // libslirp's ip6_input: Packet Too Big above the MTU, time exceeded for a hop limit of 0.
        if (Ipv6Packet.HEADER_LEN + ip6.payloadLength() > mtu && !(inputOffloaded && ip6.nextHeader().equals(IpProtocol.TCP))) {
            sendIcmpv6Error(frame, offset, length, srcMac, Icmpv6Packet.TYPE_PACKET_TOO_BIG, 0, mtu);
            counters.drop(StackDrop.TOO_BIG);
            return;
        }
        if (ip6.hopLimit() == 0) {
            sendIcmpv6Error(frame, offset, length, srcMac, Icmpv6Packet.TYPE_TIME_EXCEEDED, 0, 0);
            counters.drop(StackDrop.MALFORMED);
            return;
        }
        if (ip6.nextHeader().equals(IpProtocol.IPV6_FRAG)) {
            // RFC 8200 §4.5: the packet is handled once whole. libslirp's ip6_input drops fragments.
            Ipv6FragmentHeader f = frag6View;
            if (!f.wrapChecked(frame, ip6.payloadOffset(), ip6.payloadLength())) {
                counters.drop(StackDrop.MALFORMED);
                return;
            }
            ByteBuf whole = reassembler.addIpv6(ip6, f, link.alloc(), now);
            if (whole == null) {
                return;
            }
            try {
                ip6.wrapChecked(whole, 0, whole.readableBytes());
                ipv6Deliver(whole, srcMac, src, dst, now);
            } finally {
                whole.release();
            }
            return;
        }
        ipv6Deliver(frame, srcMac, src, dst, now);
    }

    /** Hands the upper layer of the packet {@link #ip6} wraps (in {@code frame}) to its handler. */
    private void ipv6Deliver(ByteBuf frame, MacAddress srcMac, Ipv6Address src, Ipv6Address dst, long now) {
        IpProtocol next = ip6.nextHeader();
        if (next.equals(IpProtocol.ICMPV6)) {
            icmpv6Input(frame, ip6.payloadOffset(), ip6.payloadLength(), srcMac, src, dst, now);
        } else if (next.equals(IpProtocol.UDP)) {
            UdpPacket u = udpView;
            if (!u.wrapChecked(frame, ip6.payloadOffset(), ip6.payloadLength())) {
                counters.drop(StackDrop.MALFORMED);
                return;
            }
            if (!inputOffloaded && !u.verifyChecksumIpv6(src, dst)) {
                counters.drop(StackDrop.BAD_CHECKSUM);
                return;
            }
            InetSocketAddress s = new InetSocketAddress(inet6(src), u.srcPort());
            InetSocketAddress d = new InetSocketAddress(inet6(dst), u.dstPort());
            if (!dispatchUdp(new UdpDatagram(srcMac, s, d, frame, u.payloadOffset(), u.payloadLength()), now)) {
                counters.drop(StackDrop.NOT_FOR_US);
            }
        } else if (next.equals(IpProtocol.TCP)) {
            TcpPacket t = tcpView;
            if (!t.wrapChecked(frame, ip6.payloadOffset(), ip6.payloadLength())) {
                counters.drop(StackDrop.MALFORMED);
            } else if (!inputOffloaded && !t.verifyChecksumIpv6(src, dst)) {
                counters.drop(StackDrop.BAD_CHECKSUM);
            } else {
                tcpDispatch(srcMac, inet6(src), inet6(dst), t, now);
            }
        } else {
            counters.drop(StackDrop.UNSUPPORTED_PROTOCOL);
        }
    }

    private void tcpDispatch(MacAddress srcMac, InetAddress src, InetAddress dst, TcpPacket t, long now) {
        TcpHandler h = tcp.get(new Port(dst, t.dstPort()));
        if (h == null) {
            h = tcpFallback;
        }
        if (h == null) {
            counters.drop(StackDrop.UNSUPPORTED_PROTOCOL);   // a stack without host TCP
            return;
        }
        h.segment(srcMac, new InetSocketAddress(src, t.srcPort()), new InetSocketAddress(dst, t.dstPort()), t, now);
    }

    /**
     * Sends one TCP segment to the guest: header (with an MSS option when {@code mss > 0}) and
     * {@code length} octets of {@code data} (borrowed) from {@code offset}.
     */
    public void sendTcp(InetSocketAddress from, InetSocketAddress to, long seq, long ack, int flags, int window, int mss,
                        ByteBuf data, int offset, int length) {
        MacAddress dstMac = neighbour(to.getAddress());
        if (dstMac == null) {
            counters.drop(StackDrop.NO_NEIGHBOUR);
            return;
        }
        int hl = TcpPacket.HEADER_LEN + (mss > 0 ? 4 : 0);
        int segLen = hl + length;
        boolean v6 = from.getAddress() instanceof Inet6Address;
        ByteBuf out;
        int at;
        if (v6) {
            out = newIpv6Frame(dstMac, Ipv6Address.fromBytes(from.getAddress().getAddress()),
                    Ipv6Address.fromBytes(to.getAddress().getAddress()), IpProtocol.TCP, segLen, 64);
            at = EthernetPacket.HEADER_LEN + Ipv6Packet.HEADER_LEN;
        } else {
            out = newIpv4Frame(dstMac, Ipv4Address.fromBytes(from.getAddress().getAddress()),
                    Ipv4Address.fromBytes(to.getAddress().getAddress()), IpProtocol.TCP, segLen);
            at = EthernetPacket.HEADER_LEN + Ipv4Packet.HEADER_LEN;
        }
        TcpPacket t = new TcpPacket().wrap(out, at, segLen);
        t.setHeader(from.getPort(), to.getPort(), seq, ack, hl, flags, window);
        if (mss > 0) {
            out.setByte(at + 20, TcpPacket.OPT_MSS);
            out.setByte(at + 21, 4);
            out.setShort(at + 22, mss);
        }
        if (length > 0) {
            out.setBytes(at + hl, data, offset, length);
        }
        if (v6) {
            t.fillChecksumIpv6(Ipv6Address.fromBytes(from.getAddress().getAddress()),
                    Ipv6Address.fromBytes(to.getAddress().getAddress()));
        } else {
            t.fillChecksumIpv4(Ipv4Address.fromBytes(from.getAddress().getAddress()).toInt(),
                    Ipv4Address.fromBytes(to.getAddress().getAddress()).toInt());
        }
        toGuest(out);
    }

    private void icmpv6Input(ByteBuf frame, int offset, int length, MacAddress srcMac, Ipv6Address src,
                             Ipv6Address dst, long now) {
        Icmpv6Packet m = icmp6;
        if (!m.wrapChecked(frame, offset, length)) {
            counters.drop(StackDrop.MALFORMED);
            return;
        }
        if (!m.verifyChecksum(src, dst)) {
            counters.drop(StackDrop.BAD_CHECKSUM);
            return;
        }
        switch (m.type()) {
            case Icmpv6Packet.TYPE_NEIGHBOR_SOLICITATION -> {
                // RFC 4861 §7.1.1: hop limit 255, length >= 24, options valid.
                if (ip6.hopLimit() != 255 || m.code() != 0 || !m.ndpOptionsValid(Icmpv6Packet.NS_NA_LEN)) {
                    counters.drop(StackDrop.MALFORMED);
                    return;
                }
                Ipv6Address target = m.target();
                if (!ndpAnswered.contains(target)) {
                    counters.drop(StackDrop.NOT_FOR_US);
                    return;
                }
                sendNeighborAdvertisement(srcMac, src, target);
            }
            case Icmpv6Packet.TYPE_ROUTER_SOLICITATION -> {
                if (ip6.hopLimit() != 255 || m.code() != 0 || !m.ndpOptionsValid(Icmpv6Packet.RS_LEN)) {
                    counters.drop(StackDrop.MALFORMED);
                    return;
                }
                if (routerSolicitations != null) {
                    routerSolicitations.icmpv6(srcMac, src, dst, m, now);
                }
            }
            case Icmpv6Packet.TYPE_ECHO_REQUEST -> {
                if (m.length() < 8) {
                    counters.drop(StackDrop.MALFORMED);
                    return;
                }
                if (!ndpAnswered.contains(dst)) {
                    if (echoFallback != null) {
                        echoFallback.echo(srcMac, inet6(src), inet6(dst), m.identifier(), m.sequence(), frame,
                                offset + 8, length - 8, ip6.hopLimit(), now);
                    } else {
                        counters.drop(StackDrop.UNSUPPORTED_PROTOCOL);
                    }
                    return;
                }
                ByteBuf out = newIpv6Frame(srcMac, dst, src, IpProtocol.ICMPV6, length, ECHO_REPLY_TTL);
                int at = EthernetPacket.HEADER_LEN + Ipv6Packet.HEADER_LEN;
                out.setBytes(at, frame, offset, length);
                Icmpv6Packet r = new Icmpv6Packet().wrap(out, at, length);
                r.setType(Icmpv6Packet.TYPE_ECHO_REPLY);
                r.fillChecksum(dst, src);
                sendIpv6(out);
            }
            default -> counters.drop(StackDrop.UNSUPPORTED_PROTOCOL);
        }
    }

    /**
     * An ICMPv6 error about the guest's packet at {@code offset} (RFC 4443 §2.4: as much of it as
     * fits in 1280 octets; never about an error message or from an unspecified or multicast
     * source), from the address it was sent to when that is ours, else the host address.
     */
    private void sendIcmpv6Error(ByteBuf frame, int offset, int length, MacAddress guestMac, int type, int code,
                                 int rest) {
        Ipv6Packet orig = new Ipv6Packet().wrap(frame, offset, length);
        Ipv6Address guest = orig.src();
        if (guest.isUnspecified() || guest.isMulticast()) {
            return;
        }
        if (orig.nextHeader().equals(IpProtocol.ICMPV6) && length > Ipv6Packet.HEADER_LEN
                && (frame.getUnsignedByte(offset + Ipv6Packet.HEADER_LEN) & 0x80) == 0) {
            return;   // an error message: never answered with another
        }
        Ipv6Address from = ndpAnswered.contains(orig.dst()) ? orig.dst() : host6;
        int quoted = Math.min(length, 1280 - Ipv6Packet.HEADER_LEN - 8);
        int len = 8 + quoted;
        ByteBuf out = newIpv6Frame(guestMac, from, guest, IpProtocol.ICMPV6, len, 255);
        int at = EthernetPacket.HEADER_LEN + Ipv6Packet.HEADER_LEN;
        out.setByte(at, type);
        out.setByte(at + 1, code);
        out.setInt(at + 4, rest);
        out.setBytes(at + 8, frame, offset, quoted);
        new Icmpv6Packet().wrap(out, at, len).fillChecksum(from, guest);
        toGuest(out);
    }

    private void sendNeighborAdvertisement(MacAddress guestMac, Ipv6Address guest, Ipv6Address target) {
        // RFC 4861 §7.2.4: to the solicitor (all-nodes when it was unspecified), router + solicited
        // (+ override) flags, with our link-layer address as the target option.
        boolean dad = guest.isUnspecified();
        Ipv6Address dst = dad ? ALL_NODES : guest;
        MacAddress dstMac = dad ? MacAddress.fromLong(0x3333_0000_0001L) : guestMac;
        sendNeighborMessage(Icmpv6Packet.TYPE_NEIGHBOR_ADVERTISEMENT, dad ? 0xA000_0000 : 0xE000_0000, dstMac, target,
                dst, target, Icmpv6Packet.OPT_TARGET_LINK_ADDR);
    }

    // ---------------------------------------------------------------- output

    private ByteBuf newIpv4Frame(MacAddress dstMac, Ipv4Address src, Ipv4Address dst, IpProtocol proto, int payloadLen) {
        int len = EthernetPacket.HEADER_LEN + Ipv4Packet.HEADER_LEN + payloadLen;
        ByteBuf out = link.alloc().buffer(Math.max(60, len));
        out.writeZero(len);
        EthernetPacket e = new EthernetPacket().wrap(out, 0, len);
        e.setDst(dstMac);
        e.setSrc(mac);
        e.setEtherType(EtherType.IPV4);
        Ipv4Packet h = new Ipv4Packet().wrap(out, EthernetPacket.HEADER_LEN, Ipv4Packet.HEADER_LEN + payloadLen);
        h.setVersionAndIhl(4, 5);
        h.setTotalLength(Ipv4Packet.HEADER_LEN + payloadLen);
        h.setIdentification(nextIpId++ & 0xFFFF);
        h.setFlagsAndFragmentOffset(false, false, 0);
        h.setTtl(64);
        h.setProtocol(proto);
        h.setSrc(src);
        h.setDst(dst);
        h.fillChecksum();
        return out;
    }

    /** A frame with Ethernet and IPv6 headers written and {@code payloadLen} zero octets after them. */
    public ByteBuf newIpv6Frame(MacAddress dstMac, Ipv6Address src, Ipv6Address dst, IpProtocol next, int payloadLen,
                                int hopLimit) {
        int len = EthernetPacket.HEADER_LEN + Ipv6Packet.HEADER_LEN + payloadLen;
        ByteBuf out = link.alloc().buffer(Math.max(60, len));
        out.writeZero(len);
        EthernetPacket e = new EthernetPacket().wrap(out, 0, len);
        e.setDst(dstMac);
        e.setSrc(macFor6(src));
        e.setEtherType(EtherType.IPV6);
        new Ipv6Packet().wrap(out, EthernetPacket.HEADER_LEN, Ipv6Packet.HEADER_LEN + payloadLen)
                .setHeader(payloadLen, next, hopLimit, src, dst);
        return out;
    }

    /** Octets before the IP payload in a frame from {@link #newIpFrame}. */
    public static int ipPayloadOffset(boolean ipv6) {
        return EthernetPacket.HEADER_LEN + (ipv6 ? Ipv6Packet.HEADER_LEN : Ipv4Packet.HEADER_LEN);
    }

    /**
     * A frame to the guest at {@code dst} with Ethernet and IP headers written and room for
     * {@code payloadLen} octets at {@link #ipPayloadOffset} (not zeroed: the caller fills them),
     * or null (counted) when the guest's MAC is not known. For upper layers that build their own
     * payload (TCP); the frame's writer index is at its end.
     */
    public ByteBuf newIpFrame(InetAddress src, InetAddress dst, IpProtocol proto, int payloadLen) {
        MacAddress dstMac = neighbour(dst);
        if (dstMac == null) {
            counters.drop(StackDrop.NO_NEIGHBOUR);
            return null;
        }
        boolean v6 = src instanceof Inet6Address;
        int head = ipPayloadOffset(v6);
        int len = head + payloadLen;
        ByteBuf out = link.alloc().buffer(Math.max(60, len));
        out.writeZero(head);
        out.writerIndex(len);
        EthernetPacket e = new EthernetPacket().wrap(out, 0, len);
        e.setDst(dstMac);
        if (v6) {
            Ipv6Address s6 = Ipv6Address.fromBytes(src.getAddress());
            e.setSrc(macFor6(s6));
            e.setEtherType(EtherType.IPV6);
            new Ipv6Packet().wrap(out, EthernetPacket.HEADER_LEN, Ipv6Packet.HEADER_LEN + payloadLen)
                    .setHeader(payloadLen, proto, 64, s6, Ipv6Address.fromBytes(dst.getAddress()));
            return out;
        }
        e.setSrc(mac);
        e.setEtherType(EtherType.IPV4);
        Ipv4Packet h = new Ipv4Packet().wrap(out, EthernetPacket.HEADER_LEN, Ipv4Packet.HEADER_LEN + payloadLen);
        h.setVersionAndIhl(4, 5);
        h.setTotalLength(Ipv4Packet.HEADER_LEN + payloadLen);
        h.setIdentification(nextIpId++ & 0xFFFF);
        h.setFlagsAndFragmentOffset(true, false, 0);   // DF: TCP segments are sized to the MTU
        h.setTtl(64);
        h.setProtocol(proto);
        h.setSrc(Ipv4Address.fromBytes(src.getAddress()));
        h.setDst(Ipv4Address.fromBytes(dst.getAddress()));
        h.fillChecksum();
        return out;
    }

    /**
     * A destination unreachable about the guest's echo request from {@code guest} to {@code dst}
     * ({@code id}, {@code seq}, {@code dataLength} octets of data) that the host could not send:
     * ICMP net ({@code noRoute}) or host unreachable (RFC 792), ICMPv6 no route or address
     * unreachable (RFC 4443 §3.1), from the router, quoting a rebuilt IP header and the echo's
     * first 8 octets (what the guest's ping matches the error by), as libslirp's icmp_input does
     * when its sendto fails.
     */
    public void sendEchoUnreachable(InetAddress guest, InetAddress dst, int id, int seq, int dataLength, boolean noRoute) {
        boolean v6 = guest instanceof Inet6Address;
        // The echo's first 8 octets: type, code 0, checksum left 0, identifier, sequence.
        long echo = (long) (v6 ? Icmpv6Packet.TYPE_ECHO_REQUEST : IcmpPacket.TYPE_ECHO_REQUEST) << 56
                | (id & 0xFFFFL) << 16 | (seq & 0xFFFFL);
        sendRebuiltError(neighbour(guest), v6 ? inet(host6) : inet(host), guest, dst, v6 ? IpProtocol.ICMPV6 : IpProtocol.ICMP,
                v6 ? Icmpv6Packet.TYPE_DEST_UNREACHABLE : IcmpPacket.TYPE_DEST_UNREACHABLE,
                noRoute ? 0 : v6 ? 3 : IcmpPacket.CODE_HOST_UNREACHABLE, 8 + dataLength, echo);
    }

    /**
     * A destination unreachable about the guest's TCP SYN from {@code guest} to {@code dst} with
     * sequence number {@code seq}: ICMP host unreachable (RFC 792) or ICMPv6 address unreachable
     * (RFC 4443 §3.1), quoting a rebuilt IP header and the first 8 octets of TCP (ports and
     * sequence) as libslirp's tcp_input does when connect() fails with EHOSTUNREACH/ENETUNREACH.
     */
    public void sendTcpUnreachable(InetSocketAddress guest, InetSocketAddress dst, int seq) {
        boolean v6 = guest.getAddress() instanceof Inet6Address;
        InetAddress d = dst.getAddress();
        boolean ours = v6 ? ndpAnswered.contains(Ipv6Address.fromBytes(d.getAddress()))
                : arpAnswered.contains(Ipv4Address.fromBytes(d.getAddress()));
        InetAddress from = ours ? d : v6 ? inet(host6) : inet(host);
        long ports = (long) guest.getPort() << 48 | (long) dst.getPort() << 32 | (seq & 0xFFFF_FFFFL);
        sendRebuiltError(neighbour(guest.getAddress()), from, guest.getAddress(), d, IpProtocol.TCP,
                v6 ? Icmpv6Packet.TYPE_DEST_UNREACHABLE : IcmpPacket.TYPE_DEST_UNREACHABLE,
                v6 ? 3 : IcmpPacket.CODE_HOST_UNREACHABLE, TcpPacket.HEADER_LEN, ports);
    }

    /**
     * An ICMP error (ICMPv6 for an IPv6 guest) from {@code from} about a datagram the guest sent
     * from {@code guest} to {@code dst} that we no longer hold: the quote is rebuilt, an IP header
     * of protocol {@code proto} with {@code payloadLength} octets after it, then the datagram's
     * first 8 octets {@code first8} (ports and more: what the guest matches the error by; RFC 792,
     * RFC 4443 §2.4(c)). Dropped, and counted, while the guest's link address is unknown.
     */
    private void sendRebuiltError(MacAddress guestMac, InetAddress from, InetAddress guest, InetAddress dst, IpProtocol proto,
                                  int type, int code, int payloadLength, long first8) {
        if (guestMac == null) {
            counters.drop(StackDrop.NO_NEIGHBOUR);
            return;
        }
        if (guest instanceof Inet6Address) {
            Ipv6Address f = Ipv6Address.fromBytes(from.getAddress());
            Ipv6Address s = Ipv6Address.fromBytes(guest.getAddress());
            int len = 8 + Ipv6Packet.HEADER_LEN + 8;
            ByteBuf out = newIpv6Frame(guestMac, f, s, IpProtocol.ICMPV6, len, 64);
            int at = EthernetPacket.HEADER_LEN + Ipv6Packet.HEADER_LEN;
            out.setByte(at, type);
            out.setByte(at + 1, code);
            new Ipv6Packet().wrap(out, at + 8, Ipv6Packet.HEADER_LEN + 8).setHeader(payloadLength, proto, 64, s,
                    Ipv6Address.fromBytes(dst.getAddress()));
            out.setLong(at + 8 + Ipv6Packet.HEADER_LEN, first8);
            new Icmpv6Packet().wrap(out, at, len).fillChecksum(f, s);
            toGuest(out);
            return;
        }
        Ipv4Address s = Ipv4Address.fromBytes(guest.getAddress());
        int quoted = Ipv4Packet.HEADER_LEN + 8;
        int len = IcmpPacket.HEADER_LEN + quoted;
        ByteBuf out = newIpv4Frame(guestMac, Ipv4Address.fromBytes(from.getAddress()), s, IpProtocol.ICMP, len);
        int at = EthernetPacket.HEADER_LEN + Ipv4Packet.HEADER_LEN;
        IcmpPacket r = new IcmpPacket().wrap(out, at, len);
        r.setType(type);
        r.setCode(code);
        Ipv4Packet q = new Ipv4Packet().wrap(out, at + IcmpPacket.HEADER_LEN, quoted);
        q.setVersionAndIhl(4, 5);
        q.setTotalLength(Ipv4Packet.HEADER_LEN + payloadLength);
        q.setTtl(64);
        q.setProtocol(proto);
        q.setSrc(s);
        q.setDst(Ipv4Address.fromBytes(dst.getAddress()));
        q.fillChecksum();
        out.setLong(at + IcmpPacket.HEADER_LEN + Ipv4Packet.HEADER_LEN, first8);
        r.fillChecksum();
        toGuest(out);
    }

    /** Sends a finished frame to the guest (takes the reference). */
    public void sendFrame(ByteBuf frame) {
        toGuest(frame);
    }

    /** Sends a frame with an {@link io.netfabric.wire.virtio.Offload} descriptor (takes the reference). */
    public void sendFrame(ByteBuf frame, long offload) {
        toGuest(frame, offload);
    }

    /** True when the path to the guest takes offloaded frames (see {@link Link#offloads}). */
    public boolean offloadsToGuest() {
        return link.offloads();
    }

    /**
     * Sends a UDP datagram to the guest at {@code to} from {@code from}, to the guest's learned
     * MAC. Datagrams longer than the MTU leave in fragments ({@link #sendIpv4}, {@link #sendIpv6}).
     * The payload is borrowed.
     */
    public void sendUdp(InetSocketAddress from, InetSocketAddress to, ByteBuf payload, int offset, int length) {
        MacAddress dstMac = neighbour(to.getAddress());
        if (dstMac == null) {
            counters.drop(StackDrop.NO_NEIGHBOUR);
            return;
        }
        sendUdp(dstMac, from, to, payload, offset, length);
    }

    /** As {@link #sendUdp(InetSocketAddress, InetSocketAddress, ByteBuf, int, int)}, to {@code dstMac}. */
    public void sendUdp(MacAddress dstMac, InetSocketAddress from, InetSocketAddress to, ByteBuf payload, int offset,
                        int length) {
        int udpLen = UdpPacket.HEADER_LEN + length;
        if (from.getAddress() instanceof Inet6Address) {
            Ipv6Address s = Ipv6Address.fromBytes(from.getAddress().getAddress());
            Ipv6Address d = Ipv6Address.fromBytes(to.getAddress().getAddress());
            ByteBuf out = newIpv6Frame(dstMac, s, d, IpProtocol.UDP, udpLen, 64);
            int at = EthernetPacket.HEADER_LEN + Ipv6Packet.HEADER_LEN;
            writeUdp(out, at, from.getPort(), to.getPort(), payload, offset, length);
            if (Ipv6Packet.HEADER_LEN + udpLen <= mtu && link.offloads()) {
                sendUdpPartial(out, at, InetChecksum.pseudoHeaderIpv6(s, d, IpProtocol.UDP, udpLen));
                return;
            }
            new UdpPacket().wrap(out, at, udpLen).fillChecksumIpv6(s, d);
            sendIpv6(out);
            return;
        }
        Ipv4Address s = Ipv4Address.fromBytes(from.getAddress().getAddress());
        Ipv4Address d = Ipv4Address.fromBytes(to.getAddress().getAddress());
        ByteBuf out = newIpv4Frame(dstMac, s, d, IpProtocol.UDP, udpLen);
        int at = EthernetPacket.HEADER_LEN + Ipv4Packet.HEADER_LEN;
        writeUdp(out, at, from.getPort(), to.getPort(), payload, offset, length);
        if (Ipv4Packet.HEADER_LEN + udpLen <= mtu && link.offloads()) {
            sendUdpPartial(out, at, InetChecksum.pseudoHeaderIpv4(s, d, IpProtocol.UDP, udpLen));
            return;
        }
        new UdpPacket().wrap(out, at, udpLen).fillChecksumIpv4(s, d);
        sendIpv4(out);
    }

    /**
     * A datagram to a guest whose tap takes offloads leaves with a partial checksum (Linux
     * CHECKSUM_PARTIAL, virtio spec §5.1.6.2: the field holds the pseudo-header sum), as TCP's
     * segments do: the guest's kernel trusts it and nobody sums the payload. A peer without
     * offloads gets it completed by the fabric. Only unfragmented datagrams.
     */
    private void sendUdpPartial(ByteBuf frame, int udpAt, int pseudo) {
        frame.setShort(udpAt + 6, pseudo);
        toGuest(frame, Offload.of(VirtioNetHeader.FLAG_NEEDS_CSUM, VirtioNetHeader.GSO_NONE, 0, udpAt, 6));
    }

    /**
     * Sends an IPv4 frame of ours (20-octet header) to the guest, cut into fragments of at most
     * the MTU when it is longer (RFC 791 §3.2, libslirp's ip_output): 8-aligned pieces under one
     * identification, MF on all but the last. Takes the frame's reference.
     */
    private void sendIpv4(ByteBuf frame) {
        int ipAt = EthernetPacket.HEADER_LEN;
        int total = frame.getUnsignedShort(ipAt + 2);
        if (total <= mtu) {
            toGuest(frame);
            return;
        }
        try {
            int payload = total - Ipv4Packet.HEADER_LEN;
            int maxPiece = (mtu - Ipv4Packet.HEADER_LEN) & ~7;
            for (int done = 0; done < payload; done += maxPiece) {
                int n = Math.min(maxPiece, payload - done);
                int len = ipAt + Ipv4Packet.HEADER_LEN + n;
                ByteBuf out = link.alloc().buffer(len);
                out.writeBytes(frame, 0, ipAt + Ipv4Packet.HEADER_LEN);
                out.writeBytes(frame, ipAt + Ipv4Packet.HEADER_LEN + done, n);
                Ipv4Packet h = new Ipv4Packet().wrap(out, ipAt, Ipv4Packet.HEADER_LEN + n);
                h.setTotalLength(Ipv4Packet.HEADER_LEN + n);
                h.setFlagsAndFragmentOffset(false, done + n < payload, done / 8);
                h.fillChecksum();
                toGuest(out);
            }
        } finally {
            frame.release();
        }
    }

    /**
     * Sends an IPv6 frame of ours (the fixed header, then the upper layer) to the guest, cut into
     * fragments of at most the MTU when it is longer (RFC 8200 §4.5: a Fragment header after the
     * fixed one, 8-aligned pieces, M on all but the last, one random identification per packet
     * as RFC 7739 asks). libslirp's ip6_output does not fragment. Takes the frame's reference.
     */
    private void sendIpv6(ByteBuf frame) {
        int ipAt = EthernetPacket.HEADER_LEN;
        int payload = frame.getUnsignedShort(ipAt + 4);
        if (Ipv6Packet.HEADER_LEN + payload <= mtu) {
            toGuest(frame);
            return;
        }
        try {
            IpProtocol next = IpProtocol.valueOf(frame.getUnsignedByte(ipAt + 6));
            int id = ThreadLocalRandom.current().nextInt();
            int dataAt = ipAt + Ipv6Packet.HEADER_LEN;
            int maxPiece = (mtu - Ipv6Packet.HEADER_LEN - Ipv6FragmentHeader.HEADER_LEN) & ~7;
            Ipv6FragmentHeader f = new Ipv6FragmentHeader();
            for (int done = 0; done < payload; done += maxPiece) {
                int n = Math.min(maxPiece, payload - done);
                ByteBuf out = link.alloc().buffer(dataAt + Ipv6FragmentHeader.HEADER_LEN + n);
                out.writeBytes(frame, 0, dataAt);
                out.setShort(ipAt + 4, Ipv6FragmentHeader.HEADER_LEN + n);
                out.setByte(ipAt + 6, IpProtocol.IPV6_FRAG.value());
                out.writeZero(Ipv6FragmentHeader.HEADER_LEN);
                f.wrap(out, dataAt, Ipv6FragmentHeader.HEADER_LEN).setHeader(next, done / 8, done + n < payload, id);
                out.writeBytes(frame, dataAt + done, n);
                toGuest(out);
            }
        } finally {
            frame.release();
        }
    }

    private static void writeUdp(ByteBuf out, int at, int srcPort, int dstPort, ByteBuf payload, int offset, int length) {
        UdpPacket u = new UdpPacket().wrap(out, at, UdpPacket.HEADER_LEN + length);
        u.setSrcPort(srcPort);
        u.setDstPort(dstPort);
        u.setLength(UdpPacket.HEADER_LEN + length);
        out.setBytes(at + UdpPacket.HEADER_LEN, payload, offset, length);
    }

    /**
     * An ICMP error about the guest's datagram {@code orig}: the IP header plus the first 8
     * octets of its payload (RFC 792), from the address it was sent to (or the router's).
     */
    public void sendIcmpError(Ipv4Packet orig, MacAddress guestMac, int type, int code, int restLow) {
        int quoted = Math.min(orig.totalLength(), orig.headerLength() + 8);
        int len = IcmpPacket.HEADER_LEN + quoted;
        Ipv4Address from = arpAnswered.contains(Ipv4Address.fromInt(orig.dstInt())) ? Ipv4Address.fromInt(orig.dstInt()) : host;
        ByteBuf out = newIpv4Frame(guestMac, from, Ipv4Address.fromInt(orig.srcInt()), IpProtocol.ICMP, len);
        int at = EthernetPacket.HEADER_LEN + Ipv4Packet.HEADER_LEN;
        IcmpPacket r = new IcmpPacket().wrap(out, at, len);
        r.setType(type);
        r.setCode(code);
        r.setRestOfHeader(restLow & 0xFFFF);
        out.setBytes(at + IcmpPacket.HEADER_LEN, orig.buffer(), orig.offset(), quoted);
        r.fillChecksum();
        toGuest(out);
    }

    /**
     * An ICMP error ({@code type}/{@code code}: ICMP's for an IPv4 guest, ICMPv6's for an IPv6 one)
     * about a UDP datagram the guest sent from {@code guest} to {@code dst}, rebuilt from the flow
     * (the quoted IP and UDP headers, RFC 792 and RFC 4443 §2.4(c); the payload is gone), coming
     * from {@code dst}'s address as the destination's own error would. libslirp 4.7 sends its
     * ICMPv6 errors from ::1, which a guest may not see on the wire (RFC 4291 §2.5.3).
     */
    public void sendUdpError(MacAddress guestMac, InetSocketAddress guest, InetSocketAddress dst, int type, int code,
                             int payloadLength) {
        if (guestMac == null) {
            return;
        }
        int udpLen = UdpPacket.HEADER_LEN + payloadLength;
        long header = (long) guest.getPort() << 48 | (long) dst.getPort() << 32 | (long) (udpLen & 0xFFFF) << 16;
        sendRebuiltError(guestMac, dst.getAddress(), guest.getAddress(), dst.getAddress(), IpProtocol.UDP, type, code, udpLen,
                header);
    }

    /**
     * An ICMP/ICMPv6 echo reply to the guest from {@code from} (an echo NAT answer), with TTL (hop
     * limit) 255 as libslirp reflects every echo reply. Data borrowed.
     */
    public void sendEchoReply(InetAddress from, InetAddress to, int id, int seq, ByteBuf data, int offset, int length) {
        MacAddress dstMac = neighbour(to);
        if (dstMac == null) {
            counters.drop(StackDrop.NO_NEIGHBOUR);
            return;
        }
        int len = 8 + length;
        if (from instanceof Inet6Address) {
            Ipv6Address s = Ipv6Address.fromBytes(from.getAddress());
            Ipv6Address d = Ipv6Address.fromBytes(to.getAddress());
            ByteBuf out = newIpv6Frame(dstMac, s, d, IpProtocol.ICMPV6, len, ECHO_REPLY_TTL);
            int at = EthernetPacket.HEADER_LEN + Ipv6Packet.HEADER_LEN;
            out.setByte(at, Icmpv6Packet.TYPE_ECHO_REPLY);
            out.setShort(at + 4, id);
            out.setShort(at + 6, seq);
            out.setBytes(at + 8, data, offset, length);
            new Icmpv6Packet().wrap(out, at, len).fillChecksum(s, d);
            sendIpv6(out);
            return;
        }
        ByteBuf out = newIpv4Frame(dstMac, Ipv4Address.fromBytes(from.getAddress()), Ipv4Address.fromBytes(to.getAddress()),
                IpProtocol.ICMP, len);
        Ipv4Packet h = new Ipv4Packet().wrap(out, EthernetPacket.HEADER_LEN, Ipv4Packet.HEADER_LEN + len);
        h.setTtl(ECHO_REPLY_TTL);
        h.fillChecksum();
        int at = EthernetPacket.HEADER_LEN + Ipv4Packet.HEADER_LEN;
        IcmpPacket r = new IcmpPacket().wrap(out, at, len);
        r.setType(IcmpPacket.TYPE_ECHO_REPLY);
        r.setIdentifier(id);
        r.setSequence(seq);
        out.setBytes(at + 8, data, offset, length);
        r.fillChecksum();
        sendIpv4(out);
    }

    // ---------------------------------------------------------------- timers

    @Override
    public long nextDeadline() {
        long d = reassembler.nextDeadline();
        for (Timed t : timed) {
            d = Math.min(d, t.nextDeadline());
        }
        return d;
    }

    @Override
    public void poll(long now) {
        reassembler.poll(now);
        for (Timed t : List.copyOf(timed)) {
            if (t.nextDeadline() <= now) {
                t.poll(now);
            }
        }
    }

    public Ipv4Address host() {
        return host;
    }

    public Ipv6Address host6() {
        return host6;
    }

    static InetAddress inet4(int addr) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (addr >>> 24), (byte) (addr >>> 16), (byte) (addr >>> 8), (byte) addr});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static InetAddress inet6(Ipv6Address a) {
        try {
            return InetAddress.getByAddress(a.toBytes());
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code a} as a java.net address. */
    public static InetAddress inet(Ipv4Address a) {
        return inet4(a.toInt());
    }

    public static InetAddress inet(Ipv6Address a) {
        return inet6(a);
    }

    @Override
    public String toString() {
        return "router " + host + " " + mac;
    }
}
