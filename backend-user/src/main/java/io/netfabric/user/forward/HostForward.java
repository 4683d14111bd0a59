package io.netfabric.user.forward;

import io.netfabric.core.FabricException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One {@code hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport} rule. The grammar is
 * QEMU 7.2's net/slirp.c {@code slirp_hostfwd()}: a {@code get_str_sep()} walk ({@link Fields})
 * with {@code inet_aton} addresses and C integer ports ({@link CText}), failing with its reason
 * for the step that failed. netfabric adds one branch at each address step: a bracketed IPv6
 * address, {@code tcp:[::1]:8080-[fec0::15]:80}, which fails with the same step's reasons.
 *
 * <pre>
 * rule    = proto ":" address ":" hostport "-" address ":" guestport
 * proto   = "" | "tcp" | "udp"
 * address = "" | inet_aton text | "[" IPv6 "]"
 * </pre>
 *
 * @param text      the rule as QEMU holds it (its first 1023 characters), for messages and queries
 * @param udp       true for {@code udp:}, false for {@code tcp:} or an empty protocol
 * @param hostAddr  the address to bind (0.0.0.0 when empty)
 * @param guestAddr the guest address, or null for libslirp's default (the first DHCP address):
 *                  empty or 0.0.0.0
 */
public record HostForward(String text, boolean udp, InetAddress hostAddr, int hostPort, InetAddress guestAddr,
                          int guestPort) {

    private static final InetAddress ANY4 = v4(0);

    /** Parses {@code given}; throws QEMU's "Invalid host forwarding rule '...' (reason)". */
    public static HostForward parse(String given) {
        String rule = Fields.buffered(given);
        Fields f = new Fields(rule);
        String proto = f.next(':');
        if (proto == null) {
            throw syntax(rule, "No : separators");
        }
        Boolean udp = isUdp(proto);
        if (udp == null) {
            throw syntax(rule, "Bad protocol name");
        }
        InetAddress host = address(f, rule, "Missing : separator", "Bad host address");
        String hostPort = f.next('-');
        if (hostPort == null) {
            throw syntax(rule, "Bad host port separator");
        }
        int hp = port(hostPort);
        if (hp < 0 || hp > 65535) {
            throw syntax(rule, "Bad host port");
        }
        InetAddress guest = address(f, rule, "Missing guest address", "Bad guest address");
        int gp = port(f.rest());
        if (gp < 1 || gp > 65535) {
            throw syntax(rule, "Bad guest port");
        }
        return new HostForward(rule, udp, host == null ? ANY4 : host, hp,
                ANY4.equals(guest) ? null : guest, gp);
    }

    /** The protocol step: "" and "tcp" are TCP, "udp" is UDP, anything else null. */
    private static Boolean isUdp(String proto) {
        return proto.isEmpty() || proto.equals("tcp") ? Boolean.FALSE : proto.equals("udp") ? Boolean.TRUE : null;
    }

    /**
     * A port as slirp_hostfwd() reads it: {@code int port = strtol(text, &end, 0)}, then
     * {@code *end} must be '\0'. So "" is port 0 (an ephemeral host port), and the long is
     * narrowed to an int (4294967318 is 22); -1 when the text has more than the number.
     */
    private static int port(String text) {
        CText.Strtol p = CText.strtol(text, 0);
        return p.isWhole(text) ? (int) p.value() : -1;
    }

    /**
     * One address step and the {@code ':'} after it: null when empty. The bracket branch is
     * netfabric's: a {@code '['} needs its {@code ']'} (else {@code bad}), then the separator
     * (else {@code missing}), and an IPv6 address between them ({@code inet_pton}, else {@code bad}).
     */
    private static InetAddress address(Fields f, String rule, String missing, String bad) {
        String rest = f.rest();
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw syntax(rule, bad);
            }
            if (close + 1 >= rest.length() || rest.charAt(close + 1) != ':') {
                throw syntax(rule, missing);
            }
            byte[] a = CText.inetPton6(rest.substring(1, close));
            if (a == null) {
                throw syntax(rule, bad);
            }
            f.skip(close + 2);
            return inet(a);
        }
        String text = f.next(':');
        if (text == null) {
            throw syntax(rule, missing);
        }
        if (text.isEmpty()) {
            return null;
        }
        Integer a = CText.inetAton(text);
        if (a == null) {
            throw syntax(rule, bad);
        }
        return v4(a);
    }

    /**
     * HMP's {@code hostfwd_remove [tcp|udp]:[hostaddr]:hostport} (net/slirp.c
     * {@code hmp_hostfwd_remove()}): the {@link #key()} of the rule it names, or null where HMP
     * answers "invalid format". The protocol and address steps are add's (the bracket branch
     * too); the port is {@code qemu_strtoi(p, NULL, 10)}: decimal, the whole rest, any int, and
     * only its low 16 bits reach libslirp ({@code htons}), so -1 names port 65535.
     */
    public static String removalKey(String spec) {
        Fields f = new Fields(spec);
        String proto = f.next(':');
        Boolean udp = proto == null ? null : isUdp(proto);
        if (udp == null) {
            return null;
        }
        InetAddress host;
        try {
            host = address(f, spec, "", "");
        } catch (FabricException e) {
            return null;
        }
        Integer port = CText.strtoiWhole(f.rest(), 10);
        if (port == null) {
            return null;
        }
        return key(udp, host == null ? ANY4 : host, port & 0xFFFF);
    }

    private static InetAddress v4(int a) {
        return inet(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
    }

    private static InetAddress inet(byte[] a) {
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);   // 4 or 16 octets
        }
    }

    /** The key HMP's {@code hostfwd_remove} names: protocol, host address, host port. */
    public String key() {
        return key(udp, hostAddr, hostPort);
    }

    /** The key of a rule bound at {@code addr:port}: a port-0 rule is named by the port it got. */
    public static String key(boolean udp, InetAddress addr, int port) {
        return (udp ? "udp" : "tcp") + ":" + (addr instanceof Inet6Address ? "[" + addr.getHostAddress() + "]"
                : addr.getHostAddress()) + ":" + port;
    }

    private static FabricException syntax(String rule, String reason) {
        return FabricException.generic("Invalid host forwarding rule '" + rule + "' (" + reason + ")");
    }
}
