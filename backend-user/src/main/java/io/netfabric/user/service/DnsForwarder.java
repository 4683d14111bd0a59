package io.netfabric.user.service;

import io.netfabric.user.ip.Router;
import io.netfabric.user.ip.StackDrop;
import io.netfabric.user.ip.Timed;
import io.netfabric.user.ip.UdpDatagram;
import io.netfabric.user.ip.UdpHandler;
import io.netfabric.user.nat.HostTcp;
import io.netfabric.user.nat.HostUdp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRecordEncoder;
import io.netty.handler.codec.dns.DnsRecordType;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNS forwarder on the virtual DNS address (10.0.2.3 / fec0::3), port 53.
 *
 * <p>Each guest query is parsed (header, then the question with netty-codec-dns, whose name
 * decoder refuses compression loops and overruns) and either answered locally, for
 * {@code host.netfabric.internal} (the host address) and the guest's {@code hostname} (its
 * lease), or sent unchanged to the configured upstreams, one at a time: a query that gets no
 * answer within {@link #ATTEMPT_NANOS}, or whose upstream port is closed, moves to the next
 * upstream (failover, the fix for libslirp's first-nameserver-only behaviour). Each attempt uses
 * a host socket connected to that upstream, so only that upstream's answer is accepted; a socket
 * serves one query at a time and is reused after an answer, closed after a timeout.
 * Answers are relayed unchanged, but for a truncated one (TC) to a query the guest sent over TCP
 * ({@link DnsTcpServer}): that is asked again of the same upstream over TCP, as libslirp's TCP
 * forwarding would get it whole. At most {@link #MAX_OUTSTANDING} queries are in flight; more
 * are dropped and counted. A guest query never goes anywhere but the configured upstreams.
 *
 * <p>Upstreams read from resolv.conf follow the file ({@link ResolvConfWatch}, as libslirp's
 * do): a query after a change goes to the new list; one already on its way keeps its own.
 */
public final class DnsForwarder implements UdpHandler, Timed {
    private static final Logger log = LoggerFactory.getLogger(DnsForwarder.class);
    public static final String HOST_NAME = "host.netfabric.internal.";
    public static final long ATTEMPT_NANOS = 2_000_000_000L;
    public static final int MAX_OUTSTANDING = 512;
    /** How long the TCP retry of a truncated answer may take before the truncated one is given. */
    public static final long TCP_ATTEMPT_NANOS = 5_000_000_000L;
    /** Connected sockets kept open per upstream between queries (opening one costs more than the query). */
    static final int IDLE_SOCKETS = 8;
    static final int HEADER_LEN = 12;

    /** Where an answer goes: a UDP guest endpoint or a TCP connection. */
    public interface Reply {
        /** {@code message} is borrowed; {@code now} is the time it came (nanos). */
        void answer(ByteBuf message, long now);
    }

    /**
     * A host socket connected to one upstream. It serves one query at a time and goes back to
     * the idle pool after an answer; after a timeout or an error it is closed, so a late answer
     * can never be taken for the next query's.
     */
    private final class UpstreamSocket implements HostUdp.Receiver {
        final InetSocketAddress upstream;
        final HostUdp.Socket socket;
        Query current;

        UpstreamSocket(InetSocketAddress upstream) {
            this.upstream = upstream;
            this.socket = host.openConnected(upstream, this);
        }

        @Override
        public void received(ByteBuf payload, InetSocketAddress from, long now) {
            if (current != null) {
                current.received(this, payload, from, now);
            }
        }

        @Override
        public void unreachable(InetSocketAddress to, long now) {
            if (current != null) {
                current.next(now);
            }
        }
    }

    private final class Query {
        final byte[] message;
        final int id;
        final Reply reply;
        /** The guest asked over TCP: a truncated answer is then asked for again over TCP. */
        final boolean overTcp;
        /** The upstreams when the query came: a resolv.conf change meanwhile does not move it. */
        final List<InetSocketAddress> route = upstreams;
        int upstream = -1;
        UpstreamSocket socket;
        /** The same question over TCP to the upstream that answered truncated, while it runs. */
        TcpAttempt tcp;
        long deadline;

        Query(byte[] message, Reply reply, boolean overTcp) {
            this.message = message;
            this.id = ((message[0] & 0xFF) << 8) | (message[1] & 0xFF);
            this.reply = reply;
            this.overTcp = overTcp;
        }

        void next(long now) {
            if (socket != null) {
                socket.current = null;
                socket.socket.close();
                socket = null;
                router.counters().dnsFailovers++;
            }
            upstream++;
            if (upstream >= route.size()) {
                outstanding.remove(this);
                router.counters().drop(StackDrop.SERVICE_REFUSED);
                return;
            }
            InetSocketAddress to = route.get(upstream);
            ArrayDeque<UpstreamSocket> pool = idle.get(to);
            socket = pool == null || pool.isEmpty() ? new UpstreamSocket(to) : pool.pop();
            socket.current = this;
            deadline = now + ATTEMPT_NANOS;
            ByteBuf out = router.alloc().buffer(message.length);
            out.writeBytes(message);
            socket.socket.send(out, to);
            router.counters().dnsQueriesForwarded++;
        }

        void received(UpstreamSocket s, ByteBuf payload, InetSocketAddress from, long now) {
            if (s != socket || !from.equals(s.upstream) || payload.readableBytes() < HEADER_LEN
                    || payload.getUnsignedShort(payload.readerIndex()) != id
                    || (payload.getByte(payload.readerIndex() + 2) & 0x80) == 0) {
                return;   // not this upstream's answer to this query
            }
            s.current = null;
            socket = null;
            ArrayDeque<UpstreamSocket> pool = upstreams.contains(s.upstream) ? idle.computeIfAbsent(s.upstream,
                    k -> new ArrayDeque<>()) : null;
            if (pool != null && pool.size() < IDLE_SOCKETS) {
                pool.push(s);
            } else {
                s.socket.close();   // full, or an upstream resolv.conf no longer names
            }
            if (overTcp && hostTcp != null && (payload.getByte(payload.readerIndex() + 2) & 0x02) != 0) {
                // TC: the answer did not fit a datagram, which is why a resolver asks over TCP
                // (RFC 7766 §5); relayed as it is, the guest would get nothing more. libslirp
                // forwards the guest's connection to the resolver's TCP port; we ask the same
                // upstream the same question over TCP, and fall back to the truncated answer.
                tcp = new TcpAttempt(this, s.upstream, ByteBufUtil.getBytes(payload));
                deadline = now + TCP_ATTEMPT_NANOS;
                return;
            }
            outstanding.remove(this);
            reply.answer(payload, now);
        }

        /** The TCP attempt is over: {@code answer} (borrowed) is the upstream's, or its truncated one. */
        void finish(ByteBuf answer, long now) {
            if (tcp == null) {
                return;
            }
            tcp = null;
            outstanding.remove(this);
            reply.answer(answer, now);
        }
    }

    /**
     * One question asked over TCP (RFC 1035 §4.2.2: a 2-octet length before each message) on a
     * host connection of its own, closed once the answer or a failure came.
     */
    private final class TcpAttempt implements HostTcp.Events {
        final Query query;
        final byte[] truncated;
        /** Null until connect returns (an adapter may report at once). */
        HostTcp.Stream stream;
        final ByteBuf received;
        boolean connected;
        boolean done;

        TcpAttempt(Query query, InetSocketAddress upstream, byte[] truncated) {
            this.query = query;
            this.truncated = truncated;
            this.received = router.alloc().buffer(512);
            router.counters().dnsQueriesForwarded++;
            HostTcp.Stream s = hostTcp.connect(upstream, this);
            stream = s;
            if (done) {
                s.close(false);
            } else if (connected) {
                ask();
            }
        }

        @Override
        public void connected(long now) {
            connected = true;
            if (stream != null && !done) {
                ask();
            }
        }

        private void ask() {
            ByteBuf out = router.alloc().buffer(2 + query.message.length);
            out.writeShort(query.message.length).writeBytes(query.message);
            stream.write(out);
        }

        @Override
        public void data(ByteBuf data, long now) {
            try {
                if (done) {
                    return;
                }
                if (received.readableBytes() + data.readableBytes() > 2 + 65535) {
                    fail(now);
                    return;
                }
                received.writeBytes(data);
                if (received.readableBytes() >= 2 && received.readableBytes() >= 2 + received.getUnsignedShort(0)) {
                    int len = received.getUnsignedShort(0);
                    if (len >= HEADER_LEN && received.getUnsignedShort(2) == query.id) {
                        end(received.slice(2, len), now);
                    } else {
                        fail(now);
                    }
                }
            } finally {
                data.release();
            }
        }

        @Override
        public void failed(HostTcp.Failure failure, long now) {
            fail(now);
        }

        @Override
        public void eof(long now) {
            fail(now);
        }

        @Override
        public void reset(long now) {
            fail(now);
        }

        @Override
        public void written(long now) {
        }

        void fail(long now) {
            if (!done) {
                ByteBuf b = io.netty.buffer.Unpooled.wrappedBuffer(truncated);
                try {
                    end(b, now);
                } finally {
                    b.release();
                }
            }
        }

        private void end(ByteBuf answer, long now) {
            done = true;
            if (stream != null) {
                stream.close(false);
            }
            query.finish(answer, now);
            received.release();
        }
    }

    private final Router router;
    private final HostUdp host;
    /** For a truncated answer to a guest's TCP query; null in stacks without host TCP. */
    private final HostTcp hostTcp;
    private List<InetSocketAddress> upstreams;
    private final ResolvConfWatch resolvConf;
    private final InetAddress hostAddr;
    private final InetAddress hostAddr6;
    private final String guestName;
    private final Function<InetAddress, InetAddress> guestAddress;
    private final List<Query> outstanding = new ArrayList<>();
    private final Map<InetSocketAddress, ArrayDeque<UpstreamSocket>> idle = new HashMap<>();

    /**
     * @param resolvConf   where {@code upstreams} came from, followed from now on; null for a fixed list
     * @param guestName    the {@code hostname} option (answered locally), or null
     * @param guestAddress the guest's address for its name, given the querying address
     */
    public DnsForwarder(Router router, HostUdp host, HostTcp hostTcp, List<InetSocketAddress> upstreams,
                        ResolvConfWatch resolvConf, InetAddress hostAddr, InetAddress hostAddr6, String guestName,
                        Function<InetAddress, InetAddress> guestAddress) {
        this.router = router;
        this.host = host;
        this.hostTcp = hostTcp;
        this.upstreams = List.copyOf(upstreams);
        this.resolvConf = resolvConf;
        this.hostAddr = hostAddr;
        this.hostAddr6 = hostAddr6;
        this.guestName = guestName == null || guestName.isEmpty() ? null
                : (guestName.endsWith(".") ? guestName : guestName + ".").toLowerCase(Locale.ROOT);
        this.guestAddress = guestAddress;
    }

    /** The upstreams a query now goes to, in order. */
    public List<InetSocketAddress> upstreams() {
        return upstreams;
    }

    /** Takes resolv.conf's resolvers when the file changed; idle sockets to dropped ones close. */
    private void followResolvConf(long now) {
        List<InetSocketAddress> fresh = resolvConf == null ? null : resolvConf.changed(now);
        if (fresh == null || fresh.equals(upstreams)) {
            return;
        }
        log.info("DNS upstreams now {} ({} changed)", fresh, resolvConf.file());
        upstreams = List.copyOf(fresh);
        for (Iterator<Map.Entry<InetSocketAddress, ArrayDeque<UpstreamSocket>>> it = idle.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<InetSocketAddress, ArrayDeque<UpstreamSocket>> e = it.next();
            if (!upstreams.contains(e.getKey())) {
                e.getValue().forEach(u -> u.socket.close());
                it.remove();
            }
        }
    }

    public int outstanding() {
        return outstanding.size();
    }

    @Override
    public boolean datagram(UdpDatagram d, long now) {
        InetSocketAddress from = d.dst();
        InetSocketAddress guest = d.src();
        query(d.buf(), d.payloadOffset(), d.payloadLength(), guest.getAddress(),
                (m, t) -> router.sendUdp(from, guest, m, m.readerIndex(), m.readableBytes()), now);
        return true;
    }

    /** Handles one query message (borrowed) from {@code guest}; the answer goes to {@code reply}. */
    public void query(ByteBuf buf, int offset, int length, InetAddress guest, Reply reply, long now) {
        query(buf, offset, length, guest, reply, false, now);
    }

    /**
     * As {@link #query(ByteBuf, int, int, InetAddress, Reply, long)}; {@code overTcp}: the guest
     * asked over TCP, so an answer the upstream truncated is asked for again over TCP.
     */
    public void query(ByteBuf buf, int offset, int length, InetAddress guest, Reply reply, boolean overTcp, long now) {
        if (length < HEADER_LEN || (buf.getByte(offset + 2) & 0x80) != 0) {
            router.counters().drop(StackDrop.MALFORMED);   // too short, or a response
            return;
        }
        int qdcount = buf.getUnsignedShort(offset + 4);
        if (qdcount == 1) {
            DnsQuestion q;
            ByteBuf view = buf.slice(offset, length);
            view.readerIndex(HEADER_LEN);
            try {
                q = DnsRecordDecoder.DEFAULT.decodeQuestion(view);
            } catch (Exception e) {
                router.counters().drop(StackDrop.MALFORMED);   // truncated name, compression loop
                return;
            }
            String name = q.name().toLowerCase(Locale.ROOT);
            if (name.equals(HOST_NAME) || name.equals(guestName)) {
                answerLocally(buf, offset, q, name.equals(HOST_NAME) ? hostAddr : null,
                        name.equals(HOST_NAME) ? hostAddr6 : null, guest, reply, now);
                return;
            }
        }
        if (outstanding.size() >= MAX_OUTSTANDING) {
            router.counters().drop(StackDrop.TABLE_FULL);
            return;
        }
        followResolvConf(now);
        byte[] message = new byte[length];
        buf.getBytes(offset, message);
        Query q = new Query(message, reply, overTcp);
        outstanding.add(q);
        q.next(now);
    }

    private void answerLocally(ByteBuf buf, int offset, DnsQuestion q, InetAddress a4, InetAddress a6, InetAddress guest,
                               Reply reply, long now) {
        InetAddress answer = null;
        if (a4 == null) {
            InetAddress g = guestAddress.apply(guest);
            if (g != null && (q.type().equals(DnsRecordType.A) && !(g instanceof Inet6Address)
                    || q.type().equals(DnsRecordType.AAAA) && g instanceof Inet6Address)) {
                answer = g;
            }
        } else if (q.type().equals(DnsRecordType.A)) {
            answer = a4;
        } else if (q.type().equals(DnsRecordType.AAAA)) {
            answer = a6;
        }
        ByteBufAllocator alloc = router.alloc();
        ByteBuf out = alloc.buffer(512);
        try {
            out.writeShort(buf.getUnsignedShort(offset));
            // QR, opcode copied, AA, RD copied; RA; RCODE 0 (RFC 1035 §4.1.1).
            int rd = buf.getByte(offset + 2) & 0x01;
            int opcode = buf.getByte(offset + 2) & 0x78;
            out.writeByte(0x84 | opcode | rd);
            out.writeByte(0x80);
            out.writeShort(1).writeShort(answer == null ? 0 : 1).writeShort(0).writeShort(0);
            DnsRecordEncoder.DEFAULT.encodeQuestion(new DefaultDnsQuestion(q.name(), q.type(), q.dnsClass()), out);
            if (answer != null) {
                ByteBuf rdata = alloc.buffer(16).writeBytes(answer.getAddress());
                DefaultDnsRawRecord rr = new DefaultDnsRawRecord(q.name(), q.type(), 60, rdata);
                try {
                    DnsRecordEncoder.DEFAULT.encodeRecord(rr, out);
                } finally {
                    rr.release();
                }
            }
            router.counters().dnsLocalAnswers++;
            reply.answer(out, now);
        } catch (Exception e) {
            router.counters().drop(StackDrop.SERVICE_REFUSED);
        } finally {
            out.release();
        }
    }

    @Override
    public long nextDeadline() {
        long d = NONE;
        for (Query q : outstanding) {
            d = Math.min(d, q.deadline);
        }
        return d;
    }

    @Override
    public void poll(long now) {
        for (Query q : List.copyOf(outstanding)) {
            if (q.deadline <= now) {
                if (q.tcp != null) {
                    q.tcp.fail(now);
                } else {
                    q.next(now);
                }
            }
        }
    }

    public void close() {
        for (Query q : List.copyOf(outstanding)) {
            if (q.socket != null) {
                q.socket.socket.close();
            }
            if (q.tcp != null) {
                q.tcp.done = true;
                if (q.tcp.stream != null) {
                    q.tcp.stream.close(true);
                }
                q.tcp.received.release();
            }
        }
        outstanding.clear();
        for (ArrayDeque<UpstreamSocket> pool : idle.values()) {
            pool.forEach(u -> u.socket.close());
        }
        idle.clear();
    }
}
