package io.netfabric.user.service;

import io.netfabric.user.ip.Router;
import io.netfabric.user.ip.StackDrop;
import io.netfabric.user.ip.TcpHandler;
import io.netfabric.user.ip.Timed;
import io.netfabric.wire.MacAddress;
import io.netfabric.wire.tcp.TcpPacket;
import io.netty.buffer.ByteBuf;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over TCP on the virtual DNS address (RFC 1035 §4.2.2, RFC 7766): a small passive TCP
 * endpoint (RFC 9293) that takes length-prefixed queries, hands each to the {@link DnsForwarder}
 * (upstreams are asked over UDP, as a stub forwarder may) and writes the answers back with their
 * length prefix.
 *
 * <p>The endpoint is deliberately minimal, enough for a resolver client: no window scaling, data
 * accepted only in order (anything else gets a duplicate ACK), our data resent from the first
 * unacknowledged octet after {@link #RTO_NANOS} up to {@link #MAX_RETRIES} times, a connection
 * idle for {@link #IDLE_NANOS} reset. The full TCP endpoint is part 2's; this class then moves
 * onto it. At most {@link #MAX_CONNECTIONS} connections.
 */
public final class DnsTcpServer implements TcpHandler, Timed {
    private static final Logger log = LoggerFactory.getLogger(DnsTcpServer.class);
    public static final int MAX_CONNECTIONS = 64;
    public static final long RTO_NANOS = 1_000_000_000L;
    public static final long IDLE_NANOS = 30_000_000_000L;
    public static final int MAX_RETRIES = 5;
    static final int WINDOW = 65535;
    /** The most a guest may send before a whole message arrives: one maximal DNS message. */
    static final int MAX_BUFFER = 2 + 65535;

    /** RFC 9293 §3.3.2's states a passive endpoint passes through. */
    enum State { SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT, LAST_ACK, CLOSED }

    private record Key(InetSocketAddress guest, InetSocketAddress local) {
    }

    private final class Connection {
        final Key key;
        final int mss;
        State state;
        long iss;
        long sndUna;
        long sndNxt;
        long rcvNxt;
        /** Octets from sndUna on, not yet acknowledged (ours), and the guest's partial message. */
        final ByteBuf unacked;
        final ByteBuf received;
        boolean finQueued;
        boolean finSent;
        int retries;
        long rtoDeadline = NONE;
        long idleDeadline;
        int pendingAnswers;

        Connection(Key key, int mss) {
            this.key = key;
            this.mss = mss;
            this.unacked = router.alloc().buffer(512);
            this.received = router.alloc().buffer(512);
        }

        void setState(State s) {
            log.trace("dns tcp {} {} -> {}", key.guest, state, s);
            state = s;
        }

        long sndLimit() {
            return sndUna + unacked.readableBytes() + (finSent ? 1 : 0);
        }

        void send(int flags, long seq, int from, int len, long now) {
            router.sendTcp(key.local, key.guest, seq & 0xFFFF_FFFFL, rcvNxt & 0xFFFF_FFFFL, flags, WINDOW, 0, unacked,
                    unacked.readerIndex() + from, len);
            if (len > 0 || (flags & (TcpPacket.SYN | TcpPacket.FIN)) != 0) {
                if (rtoDeadline == NONE) {
                    rtoDeadline = now + RTO_NANOS;
                }
            }
        }

        /** Sends what is unsent in {@code unacked}, then our FIN when queued and everything went out. */
        void push(long now) {
            int sent = (int) (sndNxt - sndUna);
            while (sent < unacked.readableBytes()) {
                int n = Math.min(mss, unacked.readableBytes() - sent);
                send(TcpPacket.ACK | TcpPacket.PSH, sndUna + sent, sent, n, now);
                sent += n;
            }
            sndNxt = sndUna + sent;
            if (finQueued && !finSent) {
                finSent = true;
                send(TcpPacket.ACK | TcpPacket.FIN, sndNxt, 0, 0, now);
                sndNxt++;
                setState(state == State.CLOSE_WAIT ? State.LAST_ACK : state);
            }
        }

        void retransmit(long now) {
            rtoDeadline = NONE;
            if (++retries > MAX_RETRIES) {
                reset();
                return;
            }
            if (state == State.SYN_RECEIVED) {
                router.sendTcp(key.local, key.guest, iss, rcvNxt, TcpPacket.SYN | TcpPacket.ACK, WINDOW, mssToAnnounce(),
                        unacked, 0, 0);
                rtoDeadline = now + RTO_NANOS;
                return;
            }
            // Go back to the first unacknowledged octet (RFC 9293 §3.8.1).
            sndNxt = sndUna;
            boolean fin = finSent;
            finSent = false;
            finQueued |= fin;
            push(now);
        }

        void reset() {
            router.sendTcp(key.local, key.guest, sndNxt, rcvNxt, TcpPacket.RST | TcpPacket.ACK, 0, 0, unacked, 0, 0);
            close();
        }

        void close() {
            setState(State.CLOSED);
            if (connections.remove(key) != null) {
                unacked.release();
                received.release();
            }
        }
    }

    private final Router router;
    private final DnsForwarder forwarder;
    private final Map<Key, Connection> connections = new HashMap<>();
    private final Random random = new Random();

    public DnsTcpServer(Router router, DnsForwarder forwarder) {
        this.router = router;
        this.forwarder = forwarder;
    }

    public int connectionCount() {
        return connections.size();
    }

    private int mssToAnnounce() {
        return router.mtu() - 40;
    }

    @Override
    public void segment(MacAddress srcMac, InetSocketAddress src, InetSocketAddress dst, TcpPacket t, long now) {
        Key key = new Key(src, dst);
        Connection c = connections.get(key);
        int flags = t.flags();
        if (c == null) {
            if ((flags & TcpPacket.RST) != 0) {
                return;
            }
            if ((flags & (TcpPacket.SYN | TcpPacket.ACK)) != TcpPacket.SYN) {
                // RFC 9293 §3.10.7.1: anything but a SYN to a closed port gets a reset.
                long seq = (flags & TcpPacket.ACK) != 0 ? t.ack() : 0;
                router.sendTcp(dst, src, seq, (t.seq() + t.payloadLength()) & 0xFFFF_FFFFL,
                        TcpPacket.RST | ((flags & TcpPacket.ACK) != 0 ? 0 : TcpPacket.ACK), 0, 0, null, 0, 0);
                return;
            }
            if (connections.size() >= MAX_CONNECTIONS) {
                router.counters().drop(StackDrop.TABLE_FULL);
                return;
            }
            int peerMss = t.mss();
            int ourMax = router.mtu() - (src.getAddress() instanceof Inet6Address ? 60 : 40);
            c = new Connection(key, peerMss > 0 ? Math.min(peerMss, ourMax) : Math.min(536, ourMax));
            connections.put(key, c);
            c.iss = random.nextInt() & 0xFFFF_FFFFL;
            c.sndUna = c.iss + 1;
            c.sndNxt = c.iss + 1;
            c.rcvNxt = (t.seq() + 1) & 0xFFFF_FFFFL;
            c.setState(State.SYN_RECEIVED);
            c.idleDeadline = now + IDLE_NANOS;
            router.sendTcp(dst, src, c.iss, c.rcvNxt, TcpPacket.SYN | TcpPacket.ACK, WINDOW, mssToAnnounce(), null, 0, 0);
            c.rtoDeadline = now + RTO_NANOS;
            return;
        }
        c.idleDeadline = now + IDLE_NANOS;
        if ((flags & TcpPacket.RST) != 0) {
            c.close();
            return;
        }
        if ((flags & TcpPacket.SYN) != 0) {
            if (c.state == State.SYN_RECEIVED && ((t.seq() + 1) & 0xFFFF_FFFFL) == c.rcvNxt) {
                return;   // a retransmitted SYN: our SYN-ACK timer answers it
            }
            c.reset();
            return;
        }
        if ((flags & TcpPacket.ACK) == 0) {
            return;
        }
        long ack = t.ack();
        if (c.state == State.SYN_RECEIVED) {
            if (ack != (c.iss + 1 & 0xFFFF_FFFFL)) {
                c.reset();
                return;
            }
            c.setState(State.ESTABLISHED);
            c.rtoDeadline = NONE;
            c.retries = 0;
        } else {
            long acked = (ack - (c.sndUna & 0xFFFF_FFFFL)) & 0xFFFF_FFFFL;
            long inFlight = c.sndNxt - c.sndUna;
            if (acked > 0 && acked <= inFlight) {
                int data = (int) Math.min(acked, c.unacked.readableBytes());
                c.unacked.skipBytes(data);
                c.unacked.discardSomeReadBytes();
                c.sndUna += acked;
                c.retries = 0;
                c.rtoDeadline = c.sndNxt == c.sndUna ? NONE : now + RTO_NANOS;
                if (c.state == State.LAST_ACK && c.finSent && c.sndUna == c.sndNxt) {
                    c.close();
                    return;
                }
            }
        }
        int len = t.payloadLength();
        boolean fin = (flags & TcpPacket.FIN) != 0;
        if (len > 0 || fin) {
            if (t.seq() != c.rcvNxt) {
                // Out of order or a retransmission: say again what we expect (RFC 9293 §3.10.7.4).
                router.sendTcp(key.local, key.guest, c.sndNxt & 0xFFFF_FFFFL, c.rcvNxt, TcpPacket.ACK, WINDOW, 0, null, 0, 0);
                return;
            }
            if (len > 0 && c.state == State.ESTABLISHED) {
                if (c.received.readableBytes() + len > MAX_BUFFER) {
                    router.counters().drop(StackDrop.SERVICE_REFUSED);
                    c.reset();
                    return;
                }
                c.received.writeBytes(t.buffer(), t.payloadOffset(), len);
            }
            c.rcvNxt = (c.rcvNxt + len + (fin ? 1 : 0)) & 0xFFFF_FFFFL;
            if (fin && c.state == State.ESTABLISHED) {
                c.setState(State.CLOSE_WAIT);
            }
            router.sendTcp(key.local, key.guest, c.sndNxt & 0xFFFF_FFFFL, c.rcvNxt, TcpPacket.ACK, WINDOW, 0, null, 0, 0);
            takeQueries(c, now);
            if (c.state == State.CLOSE_WAIT && c.pendingAnswers == 0) {
                c.finQueued = true;
                c.push(now);
            }
        }
    }

    private void takeQueries(Connection c, long now) {
        ByteBuf r = c.received;
        while (r.readableBytes() >= 2 && r.readableBytes() >= 2 + r.getUnsignedShort(r.readerIndex())) {
            int n = r.readUnsignedShort();
            int at = r.readerIndex();
            r.skipBytes(n);
            c.pendingAnswers++;
            Connection conn = c;
            forwarder.query(r, at, n, c.key.guest.getAddress(), (answer, answered) -> {
                conn.pendingAnswers--;
                if (conn.state == State.CLOSED) {
                    return;
                }
                conn.unacked.writeShort(answer.readableBytes());
                conn.unacked.writeBytes(answer, answer.readerIndex(), answer.readableBytes());
                if (conn.state == State.CLOSE_WAIT && conn.pendingAnswers == 0) {
                    conn.finQueued = true;
                }
                conn.push(answered);
            }, true, now);
        }
        r.discardReadBytes();
    }

    @Override
    public long nextDeadline() {
        long d = NONE;
        for (Connection c : connections.values()) {
            d = Math.min(d, Math.min(c.rtoDeadline, c.idleDeadline));
        }
        return d;
    }

    @Override
    public void poll(long now) {
        for (Connection c : List.copyOf(connections.values())) {
            if (c.idleDeadline <= now) {
                c.reset();
            } else if (c.rtoDeadline <= now) {
                c.retransmit(now);
            }
        }
    }

    public void close() {
        for (Connection c : new ArrayList<>(connections.values())) {
            c.close();
        }
    }
}
