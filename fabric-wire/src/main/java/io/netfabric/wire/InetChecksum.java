package io.netfabric.wire;

import io.netty.buffer.ByteBuf;

/**
 * The Internet checksum (RFC 1071): the 16-bit ones' complement of the ones' complement sum of
 * the data taken as big-endian 16-bit words.
 *
 * <p>Sums here are "partial sums": non-negative ints that may exceed 16 bits and are folded only
 * when finished, so pieces (pseudo-header, header, payload) add with {@link #add}. A range is
 * summed as if it began on an even octet of the checksummed data; an odd-length range is padded
 * with a zero octet, so only the last piece may have odd length.
 *
 * <p>The ones' complement sum of 32-bit words folds to the same 16-bit sum (2^16 = 1 mod 0xFFFF),
 * so {@link #sum} reads eight octets at a time.
 */
public final class InetChecksum {
    private InetChecksum() {
    }

    /** Partial sum of {@code length} octets at absolute {@code index}; indices do not move. */
    public static int sum(ByteBuf buf, int index, int length) {
        long acc = 0;
        int i = index;
        int end = index + length;
        // Each step adds at most 2^33, so a long cannot overflow for any ByteBuf length.
        for (; i + 8 <= end; i += 8) {
            long v = buf.getLong(i);
            acc += (v >>> 32) + (v & 0xFFFF_FFFFL);
        }
        if (i + 4 <= end) {
            acc += buf.getUnsignedInt(i);
            i += 4;
        }
        if (i + 2 <= end) {
            acc += buf.getUnsignedShort(i);
            i += 2;
        }
        if (i < end) {
            acc += buf.getUnsignedByte(i) << 8;
        }
        return fold(acc);
    }

    /** Partial sum of a byte array region, for tests and control-path use. */
    public static int sum(byte[] data, int offset, int length) {
        long acc = 0;
        int end = offset + length;
        int i = offset;
        for (; i + 1 < end; i += 2) {
            acc += ((data[i] & 0xFF) << 8) | (data[i + 1] & 0xFF);
        }
        if (i < end) {
            acc += (data[i] & 0xFF) << 8;
        }
        return fold(acc);
    }

    /** Ones' complement addition of two partial sums. */
    public static int add(int a, int b) {
        return fold((a & 0xFFFF_FFFFL) + (b & 0xFFFF_FFFFL));
    }

    /** Folds carries into the low 16 bits (end-around carry). */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The checksum field value for a partial sum: the folded sum, complemented. */
    public static int finish(int partialSum) {
        return ~fold(partialSum & 0xFFFF_FFFFL) & 0xFFFF;
    }

    /** The checksum of a range: {@code finish(sum(buf, index, length))}. */
    public static int checksum(ByteBuf buf, int index, int length) {
        return finish(sum(buf, index, length));
    }

    /**
     * Partial sum of the IPv4 pseudo-header (RFC 768, RFC 9293 §3.1): source, destination, zero,
     * protocol, and the upper-layer length.
     */
    public static int pseudoHeaderIpv4(int src, int dst, int protocol, int length) {
        long acc = (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF) + protocol + length;
        return fold(acc);
    }

    public static int pseudoHeaderIpv4(Ipv4Address src, Ipv4Address dst, IpProtocol protocol, int length) {
        return pseudoHeaderIpv4(src.toInt(), dst.toInt(), protocol.value(), length);
    }

    /**
     * Partial sum of the IPv6 pseudo-header (RFC 8200 §8.1): source, destination, 32-bit
     * upper-layer length, three zero octets, next header.
     */
    public static int pseudoHeaderIpv6(Ipv6Address src, Ipv6Address dst, IpProtocol nextHeader, long length) {
        long acc = sum64(src.high()) + sum64(src.low()) + sum64(dst.high()) + sum64(dst.low());
        acc += (length >>> 16) + (length & 0xFFFF) + nextHeader.value();
        return fold(acc);
    }

    private static long sum64(long v) {
        return (v >>> 32) + (v & 0xFFFF_FFFFL);
    }

    /**
     * RFC 1624 eqn. 3: the new checksum after a 16-bit field changes from {@code oldValue} to
     * {@code newValue}: {@code HC' = ~(~HC + ~m + m')}.
     */
    public static int update16(int checksum, int oldValue, int newValue) {
        long acc = (~checksum & 0xFFFF) + (~oldValue & 0xFFFF) + (newValue & 0xFFFF);
        return ~fold(acc) & 0xFFFF;
    }

    /** RFC 1624 eqn. 3 applied to both halves of a 32-bit field (an IPv4 address rewrite). */
    public static int update32(int checksum, int oldValue, int newValue) {
        long acc = (~checksum & 0xFFFF)
                + (~oldValue >>> 16 & 0xFFFF) + (~oldValue & 0xFFFF)
                + (newValue >>> 16) + (newValue & 0xFFFF);
        return ~fold(acc) & 0xFFFF;
    }
}
