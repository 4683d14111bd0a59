package io.netfabric.user.forward;

import io.netfabric.core.FabricException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One {@code hostfwd} rule with the addresses as java.net addresses: QEMU's IPv4 syntax
 * ({@link HostForwardRule}, same checks and messages) plus bracketed IPv6 addresses on either
 * side, {@code tcp:[::1]:8080-[fec0::15]:80}, which QEMU 7.2 does not have. A bracketed rule
 * fails with QEMU's wording for the same step ({@code Bad host address}, ...).
 *
 * @param hostAddr  the address to bind (0.0.0.0 when empty)
 * @param guestAddr the guest address, or null for the default (the first DHCP address)
 */
public record HostForward(String text, boolean udp, InetAddress hostAddr, int hostPort, InetAddress guestAddr,
                          int guestPort) {

    public static HostForward parse(String rule) {
        if (rule.indexOf('[') < 0) {
            HostForwardRule r = HostForwardRule.parse(rule);
            return new HostForward(rule, r.udp(), v4(r.hostAddr().toInt()), r.hostPort(),
                    r.guestAddr().toInt() == 0 ? null : v4(r.guestAddr().toInt()), r.guestPort());
        }
        String rest = rule.length() > 1023 ? rule.substring(0, 1023) : rule;
        int colon = rest.indexOf(':');
        if (colon < 0) {
            throw syntax(rule, "No : separators");
        }
        String proto = rest.substring(0, colon);
        boolean udp;
        if (proto.equals("tcp") || proto.isEmpty()) {
            udp = false;
        } else if (proto.equals("udp")) {
            udp = true;
        } else {
            throw syntax(rule, "Bad protocol name");
        }
        rest = rest.substring(colon + 1);
        String[] host = address(rest, rule, "Missing : separator", "Bad host address");
        InetAddress ha = host[0].isEmpty() ? v4(0) : parseAddress(host[0], rule, "Bad host address");
        rest = host[1];
        int dash = rest.indexOf('-');
        if (dash < 0) {
            throw syntax(rule, "Bad host port separator");
        }
        Integer hp = CText.strtoiWhole(rest.substring(0, dash), 0);
        if (hp == null || hp < 0 || hp > 65535) {
            throw syntax(rule, "Bad host port");
        }
        rest = rest.substring(dash + 1);
        String[] guest = address(rest, rule, "Missing guest address", "Bad guest address");
        InetAddress ga = guest[0].isEmpty() ? null : parseAddress(guest[0], rule, "Bad guest address");
        Integer gp = CText.strtoiWhole(guest[1], 0);
        if (gp == null || gp < 1 || gp > 65535) {
            throw syntax(rule, "Bad guest port");
        }
        return new HostForward(rule, udp, ha, hp, ga, gp);
    }

    /** Splits "[v6]:rest" or "v4:rest" into the address text and what follows the colon. */
    private static String[] address(String s, String rule, String missing, String bad) {
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw syntax(rule, bad);
            }
            if (close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw syntax(rule, missing);
            }
            String a = s.substring(1, close);
            if (CText.inetPton6(a) == null) {
                throw syntax(rule, bad);
            }
            return new String[] {"[" + a, s.substring(close + 2)};
        }
        int colon = s.indexOf(':');
        if (colon < 0) {
            throw syntax(rule, missing);
        }
        return new String[] {s.substring(0, colon), s.substring(colon + 1)};
    }

    private static InetAddress parseAddress(String a, String rule, String bad) {
        try {
            if (a.startsWith("[")) {
                return InetAddress.getByAddress(CText.inetPton6(a.substring(1)));
            }
            Integer v = CText.inetAton(a);
            if (v == null) {
                throw syntax(rule, bad);
            }
            return v4(v);
        } catch (UnknownHostException e) {
            throw syntax(rule, bad);
        }
    }

    static InetAddress v4(int a) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    public boolean hostIsIpv6() {
        return hostAddr instanceof Inet6Address;
    }

    public boolean guestIsIpv4() {
        return guestAddr == null || guestAddr instanceof Inet4Address;
    }

    /** The key HMP's {@code hostfwd_remove} names: protocol, host address, host port. */
    public String key() {
        return (udp ? "udp" : "tcp") + ":" + (hostIsIpv6() ? "[" + hostAddr.getHostAddress() + "]"
                : hostAddr.getHostAddress()) + ":" + hostPort;
    }

    private static FabricException syntax(String rule, String reason) {
        return FabricException.generic("Invalid host forwarding rule '" + rule + "' (" + reason + ")");
    }
}
