package io.netfabric.wire.virtio;

/**
 * The offload part of a virtio-net header packed into one {@code long}, the descriptor an
 * offloaded frame carries through the fabric beside its {@code ByteBuf} (no object per frame).
 *
 * <pre>
 *  63            48 47            32 31            16 15      8 7       0
 * +----------------+----------------+----------------+---------+---------+
 * |  csum_offset   |   csum_start   |    gso_size    |gso_type | flags   |
 * +----------------+----------------+----------------+---------+---------+
 * </pre>
 *
 * <p>{@link #NONE} (0) is an ordinary frame: complete checksums, no segmentation. Anything else
 * has {@code NEEDS_CSUM} and/or a GSO type: the frame's checksum at {@code csum_start +
 * csum_offset} holds only the pseudo-header sum, and a GSO frame is one TCP segment of up to
 * 64 KiB to be cut into {@code gso_size} payload pieces (virtio spec 1.2 §5.1.6.2, Linux
 * {@code include/linux/virtio_net.h virtio_net_hdr_to_skb}).
 *
 * <p>Kept from the header: {@code NEEDS_CSUM} only among the flags ({@code DATA_VALID} just
 * says a checksum was checked; the frame is then ordinary), and not {@code hdr_len}, a hint that
 * a writer recomputes ({@link #headerLength}). Offsets count from the start of the Ethernet frame.
 */
public final class Offload {
    /** An ordinary frame. */
    public static final long NONE = 0;

    private Offload() {
    }

    /**
     * The descriptor for {@code h} (wrapped and checked by the caller): {@link #NONE} when it
     * neither asks for a checksum nor segmentation.
     */
    public static long of(VirtioNetHeader h) {
        int flags = h.flags() & VirtioNetHeader.FLAG_NEEDS_CSUM;
        int gsoType = h.gsoType();
        if (flags == 0 && (gsoType & ~VirtioNetHeader.GSO_ECN) == VirtioNetHeader.GSO_NONE) {
            return NONE;
        }
        return of(flags, gsoType, h.gsoSize(), h.csumStart(), h.csumOffset());
    }

    public static long of(int flags, int gsoType, int gsoSize, int csumStart, int csumOffset) {
        return (flags & 0xFFL) | (gsoType & 0xFFL) << 8 | (gsoSize & 0xFFFFL) << 16
                | (csumStart & 0xFFFFL) << 32 | (csumOffset & 0xFFFFL) << 48;
    }

    public static int flags(long offload) {
        return (int) offload & 0xFF;
    }

    public static boolean needsCsum(long offload) {
        return (offload & VirtioNetHeader.FLAG_NEEDS_CSUM) != 0;
    }

    /** gso_type with the {@link VirtioNetHeader#GSO_ECN} bit. */
    public static int gsoType(long offload) {
        return (int) (offload >>> 8) & 0xFF;
    }

    /** gso_type without the ECN bit. */
    public static int gsoProtocol(long offload) {
        return gsoType(offload) & ~VirtioNetHeader.GSO_ECN;
    }

    public static boolean isGso(long offload) {
        return gsoProtocol(offload) != VirtioNetHeader.GSO_NONE;
    }

    public static int gsoSize(long offload) {
        return (int) (offload >>> 16) & 0xFFFF;
    }

    public static int csumStart(long offload) {
        return (int) (offload >>> 32) & 0xFFFF;
    }

    public static int csumOffset(long offload) {
        return (int) (offload >>> 48) & 0xFFFF;
    }

    /**
     * {@code hdr_len} for a writer: the headers through TCP for a GSO frame (what Linux's
     * virtio-net driver puts there), else through the checksum field (the floor
     * {@code drivers/net/tun.c tun_get_user} raises it to). {@code tcpHeaderLength} is the TCP
     * data offset in octets, read by the caller at {@code csum_start + 12}.
     */
    public static int headerLength(long offload, int tcpHeaderLength) {
        int start = csumStart(offload);
        return isGso(offload) ? start + tcpHeaderLength : start + csumOffset(offload) + 2;
    }

    /** Fills {@code h} (already wrapped) from {@code offload}; {@code hdrLen} as {@link #headerLength}. */
    public static void writeTo(long offload, VirtioNetHeader h, int hdrLen) {
        h.setFlags(flags(offload));
        h.setGsoType(gsoType(offload));
        h.setHdrLen(hdrLen);
        h.setGsoSize(gsoSize(offload));
        h.setCsumStart(csumStart(offload));
        h.setCsumOffset(csumOffset(offload));
    }

    public static String toString(long offload) {
        return offload == NONE ? "offload none" : "offload flags=" + flags(offload) + " gso_type=" + gsoType(offload)
                + " gso_size=" + gsoSize(offload) + " csum_start=" + csumStart(offload)
                + " csum_offset=" + csumOffset(offload);
    }
}
