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
     * leading 0 octal, else decimal; ASCII only, and {@code 0x} needs a hex digit); the last part
     * fills the remaining octets. A C-locale blank ends the address (glibc accepts "1.2.3.4 junk").
     * Returns the address as an int in network order, or null.
     */
    public static Integer inetAton(String s) {
        long[] parts = new long[4];
        int n = 0;
        int i = 0;
        int len = s.length();
        while (true) {
            if (i >= len || asciiDigit(s.charAt(i), 10) < 0) {
                return null;
            }
            long v = 0;
            int base = 10;
            if (s.charAt(i) == '0') {
                base = 8;
                i++;
                if (i < len && (s.charAt(i) | 0x20) == 'x') {
                    base = 16;
                    i++;
                    if (i >= len || asciiDigit(s.charAt(i), 16) < 0) {
                        return null;
                    }
                }
            }
            while (i < len) {
                int d = asciiDigit(s.charAt(i), base);
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
        if (i < len && !isCSpace(s.charAt(i))) {
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
     * QEMU's {@code qemu_strtoi(s, NULL, base, &v)} (util/cutils.c): {@link #strtol} that must
     * convert something, consume all of {@code s}, and fit an int. Null when not.
     */
    public static Integer strtoiWhole(String s, int base) {
        Strtol r = strtol(s, base);
        if (r.end() == 0 || !r.isWhole(s) || r.value() < Integer.MIN_VALUE || r.value() > Integer.MAX_VALUE) {
            return null;
        }
        return (int) r.value();
    }

    /** What C {@code strtol(s, &end, base)} gives: the value and where parsing stopped (end == 0: no digits). */
    public record Strtol(long value, int end) {
        /** The C idiom {@code *end == '\0'}: true also for "", which reads as 0. */
        public boolean isWhole(String s) {
            return end == s.length();
        }
    }

    /**
     * glibc {@code strtol(s, &end, base)} in the C locale: blanks, a sign, {@code 0x} (base 0 or
     * 16, when a hex digit follows) or a leading 0 (base 0: octal), then digits; out of range
     * gives LONG_MAX or LONG_MIN. The caller's {@code (int)} narrowing is C's assignment to an int.
     */
    public static Strtol strtol(String s, int base) {
        int i = 0;
        int len = s.length();
        while (i < len && isCSpace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < len && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int b = base;
        if ((b == 0 || b == 16) && i + 2 < len && s.charAt(i) == '0' && (s.charAt(i + 1) | 0x20) == 'x'
                && asciiDigit(s.charAt(i + 2), 16) >= 0) {
            b = 16;
            i += 2;
        } else if (b == 0) {
            b = i < len && s.charAt(i) == '0' ? 8 : 10;
        }
        int start = i;
        long limit = neg ? Long.MIN_VALUE : -Long.MAX_VALUE;   // accumulate negatively: LONG_MIN fits
        long v = 0;
        boolean overflow = false;
        for (int d; i < len && (d = asciiDigit(s.charAt(i), b)) >= 0; i++) {
            if (v < (limit + d) / b) {
                overflow = true;
            } else {
                v = v * b - d;
            }
        }
        if (i == start) {
            return new Strtol(0, 0);
        }
        if (overflow) {
            return new Strtol(neg ? Long.MIN_VALUE : Long.MAX_VALUE, i);
        }
        return new Strtol(neg ? v : -v, i);
    }

    /** C {@code isspace} in the C locale. */
    private static boolean isCSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static int asciiDigit(char c, int base) {
        int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'z' ? (c | 0x20) - 'a' + 10 : 99;
        return d < base ? d : -1;
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
