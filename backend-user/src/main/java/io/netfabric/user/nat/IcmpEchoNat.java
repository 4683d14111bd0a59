package io.netfabric.user.nat;

import io.netfabric.user.ip.Router;
import io.netfabric.user.ip.StackDrop;
import io.netfabric.user.ip.Timed;
import io.netfabric.wire.MacAddress;
import io.netty.buffer.ByteBuf;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ICMP echo NAT for addresses other than the router's (which it answers itself): each guest
 * echo request goes out on the host's echo socket of its family with a sequence number of ours,
 * and the reply with that number comes back to the guest with the guest's identifier and
 * sequence, from the address that answered (libslirp ip_icmp.c with ping sockets, and 4.8's
 * ICMPv6 echo). The host address maps to loopback as for UDP. Outstanding requests are bounded
 * and forgotten after {@link #TIMEOUT_NANOS}.
 *
 * <p>When the host allows neither ping nor raw sockets, one log line says so and requests are
 * dropped and counted: the guest never gets a reply from an address that did not answer.
 */
public final class IcmpEchoNat implements Router.EchoHandler, Timed {
    private static final Logger log = LoggerFactory.getLogger(IcmpEchoNat.class);
    public static final long TIMEOUT_NANOS = 10_000_000_000L;
    public static final int MAX_OUTSTANDING = 1024;
    /** The identifier raw sockets put on the wire (ping sockets use their own). */
    static final int RAW_ID = IcmpEchoNatIds.RAW_ID;

    /** Takes the host's ICMP errors (see {@link HostIcmp.Receiver#error}). */
    @FunctionalInterface
    public interface ErrorListener {
        void error(InetAddress from, int type, int code, byte[] quoted, long now);
    }

    private final HostIcmp.Receiver receiver = new HostIcmp.Receiver() {
        @Override
        public void echoReply(InetAddress from, int id, int seq, byte[] data, long now) {
            reply(from, id, seq, data, now);
        }

        @Override
        public void error(InetAddress from, int type, int code, byte[] quoted, long now) {
            if (errorListener != null) {
                errorListener.error(from, type, code, quoted, now);
            }
        }
    };
    private ErrorListener errorListener;

    private record Pending(InetAddress guest, InetAddress dst, int id, int seq, long deadline) {
    }

    /** One echo waiting for its reply, for {@code info usernet}: when it is given up (nanos), the host socket's fd. */
    public record EchoInfo(InetAddress guest, InetAddress dst, long expires, int fd) {
    }

    private final Router router;
    private final HostIcmp host;
    private final boolean restrict;
    private final HostView view;
    private final Map<Integer, Pending> pending = new LinkedHashMap<>();
    private HostIcmp.EchoSocket v4;
    private HostIcmp.EchoSocket v6;
    private boolean triedV4;
    private boolean triedV6;
    private boolean logged;
    private int nextSeq;

    public IcmpEchoNat(Router router, HostIcmp host, boolean restrict, HostView view) {
        this.router = router;
        this.host = host;
        this.restrict = restrict;
        this.view = view;
    }

    private HostIcmp.EchoSocket socket(boolean ipv6) {
        if (ipv6) {
            if (!triedV6) {
                triedV6 = true;
                v6 = host == null ? null : host.open(true, receiver);
            }
            return v6;
        }
        if (!triedV4) {
            triedV4 = true;
            v4 = host == null ? null : host.open(false, receiver);
        }
        return v4;
    }

    /**
     * Sends the host's ICMP errors to {@code listener}, opening the socket of that family
     * ({@code ipv6}: ICMPv6) now: only a raw socket sees errors about other sockets' datagrams
     * (the UDP NAT's).
     */
    public void watchErrors(ErrorListener listener, boolean ipv6) {
        this.errorListener = listener;
        if (!restrict) {
            socket(ipv6);
        }
    }

    @Override
    public void echo(MacAddress srcMac, InetAddress src, InetAddress dst, int id, int seq, ByteBuf buf, int dataOffset,
                     int dataLength, int ttl, long now) {
        if (restrict) {
            router.counters().drop(StackDrop.RESTRICTED);
            return;
        }
        boolean v6 = dst instanceof Inet6Address;
        HostIcmp.EchoSocket s = socket(v6);
        if (s == null) {
            if (!logged) {
                logged = true;
                log.info("user netdev: the host allows no ping socket (net.ipv4.ping_group_range) and no raw socket "
                        + "(CAP_NET_RAW): ICMP echo is answered for the virtual host and DNS addresses only");
            }
            router.counters().drop(StackDrop.UNSUPPORTED_PROTOCOL);
            return;
        }
        if (pending.size() >= MAX_OUTSTANDING) {
            Iterator<Integer> eldest = pending.keySet().iterator();
            eldest.next();
            eldest.remove();
            router.counters().drop(StackDrop.TABLE_FULL);
        }
        int ours = nextSeq++ & 0xFFFF;
        InetAddress out = view.toHost(dst);
        byte[] data = new byte[dataLength];
        buf.getBytes(dataOffset, data);
        HostIcmp.EchoSocket.Sent sent = s.sendEcho(out, RAW_ID, ours, data);
        if (sent == HostIcmp.EchoSocket.Sent.SENT) {
            pending.put(ours, new Pending(src, dst, id, seq, now + TIMEOUT_NANOS));
        } else {
            // The host could not send it (no route): libslirp's icmp_input answers with a
            // destination unreachable, net for ENETUNREACH, else host, rather than letting the
            // guest's ping time out.
            router.sendEchoUnreachable(src, dst, id, seq, dataLength, sent == HostIcmp.EchoSocket.Sent.NO_ROUTE_TO_NET);
        }
    }

    private void reply(InetAddress from, int id, int seq, byte[] data, long now) {
        Pending p = pending.get(seq);
        if (p == null) {
            return;   // not ours (a raw socket sees every echo reply of the host)
        }
        InetAddress sentTo = view.toHost(p.dst);
        if (!from.equals(sentTo)) {
            return;
        }
        pending.remove(seq);
        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.wrappedBuffer(data);
        // An echo to a broadcast went to loopback: its reply comes from the host address.
        router.sendEchoReply(view.isBroadcast(p.dst) ? view.host4() : p.dst, p.guest, p.id, p.seq, b, 0, data.length);
    }

    /** The echoes waiting for a reply, oldest first. */
    public List<EchoInfo> outstanding() {
        List<EchoInfo> out = new ArrayList<>(pending.size());
        for (Pending p : pending.values()) {
            HostIcmp.EchoSocket s = p.dst instanceof Inet6Address ? v6 : v4;
            out.add(new EchoInfo(p.guest, p.dst, p.deadline, s == null ? -1 : s.fd()));
        }
        return out;
    }

    @Override
    public long nextDeadline() {
        for (Pending p : pending.values()) {
            return p.deadline;   // insertion order is deadline order
        }
        return NONE;
    }

    @Override
    public void poll(long now) {
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            if (it.next().deadline > now) {
                return;
            }
            it.remove();
        }
    }

    public void close() {
        if (v4 != null) {
            v4.close();
        }
        if (v6 != null) {
            v6.close();
        }
        pending.clear();
    }
}
