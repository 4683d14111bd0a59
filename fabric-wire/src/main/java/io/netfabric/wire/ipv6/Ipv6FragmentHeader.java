package io.netfabric.wire.ipv6;

import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Malformed;
import io.netfabric.wire.WireView;

/**
 * Flyweight view of the IPv6 Fragment extension header (RFC 8200 §4.5, Next Header 44).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Identification                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The fragment's data follows the eight octets. Borrows its buffer; not thread safe.
 */
public final class Ipv6FragmentHeader extends WireView<Ipv6FragmentHeader> {
    public static final int HEADER_LEN = 8;

    @Override
    protected Malformed check() {
        return regionHolds(HEADER_LEN) ? null : Malformed.TRUNCATED;
    }

    /** The header after the fragmentable part's first one: the upper layer, or a further extension. */
    public IpProtocol nextHeader() {
        return IpProtocol.valueOf(buf.getUnsignedByte(offset));
    }

    /** In 8-octet units from the start of the fragmentable part. */
    public int fragmentOffset() {
        return buf.getUnsignedShort(offset + 2) >>> 3;
    }

    /** The M flag: more fragments follow. */
    public boolean moreFragments() {
        return (buf.getUnsignedShort(offset + 2) & 1) != 0;
    }

    public int identification() {
        return buf.getInt(offset + 4);
    }

    public int dataOffset() {
        return offset + HEADER_LEN;
    }

    /** Octets of fragment data in the wrapped region. */
    public int dataLength() {
        return length - HEADER_LEN;
    }

    /** Writes all four fields (the reserved ones zero); {@code offset8} in 8-octet units. */
    public void setHeader(IpProtocol nextHeader, int offset8, boolean more, int identification) {
        buf.setByte(offset, nextHeader.value());
        buf.setByte(offset + 1, 0);
        buf.setShort(offset + 2, (offset8 << 3) | (more ? 1 : 0));
        buf.setInt(offset + 4, identification);
    }

    @Override
    public String toString() {
        if (buf == null || check() != null) {
            return "Ipv6FragmentHeader(unwrapped or malformed)";
        }
        return "frag " + nextHeader() + ", offset " + fragmentOffset() * 8 + (moreFragments() ? ", more" : "")
                + ", id 0x" + Integer.toHexString(identification());
    }
}
