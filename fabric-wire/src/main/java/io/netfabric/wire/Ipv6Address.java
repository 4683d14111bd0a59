package io.netfabric.wire;

import io.netty.buffer.ByteBuf;

/**
 * An IPv6 address held in two {@code long}s (network order: {@code high} holds octets 0-7).
 * Immutable value. {@link #toString()} is the RFC 5952 canonical text form.
 */
public final class Ipv6Address {
    public static final int LENGTH = 16;
    public static final Ipv6Address UNSPECIFIED = new Ipv6Address(0, 0);
    public static final Ipv6Address LOOPBACK = new Ipv6Address(0, 1);

    private final long high;
    private final long low;

    private Ipv6Address(long high, long low) {
        this.high = high;
        this.low = low;
    }

    public static Ipv6Address of(long high, long low) {
        return new Ipv6Address(high, low);
    }

    public static Ipv6Address fromBytes(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("IPv6 address needs 16 bytes, got " + bytes.length);
        }
        long h = 0;
        long l = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (bytes[i] & 0xFF);
            l = (l << 8) | (bytes[i + 8] & 0xFF);
        }
        return new Ipv6Address(h, l);
    }

    /** Reads sixteen octets at absolute {@code index}. */
    public static Ipv6Address read(ByteBuf buf, int index) {
        return new Ipv6Address(buf.getLong(index), buf.getLong(index + 8));
    }

    /** Writes sixteen octets at absolute {@code index}. */
    public void write(ByteBuf buf, int index) {
        buf.setLong(index, high);
        buf.setLong(index + 8, low);
    }

    /**
     * Parses the text forms of RFC 4291 §2.2: eight groups of 1-4 hex digits, at most one
     * {@code ::} standing for one or more zero groups, and an optional trailing dotted quad.
     *
     * @throws IllegalArgumentException when the text is not such an address
     */
    public static Ipv6Address parse(String text) {
        int[] groups = new int[8];
        int gap = text.indexOf("::");
        int count;
        if (gap < 0) {
            count = parseGroups(text, text, groups, 0, true);
            if (count != 8) {
                throw bad(text);
            }
        } else {
            if (text.indexOf("::", gap + 1) >= 0) {
                throw bad(text);
            }
            int[] tail = new int[8];
            int headCount = parseGroups(text, text.substring(0, gap), groups, 0, false);
            int tailCount = parseGroups(text, text.substring(gap + 2), tail, 0, true);
            if (headCount + tailCount > 7) {
                throw bad(text);
            }
            System.arraycopy(tail, 0, groups, 8 - tailCount, tailCount);
        }
        long h = 0;
        long l = 0;
        for (int i = 0; i < 4; i++) {
            h = (h << 16) | groups[i];
            l = (l << 16) | groups[i + 4];
        }
        return new Ipv6Address(h, l);
    }

    /** Parses {@code part} (no {@code ::} inside) into {@code out}; returns the number of groups. */
    private static int parseGroups(String text, String part, int[] out, int at, boolean mayEndInQuad) {
        if (part.isEmpty()) {
            return 0;
        }
        String[] pieces = part.split(":", -1);
        int n = at;
        for (int i = 0; i < pieces.length; i++) {
            String p = pieces[i];
            if (n >= 8) {
                throw bad(text);
            }
            if (i == pieces.length - 1 && mayEndInQuad && p.indexOf('.') >= 0) {
                if (n > 6) {
                    throw bad(text);
                }
                int v4 = Ipv4Address.parse(p).toInt();
                out[n++] = v4 >>> 16;
                out[n++] = v4 & 0xFFFF;
                continue;
            }
            if (p.isEmpty() || p.length() > 4) {
                throw bad(text);
            }
            int v = 0;
            for (int k = 0; k < p.length(); k++) {
                int d = Character.digit(p.charAt(k), 16);
                if (d < 0) {
                    throw bad(text);
                }
                v = (v << 4) | d;
            }
            out[n++] = v;
        }
        return n - at;
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("not an IPv6 address: \"" + text + "\"");
    }

    public long high() {
        return high;
    }

    public long low() {
        return low;
    }

    public byte[] toBytes() {
        byte[] b = new byte[LENGTH];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (high >>> (56 - 8 * i));
            b[i + 8] = (byte) (low >>> (56 - 8 * i));
        }
        return b;
    }

    /** The 16-bit group {@code i} (0-7). */
    public int group(int i) {
        long half = i < 4 ? high : low;
        return (int) (half >>> (48 - 16 * (i & 3))) & 0xFFFF;
    }

    public boolean isUnspecified() {
        return high == 0 && low == 0;
    }

    public boolean isLoopback() {
        return high == 0 && low == 1;
    }

    /** ff00::/8 (RFC 4291 §2.7). */
    public boolean isMulticast() {
        return (high >>> 56) == 0xFF;
    }

    /** fe80::/10. */
    public boolean isLinkLocal() {
        return (high >>> 54) == (0xFE80 >>> 6);
    }

    /** ::ffff:0:0/96 (RFC 4291 §2.5.5.2). */
    public boolean isIpv4Mapped() {
        return high == 0 && (low >>> 32) == 0xFFFF;
    }

    /** True when this address lies in {@code net/prefixLen}, prefixLen 0-128. */
    public boolean inSubnet(Ipv6Address net, int prefixLen) {
        if (prefixLen < 0 || prefixLen > 128) {
            throw new IllegalArgumentException("prefix length out of range: " + prefixLen);
        }
        long hm = prefixLen >= 64 ? -1L : prefixLen == 0 ? 0 : -1L << (64 - prefixLen);
        long lm = prefixLen <= 64 ? 0 : prefixLen == 128 ? -1L : -1L << (128 - prefixLen);
        return ((high ^ net.high) & hm) == 0 && ((low ^ net.low) & lm) == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv6Address && ((Ipv6Address) o).high == high && ((Ipv6Address) o).low == low;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(high) * 31 + Long.hashCode(low);
    }

    /**
     * RFC 5952 §4: lowercase, no leading zeros, the longest run of two or more zero groups (the
     * first one on a tie) shortened to {@code ::}; IPv4-mapped addresses end in a dotted quad (§5).
     */
    @Override
    public String toString() {
        if (isIpv4Mapped()) {
            return "::ffff:" + Ipv4Address.fromInt((int) low);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (group(i) != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && group(j) == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(group(i)));
        }
        return sb.toString();
    }
}
