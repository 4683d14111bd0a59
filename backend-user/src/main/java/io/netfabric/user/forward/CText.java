package io.netfabric.user.forward;

/**
 * The C library parsers QEMU's net/slirp.c relies on, with their exact acceptance rules, so that
 * options QEMU takes we take and options it refuses we refuse with the same reason.
 */
public final class CText {
    private CText() {
    }

    /**
     * glibc {@code inet_aton}: one to four parts separated by dots, each a C integer (0x hex,
     * leading 0 octal, else decimal); the last part fills the remaining octets. Trailing
     * whitespace ends the address (glibc accepts "1.2.3.4 junk"). Returns the address as an int
     * in network order, or null.
     */
    public static Integer inetAton(String s) {
        long[] parts = new long[4];
        int n = 0;
        int i = 0;
        int len = s.length();
        while (true) {
            if (i >= len || !Character.isDigit(s.charAt(i))) {
                return null;
            }
            long v = 0;
            int base = 10;
            if (s.charAt(i) == '0') {
                base = 8;
                i++;
                if (i < len && (s.charAt(i) == 'x' || s.charAt(i) == 'X')) {
                    base = 16;
                    i++;
                }
            }
            while (i < len) {
                int d = Character.digit(s.charAt(i), base);
                if (d < 0) {
                    break;
                }
                v = v * base + d;
                if (v > 0xFFFF_FFFFL) {
                    return null;
                }
                i++;
            }
            if (n == 4) {
                return null;
            }
            parts[n++] = v;
            if (i < len && s.charAt(i) == '.') {
                i++;
                continue;
            }
            break;
        }
        if (i < len && !Character.isWhitespace(s.charAt(i))) {
            return null;
        }
        long val;
        switch (n) {
            case 1 -> val = parts[0];
            case 2 -> {
                if (parts[0] > 0xFF || parts[1] > 0xFFFFFF) {
                    return null;
                }
                val = parts[0] << 24 | parts[1];
            }
            case 3 -> {
                if (parts[0] > 0xFF || parts[1] > 0xFF || parts[2] > 0xFFFF) {
                    return null;
                }
                val = parts[0] << 24 | parts[1] << 16 | parts[2];
            }
            default -> {
                if (parts[0] > 0xFF || parts[1] > 0xFF || parts[2] > 0xFF || parts[3] > 0xFF) {
                    return null;
                }
                val = parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3];
            }
        }
        return (int) val;
    }

    /**
     * QEMU's {@code qemu_strtoi(s, NULL, base, &v)} used on a whole field: optional whitespace
     * and sign, digits in {@code base} (0: auto), nothing after, within int range. Null when not.
     */
    public static Integer strtoiWhole(String s, int base) {
        int i = 0;
        int len = s.length();
        while (i < len && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < len && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int b = base;
        if ((b == 0 || b == 16) && i + 1 < len && s.charAt(i) == '0'
                && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X') && i + 2 < len
                && Character.digit(s.charAt(i + 2), 16) >= 0) {
            b = 16;
            i += 2;
        } else if (b == 0) {
            b = i < len && s.charAt(i) == '0' ? 8 : 10;
        }
        int start = i;
        long v = 0;
        while (i < len && Character.digit(s.charAt(i), b) >= 0) {
            v = v * b + Character.digit(s.charAt(i), b);
            if (v > 0x8000_0000L) {
                return null;
            }
            i++;
        }
        if (i == start || i != len) {
            return null;
        }
        v = neg ? -v : v;
        return v > Integer.MAX_VALUE || v < Integer.MIN_VALUE ? null : (int) v;
    }

    /** C {@code strtol(s, &end, 10)}: the value and where parsing stopped (end == 0: no digits). */
    public record Strtol(long value, int end) {
    }

    public static Strtol strtol10(String s) {
        int i = 0;
        int len = s.length();
        while (i < len && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < len && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int start = i;
        long v = 0;
        while (i < len && Character.isDigit(s.charAt(i))) {
            if (v < Long.MAX_VALUE / 10) {
                v = v * 10 + (s.charAt(i) - '0');
            }
            i++;
        }
        if (i == start) {
            return new Strtol(0, 0);
        }
        return new Strtol(neg ? -v : v, i);
    }

    /** {@code inet_pton(AF_INET6, s)}: the 16 octets, or null. */
    public static byte[] inetPton6(String s) {
        try {
            io.netfabric.wire.Ipv6Address a = io.netfabric.wire.Ipv6Address.parse(s);
            return a.toBytes();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
