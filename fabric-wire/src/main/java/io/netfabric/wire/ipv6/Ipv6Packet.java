package io.netfabric.wire.ipv6;

import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Ipv6Address;
import io.netfabric.wire.Malformed;
import io.netfabric.wire.WireView;
import io.netty.buffer.ByteBuf;

/**
 * Flyweight view of the IPv6 fixed header (RFC 8200 §3).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Source Address (128 bits)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Destination Address (128 bits)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Extension headers are not walked: {@link #nextHeader()} is the first one, and the stack
 * answers only when it is an upper-layer protocol it serves. Borrows its buffer; not thread safe.
 */
public final class Ipv6Packet extends WireView<Ipv6Packet> {
    public static final int HEADER_LEN = 40;
    public static final int SRC = 8;
    public static final int DST = 24;

    /**
     * Wraps {@code length} octets after checking version 6 and that Payload Length fits the
     * region (a longer region is Ethernet padding). Jumbograms (Payload Length 0) are refused.
     */
    @Override
    protected Malformed check() {
        if (!regionHolds(HEADER_LEN)) {
            return Malformed.TRUNCATED;
        }
        if (version() != 6) {
            return Malformed.BAD_VERSION;
        }
        return HEADER_LEN + payloadLength() > length ? Malformed.TRUNCATED : null;
    }

    public int version() {
        return buf.getUnsignedByte(offset) >>> 4;
    }

    public int trafficClass() {
        return (buf.getUnsignedShort(offset) >>> 4) & 0xFF;
    }

    public int flowLabel() {
        return buf.getInt(offset) & 0xFFFFF;
    }

    public int payloadLength() {
        return buf.getUnsignedShort(offset + 4);
    }

    public IpProtocol nextHeader() {
        return IpProtocol.valueOf(buf.getUnsignedByte(offset + 6));
    }

    public int hopLimit() {
        return buf.getUnsignedByte(offset + 7);
    }

    public Ipv6Address src() {
        return Ipv6Address.read(buf, offset + SRC);
    }

    public Ipv6Address dst() {
        return Ipv6Address.read(buf, offset + DST);
    }

    public int payloadOffset() {
        return offset + HEADER_LEN;
    }

    /** Writes version 6, traffic class 0, flow label 0 and the given fields. */
    public void setHeader(int payloadLength, IpProtocol nextHeader, int hopLimit, Ipv6Address src, Ipv6Address dst) {
        buf.setInt(offset, 6 << 28);
        buf.setShort(offset + 4, payloadLength);
        buf.setByte(offset + 6, nextHeader.value());
        buf.setByte(offset + 7, hopLimit);
        src.write(buf, offset + SRC);
        dst.write(buf, offset + DST);
    }

    @Override
    public String toString() {
        if (buf == null || check() != null) {
            return "Ipv6Packet(unwrapped or malformed)";
        }
        return "IP6 " + src() + " > " + dst() + ": " + nextHeader() + ", hlim " + hopLimit()
                + ", payload length " + payloadLength();
    }
}
