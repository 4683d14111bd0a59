package io.netfabric.wire.ipv4;

import io.netfabric.wire.InetChecksum;
import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.Malformed;
import io.netfabric.wire.WireView;
import io.netty.buffer.ByteBuf;

/**
 * Flyweight view of an IPv4 header (RFC 791 §3.1; DSCP/ECN: RFC 2474, RFC 3168).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |   DSCP    |ECN|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (IHL > 5)                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Borrows its buffer (never retains or releases). Absolute indexing. Not thread safe.
 * {@link #wrapChecked} accepts a region longer than Total Length (Ethernet padding); the payload
 * ends at Total Length. {@link #setVersionAndIhl} and {@link #setTotalLength} invalidate it.
 */
public final class Ipv4Packet extends WireView<Ipv4Packet> {
    /** Field offsets from the start of the header. */
    public static final class Field {
        public static final int VER_IHL = 0;
        public static final int DSCP_ECN = 1;
        public static final int TOTAL_LENGTH = 2;
        public static final int IDENTIFICATION = 4;
        public static final int FLAGS_FRAGMENT = 6;
        public static final int TTL = 8;
        public static final int PROTOCOL = 9;
        public static final int CHECKSUM = 10;
        public static final int SRC = 12;
        public static final int DST = 16;
        public static final int OPTIONS = 20;

        private Field() {
        }
    }

    /** Length of a header without options. */
    public static final int HEADER_LEN = 20;
    public static final int MAX_HEADER_LEN = 60;
    private static final int FLAG_DF = 0x4000;
    private static final int FLAG_MF = 0x2000;
    private static final int FRAGMENT_MASK = 0x1FFF;

    @Override
    protected Malformed check() {
        if (!regionHolds(HEADER_LEN)) {
            return Malformed.TRUNCATED;
        }
        if (version() != 4) {
            return Malformed.BAD_VERSION;
        }
        int hl = headerLength();
        if (hl < HEADER_LEN) {
            return Malformed.BAD_HEADER_LENGTH;
        }
        if (hl > length) {
            return Malformed.TRUNCATED;
        }
        int total = totalLength();
        if (total < hl) {
            return Malformed.BAD_LENGTH;
        }
        if (total > length) {
            return Malformed.TRUNCATED;
        }
        return null;
    }

    public int version() {
        return buf.getUnsignedByte(offset + Field.VER_IHL) >>> 4;
    }

    /** Internet Header Length in 32-bit words. */
    public int ihl() {
        return buf.getUnsignedByte(offset + Field.VER_IHL) & 0x0F;
    }

    /** Header length in octets: {@code ihl() * 4}. */
    public int headerLength() {
        return ihl() * 4;
    }

    public int optionsLength() {
        return headerLength() - HEADER_LEN;
    }

    public int dscp() {
        return buf.getUnsignedByte(offset + Field.DSCP_ECN) >>> 2;
    }

    public int ecn() {
        return buf.getUnsignedByte(offset + Field.DSCP_ECN) & 0x03;
    }

    public int totalLength() {
        return buf.getUnsignedShort(offset + Field.TOTAL_LENGTH);
    }

    public int identification() {
        return buf.getUnsignedShort(offset + Field.IDENTIFICATION);
    }

    /** The 3 flag bits (reserved, DF, MF). */
    public int flags() {
        return buf.getUnsignedShort(offset + Field.FLAGS_FRAGMENT) >>> 13;
    }

    public boolean dontFragment() {
        return (buf.getUnsignedShort(offset + Field.FLAGS_FRAGMENT) & FLAG_DF) != 0;
    }

    public boolean moreFragments() {
        return (buf.getUnsignedShort(offset + Field.FLAGS_FRAGMENT) & FLAG_MF) != 0;
    }

    /** Fragment Offset in 8-octet units, as on the wire. */
    public int fragmentOffset() {
        return buf.getUnsignedShort(offset + Field.FLAGS_FRAGMENT) & FRAGMENT_MASK;
    }

    /** True for any fragment: MF set or a non-zero offset. */
    public boolean isFragment() {
        return moreFragments() || fragmentOffset() != 0;
    }

    public int ttl() {
        return buf.getUnsignedByte(offset + Field.TTL);
    }

    public IpProtocol protocol() {
        return IpProtocol.valueOf(buf.getUnsignedByte(offset + Field.PROTOCOL));
    }

    public int headerChecksum() {
        return buf.getUnsignedShort(offset + Field.CHECKSUM);
    }

    public Ipv4Address src() {
        return Ipv4Address.read(buf, offset + Field.SRC);
    }

    public Ipv4Address dst() {
        return Ipv4Address.read(buf, offset + Field.DST);
    }

    /** Source address as an int, without allocating. */
    public int srcInt() {
        return buf.getInt(offset + Field.SRC);
    }

    /** Destination address as an int, without allocating. */
    public int dstInt() {
        return buf.getInt(offset + Field.DST);
    }

    /** Absolute index in the buffer of the first payload octet. */
    public int payloadOffset() {
        return offset + headerLength();
    }

    /** Payload octets: Total Length minus the header. */
    public int payloadLength() {
        return totalLength() - headerLength();
    }

    /** True when the header, options included, sums to 0xFFFF (RFC 791 "Header Checksum"). */
    public boolean verifyChecksum() {
        return InetChecksum.sum(buf, offset, headerLength()) == 0xFFFF;
    }

    /** Computes the header checksum over the current header and writes it; call after the other fields. */
    public void fillChecksum() {
        setHeaderChecksum(0);
        setHeaderChecksum(InetChecksum.checksum(buf, offset, headerLength()));
    }

    public void setVersionAndIhl(int version, int ihl) {
        buf.setByte(offset + Field.VER_IHL, (version << 4) | (ihl & 0x0F));
    }

    public void setDscpEcn(int dscp, int ecn) {
        buf.setByte(offset + Field.DSCP_ECN, (dscp << 2) | (ecn & 0x03));
    }

    public void setTotalLength(int totalLength) {
        buf.setShort(offset + Field.TOTAL_LENGTH, totalLength);
    }

    public void setIdentification(int identification) {
        buf.setShort(offset + Field.IDENTIFICATION, identification);
    }

    /** Writes DF, MF and the offset in 8-octet units; the reserved flag is cleared. */
    public void setFlagsAndFragmentOffset(boolean dontFragment, boolean moreFragments, int fragmentOffset) {
        int v = (dontFragment ? FLAG_DF : 0) | (moreFragments ? FLAG_MF : 0) | (fragmentOffset & FRAGMENT_MASK);
        buf.setShort(offset + Field.FLAGS_FRAGMENT, v);
    }

    public void setTtl(int ttl) {
        buf.setByte(offset + Field.TTL, ttl);
    }

    public void setProtocol(IpProtocol protocol) {
        buf.setByte(offset + Field.PROTOCOL, protocol.value());
    }

    public void setHeaderChecksum(int checksum) {
        buf.setShort(offset + Field.CHECKSUM, checksum);
    }

    public void setSrc(Ipv4Address src) {
        src.write(buf, offset + Field.SRC);
    }

    public void setDst(Ipv4Address dst) {
        dst.write(buf, offset + Field.DST);
    }

    /**
     * tcpdump {@code -v} style: {@code IP 10.0.2.15 > 10.0.2.2: UDP, ttl 64, id 1, DF, length 48}.
     */
    @Override
    public String toString() {
        if (buf == null) {
            return "Ipv4Packet(unwrapped)";
        }
        if (check() != null) {
            return "Ipv4Packet(" + check() + ", length " + length + ")";
        }
        StringBuilder sb = new StringBuilder(96).append("IP ").append(src()).append(" > ").append(dst())
                .append(": ").append(protocol()).append(", ttl ").append(ttl()).append(", id ").append(identification());
        if (dontFragment()) {
            sb.append(", DF");
        }
        if (isFragment()) {
            sb.append(", frag ").append(fragmentOffset() * 8).append(moreFragments() ? "+" : "");
        }
        if (optionsLength() > 0) {
            sb.append(", options ").append(optionsLength());
        }
        return sb.append(", length ").append(totalLength()).toString();
    }
}
