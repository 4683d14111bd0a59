package io.netfabric.socket;

import io.netfabric.core.FabricException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The {@code host:port} strings of the legacy {@code socket} netdev, read as QEMU 7.2's
 * {@code parse_host_port()} (net/net.c) reads them: IPv4 only; split at the first colon; an
 * empty host is 0.0.0.0; a host starting with a digit must be an {@code inet_aton()} address
 * ({@code 127.1} is 127.0.0.1), anything else is resolved; the port is C {@code strtol(.., 0)}
 * (hex and octal prefixes, trailing junk ignored) truncated to 16 bits by {@code htons()}.
 */
final class HostPort {
    private HostPort() {
    }

    static InetSocketAddress parse(String str) {
        int colon = str.indexOf(':');
        if (colon < 0) {
            throw FabricException.generic("host address '" + str + "' doesn't contain ':' separating host from port");
        }
        return of(str.substring(0, colon), str.substring(colon + 1));
    }

    /**
     * QEMU's {@code convert_host_port()} (net/util.c), the same rules for a host and a port given
     * apart, as {@code dgram}'s inet addresses give them.
     */
    static InetSocketAddress of(String host, String portText) {
        InetAddress addr;
        if (host.isEmpty()) {
            addr = ipv4(0);
        } else if (Character.isDigit(host.charAt(0))) {
            Long a = inetAton(host);
            if (a == null) {
                throw FabricException.generic("host address '" + host + "' is not a valid IPv4 address");
            }
            addr = ipv4(a);
        } else {
            addr = resolve(host);
        }
        Long port = strtol(portText);
        if (port == null) {
            throw FabricException.generic("port number '" + portText + "' is invalid");
        }
        return new InetSocketAddress(addr, (int) (port & 0xffff));
    }

    /** {@code gethostbyname()}: the first IPv4 address of the name. */
    private static InetAddress resolve(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (a instanceof Inet4Address) {
                    return a;
                }
            }
        } catch (UnknownHostException e) {
            // fall through to QEMU's message
        }
        throw FabricException.generic("can't resolve host address '" + host + "'");
    }

    static InetAddress ipv4(long a) {
        byte[] b = {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * glibc {@code inet_aton()}: one to four parts, each decimal, octal (leading 0) or hex
     * (0x); the last part fills the remaining bytes. Null when invalid.
     */
    static Long inetAton(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] v = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Long p = strictUnsigned(parts[i]);
            if (p == null) {
                return null;
            }
            v[i] = p;
        }
        long result = 0;
        for (int i = 0; i < v.length - 1; i++) {
            if (v[i] > 0xff) {
                return null;
            }
            result |= v[i] << (24 - 8 * i);
        }
        long last = v[v.length - 1];
        long lastMax = 0xffffffffL >>> (8 * (v.length - 1));
        if (last > lastMax) {
            return null;
        }
        return result | last;
    }

    /** One inet_aton part: digits only in its base, nothing after. */
    private static Long strictUnsigned(String p) {
        if (p.isEmpty()) {
            return null;
        }
        int radix = 10;
        String digits = p;
        if (p.length() > 1 && p.charAt(0) == '0' && (p.charAt(1) == 'x' || p.charAt(1) == 'X')) {
            radix = 16;
            digits = p.substring(2);
            if (digits.isEmpty()) {
                return 0L;   // glibc reads "0x" as 0
            }
        } else if (p.length() > 1 && p.charAt(0) == '0') {
            radix = 8;
            digits = p.substring(1);
        }
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = Character.digit(digits.charAt(i), radix);
            if (d < 0) {
                return null;
            }
            v = v * radix + d;
            if (v > 0xffffffffL) {
                return null;
            }
        }
        return v;
    }

    /**
     * C {@code strtol(s, &end, 0)} as parse_host_port() uses it: null when no digit was read
     * (end == start), else the value of the leading number; junk after it is ignored.
     */
    static Long strtol(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int radix = 10;
        if (i + 1 < s.length() && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                && i + 2 < s.length() && Character.digit(s.charAt(i + 2), 16) >= 0) {
            radix = 16;
            i += 2;
        } else if (i < s.length() && s.charAt(i) == '0') {
            radix = 8;
        }
        int start = i;
        long v = 0;
        while (i < s.length() && Character.digit(s.charAt(i), radix) >= 0) {
            v = v * radix + Character.digit(s.charAt(i), radix);
            if (v > Integer.MAX_VALUE * 4L) {
                v = Integer.MAX_VALUE * 4L;   // saturated; only the low 16 bits matter anyway
            }
            i++;
        }
        if (i == start) {
            return null;
        }
        return negative ? -v : v;
    }
}
