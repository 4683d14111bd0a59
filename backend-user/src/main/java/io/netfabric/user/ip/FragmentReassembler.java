package io.netfabric.user.ip;

import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Ipv6Address;
import io.netfabric.wire.ipv4.Ipv4Packet;
import io.netfabric.wire.ipv6.Ipv6FragmentHeader;
import io.netfabric.wire.ipv6.Ipv6Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reassembles fragmented IPv4 and IPv6 datagrams from the guest (RFC 791 §3.2 "reassembly";
 * RFC 8200 §4.5; RFC 815's hole list simplified to sorted, non-overlapping pieces).
 *
 * <p>Fragments are keyed by (source, destination, protocol, identification) for IPv4 and by
 * (source, destination, identification) for IPv6. Overlapping fragments drop the whole datagram,
 * as RFC 5722 requires for IPv6 and as the overlap attacks on libslirp's ip_reass
 * (CVE-2020-1983 and friends) recommend for IPv4. At most {@link #MAX_DATAGRAMS} datagrams of
 * both families are in progress; an IPv4 one lives {@link #IPV4_TIMEOUT_NANOS} (libslirp's
 * IPFRAGTTL), an IPv6 one {@link #IPV6_TIMEOUT_NANOS} (RFC 8200 §4.5). libslirp reassembles
 * IPv4 only and drops every IPv6 fragment; here a guest's IPv6 datagram longer than its MTU
 * (a large UDP message, {@code ping -6 -s 3000}) arrives whole. Copies the fragment data it
 * keeps; never retains the caller's buffer.
 */
public final class FragmentReassembler implements Timed {
    public static final int MAX_DATAGRAMS = 64;
    public static final long IPV4_TIMEOUT_NANOS = 30_000_000_000L;
    public static final long IPV6_TIMEOUT_NANOS = 60_000_000_000L;

    private record Key4(int src, int dst, int protocol, int id) {
    }

    private record Key6(Ipv6Address src, Ipv6Address dst, int id) {
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
        /** IPv4: the first fragment's header; IPv6: the fixed header (no other extension headers are taken). */
        byte[] header;
        /** IPv6: the first fragment's Next Header, the reassembled datagram's. */
        IpProtocol next;
        int total = -1;

        Pending(long deadline) {
            this.deadline = deadline;
        }
    }

    private final Map<Object, Pending> pending = new LinkedHashMap<>();
    private final StackCounters counters;

    public FragmentReassembler(StackCounters counters) {
        this.counters = counters;
    }

    /**
     * Adds the IPv4 fragment {@code ip} (a view that passed wrapChecked). Answers the whole
     * datagram (a new buffer with a 20-octet-or-longer header, unfragmented, that the caller
     * owns) when this fragment completed it, else null.
     */
    public ByteBuf addIpv4(Ipv4Packet ip, ByteBufAllocator alloc, long now) {
        Key4 key = new Key4(ip.srcInt(), ip.dstInt(), ip.protocol().value(), ip.identification());
        int start = ip.fragmentOffset() * 8;
        Pending p = add(key, IPV4_TIMEOUT_NANOS, start, ip.payloadLength(), ip.moreFragments(),
                65535 - ip.headerLength(), ip.buffer(), ip.payloadOffset(), now);
        if (p == null) {
            return null;
        }
        if (start == 0) {
            p.header = new byte[ip.headerLength()];
            ip.buffer().getBytes(ip.offset(), p.header);
        }
        ByteBuf out = complete(key, p, alloc);
        if (out != null) {
            Ipv4Packet whole = new Ipv4Packet().wrap(out, 0, out.readableBytes());
            whole.setTotalLength(out.readableBytes());
            whole.setFlagsAndFragmentOffset(false, false, 0);
            whole.fillChecksum();
        }
        return out;
    }

    /**
     * Adds the IPv6 fragment {@code frag} (checked, directly after the fixed header of {@code ip},
     * its data up to the end of ip's payload). Answers the whole packet (a fixed header whose
     * Next Header is the fragments' and the reassembled payload, in a new buffer the caller owns)
     * when this fragment completed it, else null. An atomic fragment (offset 0, no more to come)
     * is answered at once and touches no datagram in progress (RFC 6946 §4).
     */
    public ByteBuf addIpv6(Ipv6Packet ip, Ipv6FragmentHeader frag, ByteBufAllocator alloc, long now) {
        int start = frag.fragmentOffset() * 8;
        int len = ip.payloadLength() - Ipv6FragmentHeader.HEADER_LEN;
        if (start == 0 && !frag.moreFragments()) {
            ByteBuf out = alloc.buffer(Ipv6Packet.HEADER_LEN + len);
            out.writeBytes(ip.buffer(), ip.offset(), Ipv6Packet.HEADER_LEN);
            out.writeBytes(ip.buffer(), frag.dataOffset(), len);
            fixIpv6Header(out, frag.nextHeader());
            return out;
        }
        // RFC 7112 §5: the first fragment carries the whole header chain, the upper-layer header included.
        if (start == 0 && len < upperHeaderLength(frag.nextHeader())) {
            counters.drop(StackDrop.BAD_FRAGMENT);
            return null;
        }
        Key6 key = new Key6(ip.src(), ip.dst(), frag.identification());
        Pending p = add(key, IPV6_TIMEOUT_NANOS, start, len, frag.moreFragments(), 65535, ip.buffer(), frag.dataOffset(), now);
        if (p == null) {
            return null;
        }
        if (start == 0) {
            p.header = new byte[Ipv6Packet.HEADER_LEN];
            ip.buffer().getBytes(ip.offset(), p.header);
            p.next = frag.nextHeader();
        }
        ByteBuf out = complete(key, p, alloc);
        if (out != null) {
            fixIpv6Header(out, p.next);
        }
        return out;
    }

    private static void fixIpv6Header(ByteBuf out, IpProtocol next) {
        out.setShort(4, out.readableBytes() - Ipv6Packet.HEADER_LEN);
        out.setByte(6, next.value());
    }

    /** The upper-layer header's length for the protocols the stack serves; 0 for others. */
    private static int upperHeaderLength(IpProtocol p) {
        if (p.equals(IpProtocol.TCP)) {
            return 20;
        }
        return p.equals(IpProtocol.UDP) || p.equals(IpProtocol.ICMPV6) ? 8 : 0;
    }

    /**
     * Files {@code len} octets of {@code data} at {@code start} of the datagram {@code key}; null
     * when the fragment (and with it the datagram) was dropped. Every fragment but the last must
     * hold a multiple of 8 octets (RFC 791 §3.2, RFC 8200 §4.5).
     */
    private Pending add(Object key, long timeout, int start, int len, boolean more, int maxEnd, ByteBuf data,
                        int dataOffset, long now) {
        Pending p = pending.get(key);
        if (p == null) {
            if (pending.size() >= MAX_DATAGRAMS) {
                counters.drop(StackDrop.REASSEMBLY_LIMIT);
                return null;
            }
            p = new Pending(now + timeout);
            pending.put(key, p);
        }
        int end = start + len;
        if (len < 0 || end > maxEnd || (more && (len == 0 || len % 8 != 0))) {
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
        if (!more) {
            if (p.total >= 0 && p.total != end) {
                pending.remove(key);
                counters.drop(StackDrop.BAD_FRAGMENT);
                return null;
            }
            p.total = end;
        }
        byte[] bytes = new byte[len];
        data.getBytes(dataOffset, bytes);
        int at = 0;
        while (at < p.pieces.size() && p.pieces.get(at).start < start) {
            at++;
        }
        p.pieces.add(at, new Piece(start, bytes));
        return p;
    }

    /** The header and the pieces in one new buffer once nothing is missing, else null. */
    private ByteBuf complete(Object key, Pending p, ByteBufAllocator alloc) {
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
        ByteBuf out = alloc.buffer(p.header.length + p.total);
        out.writeBytes(p.header);
        for (Piece q : p.pieces) {
            out.writeBytes(q.data);
        }
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
