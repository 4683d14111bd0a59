package io.netfabric.wire.icmpv6;

import io.netfabric.wire.InetChecksum;
import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Ipv6Address;
import io.netfabric.wire.Malformed;
import io.netfabric.wire.WireView;
import io.netty.buffer.ByteBuf;

/**
 * Flyweight view of an ICMPv6 message (RFC 4443 §2.1) and of the Neighbor Discovery messages
 * carried in it (RFC 4861 §4).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Message body: echo id + seq, NS/NA reserved + target, RA ... |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  NDP options: type (1), length in 8-octet units (1), value    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The checksum covers the IPv6 pseudo-header (RFC 8200 §8.1). Borrows its buffer; not thread safe.
 */
public final class Icmpv6Packet extends WireView<Icmpv6Packet> {
    public static final int HEADER_LEN = 4;
    public static final int TYPE_DEST_UNREACHABLE = 1;
    public static final int TYPE_PACKET_TOO_BIG = 2;
    public static final int TYPE_TIME_EXCEEDED = 3;
    public static final int TYPE_ECHO_REQUEST = 128;
    public static final int TYPE_ECHO_REPLY = 129;
    public static final int TYPE_ROUTER_SOLICITATION = 133;
    public static final int TYPE_ROUTER_ADVERTISEMENT = 134;
    public static final int TYPE_NEIGHBOR_SOLICITATION = 135;
    public static final int TYPE_NEIGHBOR_ADVERTISEMENT = 136;
    public static final int CODE_PORT_UNREACHABLE = 4;

    /** NDP option types (RFC 4861 §4.6, RFC 8106 §5). */
    public static final int OPT_SOURCE_LINK_ADDR = 1;
    public static final int OPT_TARGET_LINK_ADDR = 2;
    public static final int OPT_PREFIX_INFO = 3;
    public static final int OPT_MTU = 5;
    public static final int OPT_RDNSS = 25;
    public static final int OPT_DNSSL = 31;

    /** Octets before the options: RS 8, RA 16, NS/NA 24 (RFC 4861 §4.1-4.4). */
    public static final int RS_LEN = 8;
    public static final int RA_LEN = 16;
    public static final int NS_NA_LEN = 24;

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

    /** Echo identifier; needs {@code length >= 8}. */
    public int identifier() {
        return buf.getUnsignedShort(offset + 4);
    }

    public int sequence() {
        return buf.getUnsignedShort(offset + 6);
    }

    /** The target address of an NS or NA; needs {@code length >= 24}. */
    public Ipv6Address target() {
        return Ipv6Address.read(buf, offset + 8);
    }

    public void setType(int type) {
        buf.setByte(offset, type);
    }

    public void setCode(int code) {
        buf.setByte(offset + 1, code);
    }

    public boolean verifyChecksum(Ipv6Address src, Ipv6Address dst) {
        int pseudo = InetChecksum.pseudoHeaderIpv6(src, dst, IpProtocol.ICMPV6, length);
        return InetChecksum.add(pseudo, InetChecksum.sum(buf, offset, length)) == 0xFFFF;
    }

    public void fillChecksum(Ipv6Address src, Ipv6Address dst) {
        buf.setShort(offset + 2, 0);
        int pseudo = InetChecksum.pseudoHeaderIpv6(src, dst, IpProtocol.ICMPV6, length);
        buf.setShort(offset + 2, InetChecksum.finish(InetChecksum.add(pseudo, InetChecksum.sum(buf, offset, length))));
    }

    /**
     * Checks the NDP options from {@code fixedLen} octets into the message: every option has a
     * non-zero length that stays inside the message (RFC 4861 §4.6: "nodes MUST silently
     * discard an ND packet that contains an option with length zero").
     */
    public boolean ndpOptionsValid(int fixedLen) {
        if (length < fixedLen) {
            return false;
        }
        int at = fixedLen;
        while (at < length) {
            if (at + 2 > length) {
                return false;
            }
            int len = buf.getUnsignedByte(offset + at + 1) * 8;
            if (len == 0 || at + len > length) {
                return false;
            }
            at += len;
        }
        return true;
    }

    /**
     * Absolute index of the first NDP option of {@code type} after {@code fixedLen}, or -1.
     * Call only after {@link #ndpOptionsValid}.
     */
    public int findNdpOption(int fixedLen, int type) {
        int at = fixedLen;
        while (at + 2 <= length) {
            int len = buf.getUnsignedByte(offset + at + 1) * 8;
            if (len == 0) {
                return -1;
            }
            if (buf.getUnsignedByte(offset + at) == type) {
                return offset + at;
            }
            at += len;
        }
        return -1;
    }

    @Override
    public String toString() {
        if (buf == null || !regionHolds(HEADER_LEN)) {
            return "Icmpv6Packet(unwrapped or truncated)";
        }
        return "ICMP6 type " + type() + " code " + code() + ", length " + length;
    }
}
