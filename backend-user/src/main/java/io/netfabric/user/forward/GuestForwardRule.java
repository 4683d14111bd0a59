package io.netfabric.user.forward;

import io.netfabric.core.FabricException;
import io.netfabric.wire.Ipv4Address;
import java.util.List;

/**
 * One {@code guestfwd=[tcp]:[server]:port-DEV} rule ({@code DEV}: a chardev spec or
 * {@code cmd:COMMAND}), parsed with the checks of QEMU 7.2's net/slirp.c {@code slirp_guestfwd()}
 * and libslirp's {@code slirp_add_guestfwd()}. Connecting it is part 2 of the user-mode work.
 *
 * @param server the guest-visible address, net | 0.0.2.4 when empty (libslirp's default)
 * @param target what follows the {@code -}: {@code cmd:...} or a chardev spec
 */
public record GuestForwardRule(String text, Ipv4Address server, int port, String target) {

    public boolean isCommand() {
        return target.startsWith("cmd:");
    }

    /**
     * libslirp's check_guestfwd(), for a guestfwd rule and for smbd's forwards alike: {@code addr}
     * inside the network, not the host or DNS address, and {@code addr:port} not taken by one of
     * {@code taken}. libslirp 4.7 compares the port with the stored htons(port), so QEMU 7.2 lets
     * two rules for 10.0.2.100:81 through and refuses 81 beside 20736 (0x5100); we check what it
     * meant.
     */
    public static boolean usable(Ipv4Address addr, int port, Ipv4Address net, int mask, Ipv4Address host,
                                 Ipv4Address dns, List<GuestForwardRule> taken) {
        if ((addr.toInt() & mask) != (net.toInt() & mask) || addr.equals(host) || addr.equals(dns)) {
            return false;
        }
        return taken.stream().noneMatch(r -> r.server.equals(addr) && r.port == port);
    }

    /**
     * @param earlier the rules applied before this one (QEMU applies them last to first), for the address:port check
     */
    public static GuestForwardRule parse(String rule, Ipv4Address net, int mask, Ipv4Address host, Ipv4Address dns,
                                         Ipv4Address defaultServer, List<GuestForwardRule> earlier) {
        Fields f = new Fields(rule);
        String proto = f.next(':');
        if (proto == null || !(proto.equals("tcp") || proto.isEmpty())) {
            throw syntax(rule);
        }
        String server = f.next(':');
        if (server == null) {
            throw syntax(rule);
        }
        Integer s = server.isEmpty() ? null : CText.inetAton(server);
        if (!server.isEmpty() && s == null) {
            throw syntax(rule);
        }
        String port = f.next('-');
        if (port == null) {
            throw syntax(rule);
        }
        // slirp_guestfwd(): int port = strtol(buf, &end, 10), *end must be '\0', then 1..65535.
        // The long is narrowed to the int, so 4294967377 is port 81 in QEMU 7.2 (checked against
        // its binary); a '-' always ends the port, so no negative number reaches strtol.
        CText.Strtol parsed = CText.strtol(port, 10);
        int p = (int) parsed.value();
        if (!parsed.isWhole(port) || p < 1 || p > 65535) {
            throw syntax(rule);
        }
        String target = f.rest();
        Ipv4Address addr = s == null ? defaultServer : Ipv4Address.fromInt(s);
        if (!target.startsWith("cmd:") && !isChardevWeCanOpen(target)) {
            FabricException e = FabricException.generic("Could not open guest forwarding device 'guestfwd.tcp." + p + "'");
            // qemu_chr_parse_compat() reports a spec of no chardev backend before that.
            throw isChardevSpec(target) ? e : e.reportedBefore("'" + target + "' is not a valid char driver");
        }
        if (!usable(addr, p, net, mask, host, dns, earlier)) {
            throw FabricException.generic("Conflicting/invalid host:port in guest forwarding rule '" + rule + "'");
        }
        return new GuestForwardRule(rule, addr, p, target);
    }

    /**
     * The chardev backends a guestfwd can reach from a helper process: {@code tcp:HOST:PORT} and
     * {@code unix:PATH} (QEMU's chardev shorthand, without server options).
     */
    private static boolean isChardevWeCanOpen(String spec) {
        if (spec.startsWith("tcp:")) {
            return tcpTarget(spec) != null;
        }
        return spec.startsWith("unix:") && spec.length() > 5;
    }

    /** The host (brackets taken off; empty: loopback) and port of a {@code tcp:HOST:PORT[,opts]} target. */
    public record TcpTarget(String host, int port) {
    }

    /** {@code spec}'s {@link TcpTarget}, or null when it is no {@code tcp:HOST:PORT} with a decimal port of 0-65535. */
    public static TcpTarget tcpTarget(String spec) {
        if (!spec.startsWith("tcp:")) {
            return null;
        }
        String hp = spec.substring(4);
        int comma = hp.indexOf(',');
        if (comma >= 0) {
            hp = hp.substring(0, comma);
        }
        int colon = hp.lastIndexOf(':');
        Integer port = colon < 0 ? null : CText.strtoiWhole(hp.substring(colon + 1), 10);
        if (port == null || port < 0 || port > 65535) {
            return null;
        }
        String h = hp.substring(0, colon);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return new TcpTarget(h, port);
    }

    /**
     * Whether QEMU 7.2's chardev shorthand ({@code qemu_chr_parse_compat}) knows the spec's form;
     * what it does not know it reports as no valid char driver.
     */
    private static boolean isChardevSpec(String spec) {
        for (String exact : new String[] {"null", "vc", "msmouse", "braille", "testdev", "stdio", "pty"}) {
            if (spec.equals(exact)) {
                return true;
            }
        }
        for (String prefix : new String[] {"vc:", "file:", "pipe:", "udp:", "tcp:", "telnet:", "tn3270:",
            "websocket:", "unix:", "/dev/parport", "/dev/", "mon:", "COM", "con:"}) {
            if (spec.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static FabricException syntax(String rule) {
        return FabricException.generic("Invalid guest forwarding rule '" + rule + "'");
    }
}
