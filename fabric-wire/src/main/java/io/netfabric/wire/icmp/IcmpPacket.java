package io.netfabric.wire.icmp;

import io.netfabric.wire.InetChecksum;
import io.netfabric.wire.Malformed;
import io.netfabric.wire.WireView;
import io.netty.buffer.ByteBuf;

/**
 * Flyweight view of an ICMP message for IPv4 (RFC 792; "fragmentation needed" next-hop MTU:
 * RFC 1191 §4).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Identifier (echo) / unused  | Sequence (echo) / next-hop MTU|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data (echo) / IP header + 8 octets of the offending datagram |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The checksum covers the whole message (no pseudo-header). Borrows its buffer; absolute
 * indexing; not thread safe.
 */
public final class IcmpPacket extends WireView<IcmpPacket> {
    public static final int HEADER_LEN = 8;
    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_DEST_UNREACHABLE = 3;
    public static final int TYPE_ECHO_REQUEST = 8;
    public static final int TYPE_TIME_EXCEEDED = 11;
    public static final int CODE_NET_UNREACHABLE = 0;
    public static final int CODE_HOST_UNREACHABLE = 1;
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    public static final int CODE_PORT_UNREACHABLE = 3;
    public static final int CODE_FRAGMENTATION_NEEDED = 4;
    /** Time exceeded, code 1: fragment reassembly time exceeded. */
    public static final int CODE_REASSEMBLY_TIME_EXCEEDED = 1;

    /** The region (the IP payload) holds the 8-octet header. */
    @Override
    protected Malformed check() {
        return regionHolds(HEADER_LEN) ? null : Malformed.TRUNCATED;
    }

    public int length() {
        return length;
    }

    public int type() {
        return buf.getUnsignedByte(offset);
    }

    public int code() {
        return buf.getUnsignedByte(offset + 1);
    }

    public int checksum() {
        return buf.getUnsignedShort(offset + 2);
    }

    public int identifier() {
        return buf.getUnsignedShort(offset + 4);
    }

    public int sequence() {
        return buf.getUnsignedShort(offset + 6);
    }

    /** RFC 1191: the MTU of the next hop, in "fragmentation needed" messages. */
    public int nextHopMtu() {
        return buf.getUnsignedShort(offset + 6);
    }

    public int dataOffset() {
        return offset + HEADER_LEN;
    }

    public int dataLength() {
        return length - HEADER_LEN;
    }

    public boolean isEcho() {
        return type() == TYPE_ECHO_REQUEST || type() == TYPE_ECHO_REPLY;
    }

    /** An error message (RFC 1122 §3.2.2): destination unreachable, time exceeded, parameter problem... */
    public boolean isError() {
        int t = type();
        return t == TYPE_DEST_UNREACHABLE || t == 4 || t == 5 || t == TYPE_TIME_EXCEEDED || t == 12;
    }

    public void setType(int type) {
        buf.setByte(offset, type);
    }

    public void setCode(int code) {
        buf.setByte(offset + 1, code);
    }

    public void setIdentifier(int id) {
        buf.setShort(offset + 4, id);
    }

    public void setSequence(int seq) {
        buf.setShort(offset + 6, seq);
    }

    /** Writes the whole second word (zero for "unused"; next-hop MTU in its low half). */
    public void setRestOfHeader(int value) {
        buf.setInt(offset + 4, value);
    }

    public boolean verifyChecksum() {
        return InetChecksum.sum(buf, offset, length) == 0xFFFF;
    }

    /** Computes the checksum over the whole message and writes it; call after everything else. */
    public void fillChecksum() {
        buf.setShort(offset + 2, 0);
        buf.setShort(offset + 2, InetChecksum.checksum(buf, offset, length));
    }

    @Override
    public String toString() {
        if (buf == null || !regionHolds(HEADER_LEN)) {
            return "IcmpPacket(unwrapped or truncated)";
        }
        return "ICMP type " + type() + " code " + code() + ", length " + length;
    }
}
