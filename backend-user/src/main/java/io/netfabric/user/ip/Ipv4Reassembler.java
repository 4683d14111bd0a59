package io.netfabric.user.ip;

import io.netfabric.wire.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reassembles fragmented IPv4 datagrams from the guest (RFC 791 §3.2, "reassembly"; RFC 815's
 * hole list simplified to sorted, non-overlapping pieces).
 *
 * <p>Fragments are keyed by (source, destination, protocol, identification). Overlapping
 * fragments drop the whole datagram, as RFC 5722 requires for IPv6 and as the overlap attacks
 * on libslirp's ip_reass (CVE-2020-1983 and friends) recommend for IPv4. At most
 * {@link #MAX_DATAGRAMS} datagrams are in progress; each lives {@link #TIMEOUT_NANOS} (libslirp
 * IPFRAGTTL, 30 s). Copies the fragment data it keeps; never retains the caller's buffer.
 */
public final class Ipv4Reassembler implements Timed {
    public static final int MAX_DATAGRAMS = 64;
    public static final long TIMEOUT_NANOS = 30_000_000_000L;

    private record Key(int src, int dst, int protocol, int id) {
    }

    private static final class Piece {
        final int start;
        final int end;
        final byte[] data;

        Piece(int start, byte[] data) {
            this.start = start;
            this.end = start + data.length;
            this.data = data;
        }
    }

    private static final class Pending {
        final long deadline;
        final List<Piece> pieces = new ArrayList<>();
        byte[] header;
        int total = -1;

        Pending(long deadline) {
            this.deadline = deadline;
        }
    }

    private final Map<Key, Pending> pending = new LinkedHashMap<>();
    private final StackCounters counters;

    public Ipv4Reassembler(StackCounters counters) {
        this.counters = counters;
    }

    /**
     * Adds the fragment {@code ip} (a view that passed wrapChecked). Answers the whole datagram
     * (a new buffer with a 20-octet-or-longer header, unfragmented, that the caller owns) when
     * this fragment completed it, else null.
     */
    public ByteBuf add(Ipv4Packet ip, ByteBufAllocator alloc, long now) {
        Key key = new Key(ip.srcInt(), ip.dstInt(), ip.protocol().value(), ip.identification());
        Pending p = pending.get(key);
        if (p == null) {
            if (pending.size() >= MAX_DATAGRAMS) {
                counters.drop(StackDrop.REASSEMBLY_LIMIT);
                return null;
            }
            p = new Pending(now + TIMEOUT_NANOS);
            pending.put(key, p);
        }
        int start = ip.fragmentOffset() * 8;
        int len = ip.payloadLength();
        int end = start + len;
        if (end > 65535 - ip.headerLength() || (ip.moreFragments() && (len == 0 || len % 8 != 0))) {
            pending.remove(key);
            counters.drop(StackDrop.BAD_FRAGMENT);
            return null;
        }
        for (Piece q : p.pieces) {
            if (start < q.end && q.start < end) {
                pending.remove(key);
                counters.drop(StackDrop.BAD_FRAGMENT);
                return null;
            }
        }
        if (!ip.moreFragments()) {
            if (p.total >= 0 && p.total != end) {
                pending.remove(key);
                counters.drop(StackDrop.BAD_FRAGMENT);
                return null;
            }
            p.total = end;
        }
        if (start == 0) {
            p.header = new byte[ip.headerLength()];
            ip.buffer().getBytes(ip.offset(), p.header);
        }
        byte[] data = new byte[len];
        ip.buffer().getBytes(ip.payloadOffset(), data);
        int at = 0;
        while (at < p.pieces.size() && p.pieces.get(at).start < start) {
            at++;
        }
        p.pieces.add(at, new Piece(start, data));
        if (p.total < 0 || p.header == null) {
            return null;
        }
        int next = 0;
        for (Piece q : p.pieces) {
            if (q.start != next) {
                return null;
            }
            next = q.end;
        }
        if (next != p.total) {
            return null;
        }
        pending.remove(key);
        int hl = p.header.length;
        ByteBuf out = alloc.buffer(hl + p.total);
        out.writeBytes(p.header);
        for (Piece q : p.pieces) {
            out.writeBytes(q.data);
        }
        Ipv4Packet whole = new Ipv4Packet().wrap(out, 0, out.readableBytes());
        whole.setTotalLength(hl + p.total);
        whole.setFlagsAndFragmentOffset(false, false, 0);
        whole.fillChecksum();
        return out;
    }

    public int inProgress() {
        return pending.size();
    }

    @Override
    public long nextDeadline() {
        long d = NONE;
        for (Pending p : pending.values()) {
            d = Math.min(d, p.deadline);
        }
        return d;
    }

    @Override
    public void poll(long now) {
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            if (it.next().deadline <= now) {
                it.remove();
                counters.drop(StackDrop.REASSEMBLY_LIMIT);
            }
        }
    }
}
