package io.netfabric.user.nat;

import io.netfabric.user.ip.Router;
import io.netfabric.user.ip.StackDrop;
import io.netfabric.user.ip.TcpHandler;
import io.netfabric.user.ip.Timed;
import io.netfabric.user.tcp.TcpConnection;
import io.netfabric.wire.InetChecksum;
import io.netfabric.wire.virtio.Offload;
import io.netfabric.wire.virtio.VirtioNetHeader;
import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Ipv6Address;
import io.netfabric.wire.MacAddress;
import io.netfabric.wire.ParseResult;
import io.netfabric.wire.tcp.TcpPacket;
import io.netfabric.wire.tcp.TcpRepr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * TCP NAT and the table of every guest TCP connection: the guest's connections to any address
 * become host connections (10.0.2.2 to 127.0.0.1, the IPv6 host address to ::1, as libslirp's
 * tcp_input/sotranslate_out), guest-forward addresses reach their targets, and host-forward
 * listeners open connections towards the guest ({@link #openToGuest}).
 *
 * <p>The table is bounded ({@link #DEFAULT_MAX_FLOWS}): a SYN that finds it full, or that
 * {@code restrict=on} forbids, is answered with a RST and counted. A segment for no connection
 * gets the RST RFC 9293 §3.10.7.1 prescribes. Timers of all connections sit in one priority
 * queue (stale entries are skipped), so the deadline is O(log n) with 10,000 connections.
 */
public final class TcpNat implements TcpHandler, Timed {
    public static final int DEFAULT_MAX_FLOWS = 16384;
    /** Receive buffer per connection: the most window we advertise. */
    public static final int RCV_BUF = 4 << 20;


    /** Where a guest connection to a given address and port goes instead of the NAT. */
    public interface Redirect {
        /** Opens the target; null refuses (RST). */
        HostTcp.Stream open(HostTcp.Events events);

        String describe();
    }

    /** One live connection, for the flow query. */
    /**
     * @param hostLocal a host-forward connection's local host address (the listener's), else null
     * @param recvQ     octets from the host waiting for the guest; {@code sendQ} the other way
     */
    public record FlowInfo(String protocol, String kind, InetSocketAddress guest, InetSocketAddress remote,
                           String host, String state, long bytesFromGuest, long bytesToGuest,
                           InetSocketAddress hostLocal, int fd, long recvQ, long sendQ) {
    }

    /**
     * A flow's two ends. Looked up for every guest segment: equals and hashCode are written out,
     * since a record's generated ones go through method handles ({@code ObjectMethods}), which
     * run slower than plain code until the JIT has compiled them.
     */
    private record Key(InetSocketAddress guest, InetSocketAddress remote) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && guest.equals(k.guest) && remote.equals(k.remote);
        }

        @Override
        public int hashCode() {
            return 31 * guest.hashCode() + remote.hashCode();
        }
    }

    private record Due(long deadline, Flow flow) {
    }

    private final Router router;
    private final HostTcp host;
    private final HostView view;
    private final Set<InetAddress> virtual;
    private final Map<InetSocketAddress, Redirect> redirects = new HashMap<>();
    private final boolean restrict;
    private final int maxFlows;
    private final TcpConnection.Timers timers;
    private final Map<Key, Flow> flows = new HashMap<>();
    private long closedRetransmits;
    private long closedTimeouts;
    private final PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
    /**
     * Initial sequence numbers. Only the guest sees them, over a link no one else can inject into,
     * so RFC 6528's defence against off-path guessing has no attacker here (libslirp counts them up
     * from a fixed step); a fast generator seeded once replaces a {@code SecureRandom} draw per
     * connection (a lock and a SHA-1 round on every guest SYN).
     */
    private final SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());
    private final TcpPacket out = new TcpPacket();
    private long refusals;
    private long opened;

    /**
     * @param virtual the router's own addresses other than the host's: refused unless redirected
     */
    public TcpNat(Router router, HostTcp host, HostView view, Set<InetAddress> virtual,
                  boolean restrict, int maxFlows, TcpConnection.Timers timers) {
        this.router = router;
        this.host = host;
        this.view = view;
        this.virtual = Set.copyOf(virtual);
        this.restrict = restrict;
        this.maxFlows = maxFlows;
        this.timers = timers;
    }

    /** Guest connections to {@code at} go to {@code r} (guestfwd; allowed with restrict=on). */
    public void redirect(InetSocketAddress at, Redirect r) {
        redirects.put(at, r);
    }

    public int flowCount() {
        return flows.size();
    }

    /** SYNs refused because the table was full or restrict=on forbade them. */
    public long refusals() {
        return refusals;
    }

    public long opened() {
        return opened;
    }

    /** How the guest sees a host client: loopback shows as the host address (libslirp tcp_connect). */
    public InetAddress toGuestView(InetAddress src) {
        return view.toGuest(src);
    }

    @Override
    public void segment(MacAddress srcMac, InetSocketAddress srcEnd, InetSocketAddress dstEnd, TcpPacket seg, long now) {
        ParseResult<TcpRepr> p = TcpRepr.parseUnchecked(seg);
        if (!p.isOk()) {
            router.counters().drop(StackDrop.MALFORMED);
            return;
        }
        TcpRepr h = p.value();
        InetAddress dst = dstEnd.getAddress();
        Key key = new Key(srcEnd, dstEnd);
        Flow f = flows.get(key);
        // SYN+FIN opens nothing (a scanner's probe: Linux discards it, libslirp 4.7 answers RST, as here).
        boolean bareSyn = h.has(TcpPacket.SYN) && !h.has(TcpPacket.ACK) && !h.has(TcpPacket.RST) && !h.has(TcpPacket.FIN);
        if (f != null && bareSyn && (f.conn.state() == TcpConnection.State.TIME_WAIT)) {
            // RFC 9293 §3.10.7.4 / RFC 6191: a new SYN may reopen a connection in TIME-WAIT.
            f.conn.abort(now);
            remove(f);
            f = null;
        }
        if (f != null) {
            f.conn.segment(seg, h, now);
            after(f);
            return;
        }
        if (h.has(TcpPacket.RST)) {
            return;
        }
        if (!bareSyn) {
            resetFor(key, h, seg.segmentLength());
            return;
        }
        if (view.isBroadcast(dst)) {
            // RFC 1122 §4.2.3.10: a SYN to a broadcast address is silently discarded.
            router.counters().drop(StackDrop.NOT_FOR_US);
            return;
        }
        InetSocketAddress remote = key.remote;
        Redirect r = redirects.get(remote);
        boolean allowed = r != null || (!restrict && !virtual.contains(dst) && !dst.isMulticastAddress());
        if (!allowed || flows.size() >= maxFlows) {
            router.counters().drop(allowed ? StackDrop.TABLE_FULL : StackDrop.RESTRICTED);
            refusals++;
            resetFor(key, h, seg.segmentLength());
            return;
        }
        f = new Flow(key, dst instanceof Inet6Address, h.dstPort(), h.srcPort(), r == null ? "nat" : "guestfwd");
        flows.put(key, f);
        opened++;
        router.counters().natFlowsOpened++;
        f.conn.guestSyn(h, now);
        f.synSeq = h.seq();
        if (r != null) {
            f.hostDesc = r.describe();
            f.stream = r.open(f);
        } else {
            InetSocketAddress target = new InetSocketAddress(view.toHost(dst), h.dstPort());
            f.hostTarget = target;   // formatted only when queried
            f.stream = host.connect(target, f);
        }
        if (f.stream == null) {
            f.conn.hostRefused(now);
            remove(f);
            return;
        }
        f.conn.setHost(f.stream);
        after(f);
    }

    /**
     * Opens a connection from {@code remote} (as the guest will see it) to {@code guest}, for an
     * accepted host-forward client: our SYN goes out now. Answers the events for the host
     * stream, or null when the table is full.
     */
    public HostTcp.Events openToGuest(InetSocketAddress remote, InetSocketAddress guest, HostTcp.Stream stream,
                                      String describe, InetSocketAddress hostLocal, long now) {
        Key key = new Key(guest, remote);
        if (flows.size() >= maxFlows || flows.containsKey(key)) {
            refusals++;
            return null;
        }
        Flow f = new Flow(key, guest.getAddress() instanceof Inet6Address, remote.getPort(), guest.getPort(), "hostfwd");
        f.stream = stream;
        f.hostDesc = describe;
        f.hostLocal = hostLocal;
        f.conn.setHost(stream);
        flows.put(key, f);
        opened++;
        f.conn.connect(now);
        after(f);
        return f;
    }

    /** RFC 9293 §3.10.7.1: a segment for no connection. */
    private void resetFor(Key key, TcpRepr h, int segLen) {
        TcpRepr rst = h.has(TcpPacket.ACK)
                ? TcpRepr.of(key.remote.getPort(), key.guest.getPort(), h.ack(), 0, TcpPacket.RST, 0, 0)
                : TcpRepr.of(key.remote.getPort(), key.guest.getPort(), 0, h.seq() + segLen,
                        TcpPacket.RST | TcpPacket.ACK, 0, 0);
        emit(key, rst, null, 0, 0, 0);
    }

    /**
     * One segment to the guest; with {@code segmentSize} > 0 and a longer payload, one offloaded
     * frame (TCP GSO, partial checksum) that the tap or the fabric cuts into segments. A data
     * segment to a guest that takes offloads carries a partial checksum too: the guest's kernel
     * trusts it (CHECKSUM_PARTIAL) instead of summing what we summed, and a peer without
     * offloads gets it completed by the fabric.
     */
    private boolean emit(Key key, TcpRepr h, ByteBuf data, int index, int len, int segmentSize) {
        int hlen = h.headerLength();
        ByteBuf frame = router.newIpFrame(key.remote.getAddress(), key.guest.getAddress(), IpProtocol.TCP, hlen + len);
        if (frame == null) {
            return false;
        }
        int at = Router.ipPayloadOffset(key.guest.getAddress() instanceof Inet6Address);
        TcpPacket t = out.wrap(frame, at, hlen + len);
        h.emit(t);
        if (len > 0) {
            frame.setBytes(at + hlen, data, index, len);
        }
        boolean v6 = key.guest.getAddress() instanceof Inet6Address;
        boolean gso = segmentSize > 0 && len > segmentSize;
        if (gso || len > 0 && router.offloadsToGuest()) {
            // Linux CHECKSUM_PARTIAL: the field holds the pseudo-header sum over the whole
            // length; the segmenter completes each segment's (virtio spec §5.1.6.2).
            int tcpLen = hlen + len;
            int pseudo = v6 ? InetChecksum.pseudoHeaderIpv6(Ipv6Address.fromBytes(key.remote.getAddress().getAddress()),
                    Ipv6Address.fromBytes(key.guest.getAddress().getAddress()), IpProtocol.TCP, tcpLen)
                    : InetChecksum.pseudoHeaderIpv4(ipv4(key.remote.getAddress()), ipv4(key.guest.getAddress()),
                    IpProtocol.TCP.value(), tcpLen);
            frame.setShort(at + 16, pseudo);
            long offload = gso
                    ? Offload.of(VirtioNetHeader.FLAG_NEEDS_CSUM, v6 ? VirtioNetHeader.GSO_TCPV6 : VirtioNetHeader.GSO_TCPV4,
                            segmentSize, at, 16)
                    : Offload.of(VirtioNetHeader.FLAG_NEEDS_CSUM, VirtioNetHeader.GSO_NONE, 0, at, 16);
            router.sendFrame(frame, offload);
            return true;
        }
        if (v6) {
            t.fillChecksumIpv6(Ipv6Address.fromBytes(key.remote.getAddress().getAddress()),
                    Ipv6Address.fromBytes(key.guest.getAddress().getAddress()));
        } else {
            t.fillChecksumIpv4(ipv4(key.remote.getAddress()), ipv4(key.guest.getAddress()));
        }
        router.sendFrame(frame);
        return true;
    }

    private static int ipv4(InetAddress a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    /** After any event on {@code f}: drop it when closed, else queue its next deadline. */
    private void after(Flow f) {
        if (f.conn.isClosed()) {
            remove(f);
            return;
        }
        long d = f.conn.nextDeadline();
        if (d != NONE && d < f.queued) {
            f.queued = d;
            due.add(new Due(d, f));
        }
    }

    private void remove(Flow f) {
        if (flows.get(f.key) == f) {
            flows.remove(f.key);
        }
        if (!f.removed) {
            closedRetransmits += f.conn.retransmits();
            closedTimeouts += f.conn.timeouts();
        }
        f.removed = true;
        // Entries of closed flows and superseded deadlines stay queued until they come due (up
        // to the 2 h keep-alive): when they outnumber the live ones, rebuild the queue.
        if (due.size() > 2 * flows.size() + 1024) {
            List<Due> live = new ArrayList<>(flows.size());
            for (Due d : due) {
                if (!d.flow.removed && d.deadline == d.flow.queued) {
                    live.add(d);
                }
            }
            due.clear();
            due.addAll(live);
        }
    }

    @Override
    public long nextDeadline() {
        // Entries of closed flows and superseded deadlines are dropped when they reach the head:
        // a timer armed for them would wake the loop for nothing (one wake-up per closed
        // connection, thousands per second under a connection storm).
        Due d;
        while ((d = due.peek()) != null && (d.flow.removed || d.deadline != d.flow.queued)) {
            due.poll();
        }
        return d == null ? NONE : d.deadline;
    }

    @Override
    public void poll(long now) {
        Due d;
        while ((d = due.peek()) != null && d.deadline <= now) {
            due.poll();
            Flow f = d.flow;
            if (f.removed || d.deadline != f.queued) {
                continue;   // superseded by an earlier deadline, or gone
            }
            f.queued = NONE;
            f.conn.poll(now);
            after(f);
        }
    }

    /** Segments sent to guests again, by every connection so far (fast retransmit, recovery, timer). */
    public long retransmits() {
        long n = closedRetransmits;
        for (Flow f : flows.values()) {
            n += f.conn.retransmits();
        }
        return n;
    }

    /** Retransmission timeouts of every connection so far. */
    public long timeouts() {
        long n = closedTimeouts;
        for (Flow f : flows.values()) {
            n += f.conn.timeouts();
        }
        return n;
    }

    /** The live connections (QEMU's {@code info usernet}, as data). */
    public List<FlowInfo> flows() {
        List<FlowInfo> l = new ArrayList<>();
        for (Flow f : flows.values()) {
            l.add(new FlowInfo("tcp", f.kind, f.key.guest, f.key.remote, f.hostDescription(), f.conn.state().name(),
                    f.conn.bytesFromGuest(), f.conn.bytesToGuest(), f.hostLocal,
                    f.stream == null ? -1 : f.stream.fd(), f.conn.hostBytesQueued(), f.conn.guestBytesQueued()));
        }
        return l;
    }

    /** The engines' internals, for test failures. */
    public String debug() {
        StringBuilder b = new StringBuilder();
        for (Flow f : flows.values()) {
            b.append(f.conn).append(" queued ").append(f.queued).append('\n');
        }
        return b.toString();
    }

    /** Resets every connection (netdev_del). */
    public void close() {
        long now = System.nanoTime();
        for (Flow f : List.copyOf(flows.values())) {
            f.conn.abort(now);
        }
        flows.clear();
        due.clear();
    }

    /** One connection: the engine, its host stream, and the glue between them. */
    private final class Flow implements TcpConnection.GuestSide, HostTcp.Events {
        final Key key;
        final TcpConnection conn;
        final String kind;
        HostTcp.Stream stream;
        String hostDesc;
        InetSocketAddress hostTarget;
        InetSocketAddress hostLocal;

        String hostDescription() {
            // host:port, [v6]:port: the address as the host sees it, not InetSocketAddress's "/a:p"
            return hostDesc != null ? hostDesc : io.netty.util.NetUtil.toSocketAddressString(hostTarget);
        }
        int synSeq;
        long queued = NONE;
        boolean removed;

        Flow(Key key, boolean v6, int localPort, int guestPort, String kind) {
            this.key = key;
            this.kind = kind;
            this.conn = new TcpConnection(this, timers, v6, localPort, guestPort, router.mtu(), RCV_BUF,
                    random.nextInt());
        }

        @Override
        public boolean emit(TcpRepr header, ByteBuf data, int index, int len, int segmentSize) {
            return TcpNat.this.emit(key, header, data, index, len, segmentSize);
        }

        @Override
        public boolean offloads() {
            return router.offloadsToGuest();
        }

        @Override
        public boolean busy() {
            return router.link().busy();
        }

        @Override
        public void whenWritable(Runnable r) {
            router.link().whenWritable(() -> {
                r.run();
                after(this);
            });
        }

        @Override
        public ByteBufAllocator alloc() {
            return router.alloc();
        }

        @Override
        public void connected(long now) {
            conn.hostConnected(now);
            after(this);
        }

        @Override
        public void failed(HostTcp.Failure failure, long now) {
            if (failure == HostTcp.Failure.UNREACHABLE) {
                router.sendTcpUnreachable(key.guest, key.remote, synSeq);
                conn.abandon(now);
            } else {
                conn.hostRefused(now);
            }
            after(this);
        }

        @Override
        public void data(ByteBuf data, long now) {
            conn.hostData(data, now);
            after(this);
        }

        @Override
        public void eof(long now) {
            conn.hostEof(now);
            after(this);
        }

        @Override
        public void reset(long now) {
            conn.hostReset(now);
            after(this);
        }

        @Override
        public void written(long now) {
            conn.hostWritten(now);
            after(this);
        }
    }
}
