package io.netfabric.socket;

import io.netfabric.core.FabricException;
import io.netfabric.core.options.SocketAddressOptions;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code stream} netdev's {@code addr.type=inet}, read as QEMU 7.2's {@code inet_listen_saddr()}
 * and {@code inet_connect_saddr()} (util/qemu-sockets.c) read it: {@code ipv4}/{@code ipv6} pick
 * the address family ({@code inet_ai_family_from_address()}) and, for a listener, whether an IPv6
 * socket also takes IPv4 ({@code IPV6_V6ONLY}); {@code numeric} refuses names; {@code to} lets a
 * listener try the ports up to it; {@code keep-alive} is for clients only; {@code mptcp} opens
 * Multipath TCP sockets. The port is a
 * {@code getaddrinfo()} service: a number (taken modulo 65536, as glibc does) or a name from
 * {@code /etc/services}. 7.2 listens and connects asynchronously, so each failure here becomes the
 * netdev's {@code connection error}, not an error of the command.
 */
final class InetEndpoint {
    /** The address families {@code inet_ai_family_from_address()} chooses between. */
    enum Family { ANY, V4, V6 }

    private final String host;
    private final String port;
    private final boolean numeric;
    private final Integer to;
    private final Boolean ipv4;
    private final Boolean ipv6;
    private final boolean keepAlive;
    private final boolean mptcp;

    InetEndpoint(SocketAddressOptions.Inet in) {
        this.host = in.host();
        this.port = in.port();
        this.numeric = Boolean.TRUE.equals(in.numeric());
        this.to = in.to();
        this.ipv4 = in.ipv4();
        this.ipv6 = in.ipv6();
        this.keepAlive = Boolean.TRUE.equals(in.keepAlive());
        this.mptcp = Boolean.TRUE.equals(in.mptcp());
    }

    boolean keepAlive() {
        return keepAlive;
    }

    /**
     * Whether the host is a name the resolver must look up (it may take seconds, so not on the
     * event loop); literals, the empty host, a bracketed host and {@code numeric=on} need none.
     */
    boolean needsLookup() {
        return host != null && !host.isEmpty() && host.indexOf('[') < 0 && !numeric
                && !NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host);
    }

    /** {@code mptcp=on}: Multipath TCP sockets ({@link MptcpSockets}). */
    boolean mptcp() {
        return mptcp;
    }

    /**
     * {@code IPV6_V6ONLY} for a listener's IPv6 socket: off only when neither flag is given or both
     * are on (QEMU's {@code try_bind()}), so {@code ipv6=on} alone listens for IPv6 only.
     */
    boolean v6Only() {
        return !((ipv4 == null && ipv6 == null) || (Boolean.TRUE.equals(ipv4) && Boolean.TRUE.equals(ipv6)));
    }

    /** {@code inet_ai_family_from_address()}: the family the host is resolved in. */
    Family family() {
        boolean v4On = Boolean.TRUE.equals(ipv4);
        boolean v6On = Boolean.TRUE.equals(ipv6);
        if (Boolean.FALSE.equals(ipv4) && Boolean.FALSE.equals(ipv6)) {
            throw FabricException.generic("Cannot disable IPv4 and IPv6 at same time");
        }
        if (v4On && v6On) {
            // QEMU: an empty host then means "::" with IPv4 mapped in, one socket for both.
            return host == null || host.isEmpty() ? Family.V6 : Family.ANY;
        }
        if (v6On || Boolean.FALSE.equals(ipv4)) {
            return Family.V6;
        }
        if (v4On || Boolean.FALSE.equals(ipv6)) {
            return Family.V4;
        }
        return Family.ANY;
    }

    /**
     * The addresses a listener tries in order, each with every port from {@code port} to
     * {@code to}; the first that binds is kept.
     */
    List<InetSocketAddress> listenCandidates() {
        Family family = family();
        int first = port();
        if (keepAlive) {
            throw FabricException.generic("keep-alive option is not supported for passive sockets");
        }
        int last = to == null ? first : to;
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetAddress a : resolve(family, true)) {
            for (int p = first; p <= last; p++) {
                out.add(new InetSocketAddress(a, p));
            }
        }
        if (out.isEmpty()) {
            throw FabricException.generic("Failed to find an available port");
        }
        return out;
    }

    /** The addresses a client tries in order until one connects. */
    List<InetSocketAddress> connectCandidates() {
        Family family = family();
        int p = port();
        return resolve(family, false).stream().map(a -> new InetSocketAddress(a, p)).toList();
    }

    private List<InetAddress> resolve(Family family, boolean passive) {
        String h = host == null ? "" : host;
        if (h.indexOf('[') >= 0) {
            // Brackets belong to the host:port string syntax; getaddrinfo() knows no "[::1]"
            // (QEMU 7.2: connection error). Java's resolver would take it, so refuse it here.
            throw resolutionFailed("Name or service not known");
        }
        if (h.isEmpty()) {
            // getaddrinfo(NULL, ..., AI_PASSIVE) gives the wildcard, IPv4's first.
            List<InetAddress> any = new ArrayList<>();
            if (family != Family.V6) {
                any.add(wildcard4());
            }
            if (family != Family.V4) {
                any.add(wildcard6());
            }
            return passive ? any : any.subList(0, 1);
        }
        boolean literal = NetUtil.isValidIpV4Address(h) || NetUtil.isValidIpV6Address(h);
        if (numeric && !literal) {
            throw resolutionFailed("Name or service not known");
        }
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(h);
        } catch (UnknownHostException e) {
            throw resolutionFailed("Name or service not known");
        }
        List<InetAddress> out = new ArrayList<>();
        for (InetAddress a : all) {
            if (family == Family.ANY || (family == Family.V4) == (a instanceof Inet4Address)) {
                out.add(a);
            }
        }
        if (out.isEmpty()) {
            throw resolutionFailed(literal ? "Address family for hostname not supported"
                    : "No address associated with hostname");
        }
        return out;
    }

    /** The service as glibc's getaddrinfo() reads it: decimal (modulo 65536) or a tcp service name. */
    private int port() {
        if (port != null && !port.isEmpty() && port.chars().allMatch(Character::isDigit)) {
            try {
                return (int) (Long.parseLong(port) & 0xffff);
            } catch (NumberFormatException e) {
                return 0xffff;   // strtoul saturates
            }
        }
        Integer named = port == null ? null : serviceByName(port);
        if (named == null) {
            throw resolutionFailed("Servname not supported for ai_socktype");
        }
        return named;
    }

    private FabricException resolutionFailed(String why) {
        return FabricException.generic("address resolution failed for " + host + ":" + port + ": " + why);
    }

    /** {@code getservbyname(name, "tcp")} from /etc/services: a name or an alias. */
    static Integer serviceByName(String name) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/etc/services"));
        } catch (IOException e) {
            return null;
        }
        for (String line : lines) {
            int hash = line.indexOf('#');
            String[] f = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            if (f.length < 2 || !f[1].endsWith("/tcp")) {
                continue;
            }
            for (int i = 0; i < f.length; i++) {
                if (i != 1 && f[i].equals(name)) {
                    try {
                        return Integer.parseInt(f[1].substring(0, f[1].length() - 4));
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
            }
        }
        return null;
    }

    private static InetAddress wildcard4() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress wildcard6() {
        try {
            return Inet6Address.getByAddress(null, new byte[16], -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
