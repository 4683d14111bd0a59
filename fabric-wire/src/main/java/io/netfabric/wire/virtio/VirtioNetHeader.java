package io.netfabric.wire.virtio;

import io.netfabric.wire.Malformed;
import io.netfabric.wire.WireView;
import io.netty.buffer.ByteBuf;

/**
 * Flyweight view of the virtio-net header that a tap with {@code IFF_VNET_HDR} puts before each
 * frame (virtio spec 1.2 §5.1.6, Linux {@code include/uapi/linux/virtio_net.h}
 * {@code struct virtio_net_hdr} / {@code virtio_net_hdr_mrg_rxbuf} / {@code virtio_net_hdr_v1_hash}).
 *
 * <pre>
 *  0        1        2                 4                 6                 8                10
 * +--------+--------+--------+--------+--------+--------+--------+--------+--------+--------+
 * | flags  |gso_type|     hdr_len     |    gso_size     |   csum_start    |   csum_offset   |
 * +--------+--------+--------+--------+--------+--------+--------+--------+--------+--------+
 * |   num_buffers   |  (12-byte form: mergeable RX buffers or VIRTIO_F_VERSION_1)
 * +--------+--------+--------+--------+--------+--------+--------+--------+
 * |            hash_value             |   hash_report   |     padding     |  (20-byte form)
 * +--------+--------+--------+--------+--------+--------+--------+--------+
 * </pre>
 *
 * <p>Multi-byte fields are little-endian: the tap's byte order for virtio 1.0 and for legacy
 * guests on a little-endian host (QEMU sets {@code TUNSETVNETLE}/{@code BE} only for cross-endian
 * legacy guests). {@code csum_start} counts from the start of the Ethernet frame, after the header;
 * the checksum goes at {@code csum_start + csum_offset}.
 *
 * <p>Borrows its buffer (never retains or releases). Absolute indexing. Not thread safe.
 */
public final class VirtioNetHeader extends WireView<VirtioNetHeader> {
    /** Field offsets from the start of the header. */
    public static final class Field {
        public static final int FLAGS = 0;
        public static final int GSO_TYPE = 1;
        public static final int HDR_LEN = 2;
        public static final int GSO_SIZE = 4;
        public static final int CSUM_START = 6;
        public static final int CSUM_OFFSET = 8;
        public static final int NUM_BUFFERS = 10;
        public static final int HASH_VALUE = 12;
        public static final int HASH_REPORT = 16;

        private Field() {
        }
    }

    /** {@code struct virtio_net_hdr}: the size QEMU sets when it opens a tap. */
    public static final int LEN = 10;
    /** {@code struct virtio_net_hdr_mrg_rxbuf}, also the virtio 1.0 header. */
    public static final int LEN_MRG_RXBUF = 12;
    /** {@code struct virtio_net_hdr_v1_hash}. */
    public static final int LEN_V1_HASH = 20;

    /** flags: the checksum from csum_start on is partial and must be completed. */
    public static final int FLAG_NEEDS_CSUM = 1;
    /** flags: the checksum was verified (receive side). */
    public static final int FLAG_DATA_VALID = 2;
    /** flags: gso_size and csum fields carry coalescing information (RSC). */
    public static final int FLAG_RSC_INFO = 4;

    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    public static final int GSO_UDP = 3;
    public static final int GSO_TCPV6 = 4;
    public static final int GSO_UDP_L4 = 5;
    /** Flag on gso_type: the TCP segments carry ECN (CWR set on the first). */
    public static final int GSO_ECN = 0x80;

    /**
     * A header of 10, 12 or 20 octets (the sizes the kernel knows) that fits the buffer; checked
     * by {@link #wrapChecked}.
     */
    @Override
    protected Malformed check() {
        if (length != LEN && length != LEN_MRG_RXBUF && length != LEN_V1_HASH) {
            return Malformed.UNSUPPORTED;
        }
        return offset < 0 || (long) offset + length > buf.capacity() ? Malformed.TRUNCATED : null;
    }

    /** The header's size in octets (10, 12 or 20). */
    public int length() {
        return length;
    }

    public int flags() {
        return buf.getUnsignedByte(offset + Field.FLAGS);
    }

    public boolean needsCsum() {
        return (flags() & FLAG_NEEDS_CSUM) != 0;
    }

    /** gso_type including the {@link #GSO_ECN} bit. */
    public int gsoType() {
        return buf.getUnsignedByte(offset + Field.GSO_TYPE);
    }

    /** gso_type without the ECN bit: {@link #GSO_NONE}, {@link #GSO_TCPV4}... */
    public int gsoProtocol() {
        return gsoType() & ~GSO_ECN;
    }

    public boolean isGso() {
        return gsoProtocol() != GSO_NONE;
    }

    /** Length of the headers to copy before each segment (Ethernet through TCP); a hint only. */
    public int hdrLen() {
        return buf.getUnsignedShortLE(offset + Field.HDR_LEN);
    }

    /** Payload bytes per segment (the MSS for TCP). */
    public int gsoSize() {
        return buf.getUnsignedShortLE(offset + Field.GSO_SIZE);
    }

    public int csumStart() {
        return buf.getUnsignedShortLE(offset + Field.CSUM_START);
    }

    public int csumOffset() {
        return buf.getUnsignedShortLE(offset + Field.CSUM_OFFSET);
    }

    /** Only in the 12- and 20-byte forms. */
    public int numBuffers() {
        return buf.getUnsignedShortLE(offset + Field.NUM_BUFFERS);
    }

    public void setFlags(int flags) {
        buf.setByte(offset + Field.FLAGS, flags);
    }

    public void setGsoType(int gsoType) {
        buf.setByte(offset + Field.GSO_TYPE, gsoType);
    }

    public void setHdrLen(int v) {
        buf.setShortLE(offset + Field.HDR_LEN, v);
    }

    public void setGsoSize(int v) {
        buf.setShortLE(offset + Field.GSO_SIZE, v);
    }

    public void setCsumStart(int v) {
        buf.setShortLE(offset + Field.CSUM_START, v);
    }

    public void setCsumOffset(int v) {
        buf.setShortLE(offset + Field.CSUM_OFFSET, v);
    }

    public void setNumBuffers(int v) {
        buf.setShortLE(offset + Field.NUM_BUFFERS, v);
    }

    /** Zeroes the whole header: no offload, what QEMU writes for a peer without one. */
    public void clear() {
        buf.setZero(offset, length);
    }

    @Override
    public String toString() {
        if (buf == null) {
            return "VirtioNetHeader(unwrapped)";
        }
        return "virtio-net hdr flags=" + flags() + " gso_type=" + gsoType() + " hdr_len=" + hdrLen()
                + " gso_size=" + gsoSize() + " csum_start=" + csumStart() + " csum_offset=" + csumOffset();
    }
}
