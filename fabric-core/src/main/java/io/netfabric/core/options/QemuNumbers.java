package io.netfabric.core.options;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.function.Consumer;

/**
 * The C number syntaxes QEMU's command line accepts, reimplemented to the character: glibc
 * {@code strtoll}/{@code strtoull} with base 0 (leading white space, a sign, {@code 0x} hex,
 * leading-zero octal), util/cutils.c {@code parse_uint()} (strtoull that refuses a minus) and
 * {@code qemu_strtosz()} (sizes). Each returns null for input QEMU refuses.
 */
final class QemuNumbers {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final BigInteger UINT64_MAX = TWO_64.subtract(BigInteger.ONE);
    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private QemuNumbers() {
    }

    /** A C {@code strto*} result: the magnitude with its sign, where parsing stopped, overflow. */
    private record Scan(BigInteger value, int end, boolean negative) {
    }

    static boolean isCSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
    }

    /**
     * The part of {@code strtoull}/{@code strtoll} common to both: white space, sign, base
     * prefix, digits. Returns null when no digit was converted (endptr == nptr).
     */
    private static Scan scan(String s, int from, int base) {
        int i = from;
        while (i < s.length() && isCSpace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        // "0x" counts as a prefix only when a hex digit follows; else the "0" is the number.
        if ((base == 0 || base == 16) && i + 2 < s.length() && s.charAt(i) == '0'
                && (s.charAt(i + 1) | 0x20) == 'x' && Character.digit(s.charAt(i + 2), 16) >= 0) {
            base = 16;
            i += 2;
        } else if (base == 0) {
            base = i < s.length() && s.charAt(i) == '0' ? 8 : 10;
        }
        int start = i;
        BigInteger v = BigInteger.ZERO;
        BigInteger b = BigInteger.valueOf(base);
        while (i < s.length()) {
            char c = s.charAt(i);
            int d = c < 128 ? Character.digit(c, base) : -1;
            if (d < 0) {
                break;
            }
            v = v.multiply(b).add(BigInteger.valueOf(d));
            i++;
        }
        if (i == start) {
            return null;
        }
        return new Scan(v, i, negative);
    }

    /** qapi/opts-visitor.c {@code opts_type_int64()}: strtoll base 0, whole string, no ERANGE. */
    static Long parseInt64(String s) {
        Scan r = scan(s, 0, 0);
        if (r == null || r.end != s.length()) {
            return null;
        }
        BigInteger v = r.negative ? r.value.negate() : r.value;
        if (v.compareTo(INT64_MIN) < 0 || v.compareTo(INT64_MAX) > 0) {
            return null;
        }
        return v.longValue();
    }

    /** {@code strtoull} value with its wrap-around for a minus sign; null on ERANGE. */
    private static Long strtoullValue(Scan r) {
        if (r.value.compareTo(UINT64_MAX) > 0) {
            return null;
        }
        return r.negative ? -r.value.longValue() : r.value.longValue();
    }

    /**
     * util/cutils.c {@code parse_uint()} as opts_type_uint64() uses it: strtoull base 0, the
     * whole string, and a minus (after white space) refused. Returns the unsigned bits.
     */
    static Long parseUint64(String s) {
        Scan r = scan(s, 0, 0);
        if (r == null || r.end != s.length() || r.negative) {
            return null;
        }
        return strtoullValue(r);
    }

    /**
     * util/cutils.c {@code qemu_strtou64(s, NULL, base, &v)} (and {@code qemu_strtoul}, the same
     * on 64-bit hosts): strtoull, the whole string, and a minus wraps ({@code -1} is 2^64-1, left
     * to the caller's range check). Base 0 for the keyval visitor
     * (qobject_input_type_uint64_keyval), 10 for the {@code ipv6-net} shorthand of net/net.c.
     * Returns the unsigned bits, or null.
     */
    static Long parseStrtou64(String s, int base) {
        Scan r = scan(s, 0, base);
        if (r == null || r.end != s.length()) {
            return null;
        }
        return strtoullValue(r);
    }

    /**
     * util/cutils.c {@code qemu_strtosz()} (7.2): a decimal integer, or {@code 0x} hex, an
     * optional fraction (decimal only, no exponent, needs a suffix), an optional suffix
     * B/K/M/G/T/P/E in either case (powers of 1024), the whole string, at most 2^64-1. A hex
     * number with a suffix is accepted with a deprecation warning, passed to {@code warnings}.
     * Returns the unsigned bits, or null.
     */
    static Long parseSize(String s, Consumer<String> warnings) {
        Scan r = scan(s, 0, 10);
        if (r == null || r.value.compareTo(UINT64_MAX) > 0) {
            return null;                                   // EINVAL / ERANGE from qemu_strtou64
        }
        if (s.substring(0, r.end).indexOf('-') >= 0) {
            return null;                                   // "-5", "-0": no negative sizes
        }
        BigInteger val = r.value;
        int end = r.end;
        BigInteger valf = BigInteger.ZERO;                 // 0.64 fixed-point fraction
        boolean hex = false;
        if (val.signum() == 0 && end < s.length() && (s.charAt(end) | 0x20) == 'x') {
            Scan h = scan(s, 0, 16);
            if (h == null || h.value.compareTo(UINT64_MAX) > 0) {
                return null;
            }
            end = h.end;
            val = h.value;
            if (end < s.length() && s.charAt(end) == '.') {
                return null;
            }
            hex = true;
        } else if (end < s.length() && s.charAt(end) == '.') {
            int fracEnd = decimalFractionEnd(s, end);
            if (fracEnd < 0) {
                end++;                                     // "1.k": strtod failed, skip the dot
            } else {
                String f = s.substring(end, fracEnd);
                if (f.indexOf('e') >= 0 || f.indexOf('E') >= 0) {
                    return null;
                }
                // (uint64_t)(fraction * 0x1p64) on the double strtod gave; 1.0 wraps to 0 on x86.
                BigInteger fixed = new BigDecimal(Double.parseDouble(f)).multiply(new BigDecimal(TWO_64)).toBigInteger();
                valf = fixed.compareTo(UINT64_MAX) > 0 ? BigInteger.ZERO : fixed;
                end = fracEnd;
            }
        }
        long mul = end < s.length() ? suffixMultiplier(s.charAt(end)) : -1;
        if (mul > 0) {
            if (hex) {
                warnings.accept("Using a multiplier suffix on hex numbers is deprecated: " + s);
            }
            end++;
        } else {
            mul = 1;
        }
        BigInteger result;
        if (mul == 1) {
            if (valf.signum() != 0) {
                return null;                               // a fraction needs a suffix
            }
            result = val;
        } else {
            BigInteger m = BigInteger.valueOf(mul);
            BigInteger f = valf.multiply(m);
            result = val.multiply(m).add(f.shiftRight(64)).add(f.testBit(63) ? BigInteger.ONE : BigInteger.ZERO);
            if (result.compareTo(UINT64_MAX) > 0) {
                return null;
            }
        }
        if (end != s.length()) {
            return null;
        }
        return result.longValue();
    }

    /** Where strtod stops on {@code ".ddd[e[+-]ddd]"} starting at the dot, or -1 if no digit. */
    private static int decimalFractionEnd(String s, int dot) {
        int i = dot + 1;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i == dot + 1) {
            return -1;
        }
        if (i < s.length() && (s.charAt(i) | 0x20) == 'e') {
            int j = i + 1;
            if (j < s.length() && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
                j++;
            }
            int digits = j;
            while (j < s.length() && s.charAt(j) >= '0' && s.charAt(j) <= '9') {
                j++;
            }
            if (j > digits) {
                i = j;
            }
        }
        return i;
    }

    /** util/cutils.c {@code suffix_mul()}, unit 1024. */
    private static long suffixMultiplier(char c) {
        return switch (Character.toUpperCase(c)) {
            case 'B' -> 1L;
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            case 'T' -> 1L << 40;
            case 'P' -> 1L << 50;
            case 'E' -> 1L << 60;
            default -> -1L;
        };
    }
}
