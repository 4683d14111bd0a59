package io.netfabric.user.nat;

import io.netfabric.user.ip.Router;
import io.netfabric.user.ip.StackDrop;
import io.netfabric.user.ip.Timed;
import io.netfabric.user.ip.UdpDatagram;
import io.netfabric.user.ip.UdpHandler;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * UDP NAT: the guest's datagrams to any address leave on a host socket owned by the guest's
 * (address, port), and what comes back to that socket returns to the guest from the address it
 * came from (libslirp udp.c: one socket per guest source, {@code so_expire}).
 *
 * <p>The host address (10.0.2.2 / the IPv6 host) maps to the host's loopback (127.0.0.1 / ::1),
 * and replies from loopback map back to it. Flows expire after {@link #IDLE_NANOS} (libslirp
 * SO_EXPIRE, 240 s), or {@link #DNS_IDLE_NANOS} when their last destination port was 53
 * (SO_EXPIREFAST, 10 s). The table holds at most {@code maxFlows}; a new flow then evicts the
 * least recently used one, counted in {@code natEvictions}. With {@code restrict=on} nothing
 * goes out. Other virtual addresses (the DNS address on ports other than 53, the SMB address)
 * are not forwarded.
 */
public final class UdpNat implements UdpHandler, Timed {
    public static final long IDLE_NANOS = 240_000_000_000L;
    public static final long DNS_IDLE_NANOS = 10_000_000_000L;
    public static final int DEFAULT_MAX_FLOWS = 4096;
    private static final long SCAN_NANOS = 1_000_000_000L;

    /**
     * One flow for {@code info usernet} and {@code query-usernet}: the guest's socket, where it
     * last sent (as the guest addressed it, and as the host sees it), when the flow ends (nanos),
     * the host socket's descriptor, and the payload octets each way.
     */
    public record FlowInfo(InetSocketAddress guest, InetSocketAddress lastDestination, InetSocketAddress hostDestination,
                           long expires, int fd, long bytesFromGuest, long bytesToGuest) {
    }

    private final class Flow implements HostUdp.Receiver {
        final InetSocketAddress guest;
        final HostUdp.Socket socket;
        long expires;
        /** As the guest addressed it (libslirp's so_faddr/so_fport). */
        InetSocketAddress lastDestination;
        /** Where the host socket sends it: translated once per new destination, not per datagram. */
        InetSocketAddress hostDestination;
        long bytesFromGuest;
        long bytesToGuest;
        /** The last datagram's payload length, for the UDP header an error quotes (libslirp quotes so_m). */
        int lastPayloadLength;

        Flow(InetSocketAddress guest, boolean v6) {
            this.guest = guest;
            this.socket = host.open(v6, this);
        }

        @Override
        public void received(io.netty.buffer.ByteBuf payload, InetSocketAddress from, long now) {
            if (flows.get(guest) != this) {
                return;
            }
            expires = Math.max(expires, now + IDLE_NANOS);
            bytesToGuest += payload.readableBytes();
            InetAddress src = view.replySource(from.getAddress(), lastDestination.getAddress());
            router.sendUdp(new InetSocketAddress(src, from.getPort()), guest, payload, payload.readerIndex(),
                    payload.readableBytes());
        }

        @Override
        public void error(InetSocketAddress to, boolean icmpv6, int type, int code, int quotedLength, long now) {
            boolean v6 = guest.getAddress() instanceof Inet6Address;
            // Destination unreachable and time exceeded, as the raw-socket path; not IPv4's
            // "fragmentation needed" (its MTU field is not carried over) nor ICMPv6's packet too big.
            boolean forwarded = v6 ? icmpv6 && (type == 1 || type == 3)
                    : !icmpv6 && ((type == 3 && code != 4) || type == 11);
            if (!forwarded || flows.get(guest) != this || lastDestination == null) {
                return;
            }
            int length = to.equals(hostDestination) ? lastPayloadLength : quotedLength;
            report(to.getAddress(), to.getPort(), type, code, length);
        }

        /** The guest gets the error about the datagram it sent to {@code hostDst}:{@code port} (host view). */
        void report(InetAddress hostDst, int port, int type, int code, int payloadLength) {
            InetAddress addressed = view.replySource(hostDst, lastDestination.getAddress());
            router.sendUdpError(router.neighbour(guest.getAddress()), guest, new InetSocketAddress(addressed, port),
                    type, code, payloadLength);
        }
    }

    private final Router router;
    private final HostUdp host;
    private final HostView view;
    private final Set<InetAddress> virtual;
    private final boolean restrict;
    private final int maxFlows;
    private final Map<InetSocketAddress, Flow> flows = new LinkedHashMap<>(16, 0.75f, true);
    private long nextScan = NONE;
    private java.util.function.Consumer<Boolean> firstFlow;
    private boolean seenV4;
    private boolean seenV6;

    /**
     * Runs {@code r} once per address family, with {@code true} for IPv6, when that family's
     * first flow opens (the stack starts watching the host's ICMP or ICMPv6 errors then).
     */
    public void onFirstFlow(java.util.function.Consumer<Boolean> r) {
        this.firstFlow = r;
    }

    /**
     * @param virtual the router's other addresses (DNS, SMB, forward targets): never forwarded
     */
    public UdpNat(Router router, HostUdp host, HostView view, Set<InetAddress> virtual,
                  boolean restrict, int maxFlows) {
        this.router = router;
        this.host = host;
        this.view = view;
        this.virtual = Set.copyOf(virtual);
        this.restrict = restrict;
        this.maxFlows = maxFlows;
    }

    public int flowCount() {
        return flows.size();
    }

    /** The live flows, least recently used first. */
    public List<FlowInfo> flows() {
        List<FlowInfo> l = new ArrayList<>(flows.size());
        for (Flow f : flows.values()) {
            l.add(new FlowInfo(f.guest, f.lastDestination, f.hostDestination, f.expires, f.socket.fd(), f.bytesFromGuest,
                    f.bytesToGuest));
        }
        return l;
    }

    @Override
    public boolean datagram(UdpDatagram d, long now) {
        InetAddress dst = d.dst().getAddress();
        if (virtual.contains(dst) || (restrict && (dst.equals(view.host4()) || dst.equals(view.host6())))) {
            // A port of ours that no service holds: the router answers port unreachable.
            router.counters().drop(restrict ? StackDrop.RESTRICTED : StackDrop.NOT_FOR_US);
            return false;
        }
        if (restrict) {
            router.counters().drop(StackDrop.RESTRICTED);
            return true;   // libslirp drops restricted UDP silently
        }
        if (dst.isMulticastAddress()) {
            // libslirp 4.7 sends multicast on to the host's network (ff02::1 to ::1); a guest's
            // mDNS or SSDP chatter has no business there. Broadcasts go to loopback (HostView).
            router.counters().drop(StackDrop.NOT_FOR_US);
            return true;
        }
        Flow f = flows.get(d.src());
        if (f == null) {
            if (flows.size() >= maxFlows) {
                Iterator<Flow> eldest = flows.values().iterator();
                Flow old = eldest.next();
                eldest.remove();
                old.socket.close();
                router.counters().natEvictions++;
            }
            f = new Flow(d.src(), d.isIpv6());
            flows.put(d.src(), f);
            if (firstFlow != null && !(d.isIpv6() ? seenV6 : seenV4)) {
                firstFlow.accept(d.isIpv6());
            }
            seenV6 |= d.isIpv6();
            seenV4 |= !d.isIpv6();
            router.counters().natFlowsOpened++;
            if (nextScan == NONE) {
                nextScan = now + SCAN_NANOS;
            }
        }
        f.expires = now + (d.dst().getPort() == 53 ? DNS_IDLE_NANOS : IDLE_NANOS);
        if (!d.dst().equals(f.lastDestination)) {
            f.lastDestination = d.dst();
            f.hostDestination = new InetSocketAddress(view.toHost(dst), d.dst().getPort());
        }
        f.bytesFromGuest += d.payloadLength();
        f.lastPayloadLength = d.payloadLength();
        io.netty.buffer.ByteBuf copy = router.alloc().buffer(d.payloadLength());
        copy.writeBytes(d.buf(), d.payloadOffset(), d.payloadLength());
        f.socket.send(copy, f.hostDestination);
        return true;
    }

    /**
     * An ICMP error a raw socket saw about one of our datagrams ({@code quoted}: its IP header and
     * first octets): the guest gets the same error about the datagram it sent, from the address
     * that refused it (libslirp udp.c/ip_icmp.c {@code icmp_forward_error}). Used only when the
     * host sockets do not report their errors themselves ({@link HostUdp#reportsErrors()}); then
     * {@link Flow#error} does the same from the socket's error queue.
     */
    public void hostError(InetAddress from, int type, int code, byte[] quoted, long now) {
        if (quoted.length < 20) {
            return;
        }
        boolean v6 = (quoted[0] >>> 4 & 0xF) == 6;
        if (!v6 && (quoted[0] >>> 4 & 0xF) != 4) {
            return;
        }
        // An ICMPv6 error quotes the IPv6 header (40 octets) and the UDP header right after it:
        // the NAT's sockets send no extension headers.
        int ihl = v6 ? 40 : (quoted[0] & 0x0F) * 4;
        if (quoted.length < ihl + 8 || quoted[v6 ? 6 : 9] != 17) {
            return;
        }
        int srcPort = ((quoted[ihl] & 0xFF) << 8) | (quoted[ihl + 1] & 0xFF);
        int dstPort = ((quoted[ihl + 2] & 0xFF) << 8) | (quoted[ihl + 3] & 0xFF);
        // The host's datagram carried the guest's payload unchanged: its UDP length is the guest's.
        int payloadLength = Math.max(0, (((quoted[ihl + 4] & 0xFF) << 8) | (quoted[ihl + 5] & 0xFF)) - 8);
        InetAddress dst;
        try {
            dst = InetAddress.getByAddress(v6 ? java.util.Arrays.copyOfRange(quoted, 24, 40)
                    : java.util.Arrays.copyOfRange(quoted, 16, 20));
        } catch (java.net.UnknownHostException e) {
            return;
        }
        for (Flow f : flows.values()) {
            if (f.socket.localPort() == srcPort && (f.guest.getAddress() instanceof Inet6Address) == v6) {
                f.report(dst, dstPort, type, code, payloadLength);
                return;
            }
        }
    }

    @Override
    public long nextDeadline() {
        return nextScan;
    }

    @Override
    public void poll(long now) {
        for (Iterator<Flow> it = flows.values().iterator(); it.hasNext(); ) {
            Flow f = it.next();
            if (f.expires <= now) {
                it.remove();
                f.socket.close();
            }
        }
        nextScan = flows.isEmpty() ? NONE : now + SCAN_NANOS;
    }

    /** Closes every flow's socket. */
    public void close() {
        for (Flow f : flows.values()) {
            f.socket.close();
        }
        flows.clear();
        nextScan = NONE;
    }
}
