package io.netfabric.tap;

import io.netfabric.wire.InetChecksum;
import io.netfabric.wire.virtio.VirtioNetHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * Turns what a tap with {@code IFF_VNET_HDR} and offloads hands us into plain Ethernet frames
 * for a peer that takes no virtio-net header: completes a partial checksum
 * ({@code VIRTIO_NET_HDR_F_NEEDS_CSUM}) and cuts a TCP GSO frame into segments of
 * {@code gso_size} payload bytes, as the kernel's software GSO would
 * ({@code net/ipv4/tcp_offload.c tcp_gso_segment}, {@code net/ipv4/af_inet.c inet_gso_segment}).
 *
 * <p>Per segment: the headers are copied; IPv4 total length, identification (+1 per segment)
 * and header checksum, or the IPv6 payload length, are rewritten; the TCP sequence number
 * advances by the payload sent before it; FIN and PSH stay on the last segment only, CWR on the
 * first only; the TCP checksum is computed in full over the pseudo-header.
 *
 * <p>Runs on a tap's reader thread. Never throws for bad input: answers false and the caller
 * counts the frame as malformed. Reads {@code src} without moving its indices.
 */
final class GsoSegmenter {
    private static final int ETH_HLEN = 14;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int PROTO_TCP = 6;
    private static final int TCP_FIN = 0x01;
    private static final int TCP_PSH = 0x08;
    private static final int TCP_CWR = 0x80;
    /** QEMU and the kernel pad short frames for peers that are not virtio (§1.6). */
    static final int MIN_FRAME = 60;

    private final VirtioNetHeader hdr = new VirtioNetHeader();
    private final ByteBufAllocator alloc;

    GsoSegmenter(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /**
     * Emits the frame at {@code src[frameOff, frameOff+frameLen)} whose virtio-net header of
     * {@code hdrLen} bytes is at {@code hdrOff} into {@code out}, as one frame or as segments.
     */
    boolean emit(ByteBuf src, int hdrOff, int hdrLen, int frameOff, int frameLen, List<ByteBuf> out) {
        if (hdrLen == 0) {
            out.add(copy(src, frameOff, frameLen));
            return true;
        }
        if (!hdr.wrapChecked(src, hdrOff, hdrLen)) {
            return false;
        }
        int gso = hdr.gsoProtocol();
        if (gso == VirtioNetHeader.GSO_NONE) {
            ByteBuf f = copy(src, frameOff, frameLen);
            if (hdr.needsCsum() && !completeChecksum(f, hdr.csumStart(), hdr.csumOffset())) {
                f.release();
                return false;
            }
            out.add(f);
            return true;
        }
        if (gso != VirtioNetHeader.GSO_TCPV4 && gso != VirtioNetHeader.GSO_TCPV6) {
            return false; // UFO/USO are never enabled by TUNSETOFFLOAD here.
        }
        return segmentTcp(src, frameOff, frameLen, hdr.gsoSize(), out);
    }

    private ByteBuf copy(ByteBuf src, int off, int len) {
        int size = Math.max(len, MIN_FRAME);
        ByteBuf f = alloc.directBuffer(size);
        f.writeBytes(src, off, len);
        if (len < size) {
            f.writeZero(size - len);
        }
        return f;
    }

    /**
     * Linux CHECKSUM_PARTIAL: the field at start+offset holds the pseudo-header sum; fold the
     * rest of the frame in and complement.
     */
    static boolean completeChecksum(ByteBuf f, int start, int offset) {
        int base = f.readerIndex();
        int len = f.readableBytes();
        if (start >= len || start + offset + 2 > len) {
            return false;
        }
        int c = InetChecksum.checksum(f, base + start, len - start);
        if (c == 0 && offset == 6) {
            c = 0xFFFF; // UDP (checksum at offset 6): zero means "none" (RFC 768).
        }
        f.setShort(base + start + offset, c);
        return true;
    }

    private boolean segmentTcp(ByteBuf src, int off, int len, int mss, List<ByteBuf> out) {
        int l3 = ETH_HLEN;
        if (len < l3 + 20) {
            return false;
        }
        int etherType = src.getUnsignedShort(off + 12);
        if (etherType == ETHERTYPE_VLAN) {
            l3 += 4;
            etherType = src.getUnsignedShort(off + 16);
        }
        boolean v4 = etherType == ETHERTYPE_IPV4;
        if (!v4 && etherType != ETHERTYPE_IPV6) {
            return false;
        }
        int l4;
        if (v4) {
            int ihl = (src.getUnsignedByte(off + l3) & 0x0F) * 4;
            if (ihl < 20 || src.getUnsignedByte(off + l3 + 9) != PROTO_TCP) {
                return false;
            }
            l4 = l3 + ihl;
        } else {
            if (src.getUnsignedByte(off + l3 + 6) != PROTO_TCP) {
                return false; // extension headers before TCP: not produced by the kernel's TSO paths we enable
            }
            l4 = l3 + 40;
        }
        if (len < l4 + 20) {
            return false;
        }
        int thl = (src.getUnsignedByte(off + l4 + 12) >>> 4) * 4;
        int hdrs = l4 + thl;
        if (thl < 20 || hdrs > len || mss <= 0) {
            return false;
        }
        int payload = len - hdrs;
        long seq0 = src.getUnsignedInt(off + l4 + 4);
        int flags0 = src.getUnsignedByte(off + l4 + 13);
        int id0 = v4 ? src.getUnsignedShort(off + l3 + 4) : 0;
        int sent = 0;
        int k = 0;
        do {
            int p = Math.min(mss, payload - sent);
            boolean last = sent + p >= payload;
            ByteBuf f = alloc.directBuffer(Math.max(hdrs + p, MIN_FRAME));
            f.writeBytes(src, off, hdrs);
            f.writeBytes(src, off + hdrs + sent, p);
            if (f.writerIndex() < MIN_FRAME) {
                f.writeZero(MIN_FRAME - f.writerIndex());
            }
            int flags = flags0;
            if (!last) {
                flags &= ~(TCP_FIN | TCP_PSH);
            }
            if (k > 0) {
                flags &= ~TCP_CWR;
            }
            f.setByte(l4 + 13, flags);
            f.setInt(l4 + 4, (int) (seq0 + sent));
            int tcpLen = thl + p;
            int pseudo;
            if (v4) {
                int ihl = l4 - l3;
                f.setShort(l3 + 2, ihl + tcpLen);
                f.setShort(l3 + 4, (id0 + k) & 0xFFFF);
                f.setShort(l3 + 10, 0);
                f.setShort(l3 + 10, InetChecksum.checksum(f, l3, ihl));
                pseudo = InetChecksum.add(InetChecksum.sum(f, l3 + 12, 8), PROTO_TCP + tcpLen);
            } else {
                f.setShort(l3 + 4, (l4 - l3 - 40) + tcpLen);
                pseudo = InetChecksum.add(InetChecksum.sum(f, l3 + 8, 32),
                        InetChecksum.fold((long) PROTO_TCP + tcpLen));
            }
            f.setShort(l4 + 16, 0);
            f.setShort(l4 + 16, InetChecksum.finish(InetChecksum.add(pseudo, InetChecksum.sum(f, l4, tcpLen))));
            out.add(f);
            sent += p;
            k++;
        } while (sent < payload);
        return true;
    }
}
