package io.netfabric.user;

import io.netfabric.core.FabricException;
import io.netfabric.core.options.UserOptions;
import io.netfabric.user.forward.CText;
import io.netfabric.user.forward.GuestForwardRule;
import io.netfabric.user.forward.HostForward;
import io.netfabric.user.service.DomainSearch;
import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.Ipv6Address;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user netdev's settings with QEMU's defaults filled in and QEMU's checks made, in the order
 * QEMU 7.2 makes them (net/slirp.c {@code net_init_slirp()} and {@code net_slirp_init()}), so that
 * an input wrong twice gets QEMU's first message.
 *
 * @param mtu          netfabric extension: link MTU, 68-65521 (default 1500)
 * @param dnsUpstreams netfabric extension: resolvers for the DNS forwarder, tried in order
 * @param resolvConf   the file {@code dnsUpstreams} came from and the forwarder follows (libslirp
 *                     re-reads it when it changes); null when {@code dns-upstream} gave them
 */
public record UserConfig(
        boolean ipv4, boolean ipv6, boolean restrict,
        Ipv4Address net, int prefixLen, Ipv4Address host, Ipv4Address dns, Ipv4Address dhcpStart,
        Ipv6Address prefix6, int prefix6Len, Ipv6Address host6, Ipv6Address dns6,
        String hostname, String tftpRoot, String bootfile, List<String> dnssearch, String domainname,
        String tftpServerName, String smb, Ipv4Address smbServer,
        List<HostForward> hostfwd, List<GuestForwardRule> guestfwd,
        int mtu, List<InetSocketAddress> dnsUpstreams, Path resolvConf) {

    private static final Logger log = LoggerFactory.getLogger(UserConfig.class);
    public static final int MIN_MTU = 68;
    /** slirp4netns's limit, the largest IPv4 datagram an Ethernet-framed 64 KiB buffer takes. */
    public static final int MAX_MTU = 65521;
    public static final int DEFAULT_MTU = 1500;
    /** net/slirp.c's {@code vprefix6} when {@code ipv6-prefix} is not given. */
    private static final String DEFAULT_PREFIX6 = "fec0::";

    /** QEMU's defaults: what {@code -netdev user,id=x} gets. */
    public static UserConfig defaults() {
        return from(new UserOptions(null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null), Path.of("/etc/resolv.conf"));
    }

    /**
     * libslirp's {@code translate_dnssearch()}: a name it cannot encode is left out, with its
     * g_warning (whose own newline makes QEMU print an empty line after it).
     */
    private static List<String> searchList(List<String> given, Consumer<String> warnings) {
        if (given == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (String n : given) {
            if (DomainSearch.parses(n)) {
                names.add(n);
            } else {
                warnings.accept("Slirp: failed to parse domain name '" + n + "'\n");
            }
        }
        return List.copyOf(names);
    }

    public int netmask() {
        return Ipv4Address.netmask(prefixLen);
    }

    /**
     * Whether {@code smbserver} can take smbd's two forwards: QEMU 7.2's {@code slirp_smb()} adds
     * them with {@code slirp_add_exec()} for ports 139 and 445, after the guestfwd rules.
     */
    public boolean smbServerUsable() {
        return GuestForwardRule.usable(smbServer, 139, net, netmask(), host, dns, guestfwd)
                && GuestForwardRule.usable(smbServer, 445, net, netmask(), host, dns, guestfwd);
    }

    /**
     * What {@code query-netdev} shows for a netdev made from {@code given} (QEMU 6.0-rc's
     * {@code net_slirp_init()} stored config, reference §10): {@code restrict}, {@code ipv4} and
     * {@code ipv6} always; with IPv4 the network as address/dotted mask, the host and the DNS
     * address in effect; with IPv6 the prefix as given (or {@code fec0::}), its length, host and
     * DNS address in effect; the other members as given ({@code ip} folds into {@code net}).
     */
    public UserOptions stored(UserOptions given) {
        return new UserOptions(given.hostname(), restrict, ipv4, ipv6, null,
                ipv4 ? net + "/" + Ipv4Address.fromInt(netmask()) : null,
                ipv4 ? host.toString() : null, given.tftp(), given.bootfile(), given.dhcpstart(),
                ipv4 ? dns.toString() : null, given.dnssearch(), given.domainname(),
                ipv6 ? (given.ipv6Prefix() != null ? given.ipv6Prefix() : DEFAULT_PREFIX6) : null,
                ipv6 ? Long.valueOf(prefix6Len) : null, ipv6 ? host6.toString() : null, ipv6 ? dns6.toString() : null,
                given.smb(), given.smbserver(), given.hostfwd(), given.guestfwd(), given.tftpServerName(),
                given.mtu(), given.dnsUpstream());
    }

    /** Checks {@code o} as QEMU does and fills in the defaults; throws QEMU's message; warnings to the log. */
    public static UserConfig from(UserOptions o, Path resolvConf) {
        return from(o, resolvConf, w -> log.warn("{}", w.strip()));
    }

    /** {@link #from(UserOptions, Path)} with libslirp's warnings to {@code warnings}. */
    public static UserConfig from(UserOptions o, Path resolvConf, Consumer<String> warnings) {
        // net_init_slirp(): an explicit "on" for one family alone turns the other off.
        boolean ipv4 = o.ipv4() == null || o.ipv4();
        boolean ipv6 = o.ipv6() == null || o.ipv6();
        if (o.ipv6() != null && o.ipv6() && o.ipv4() == null) {
            ipv4 = false;
        }
        if (o.ipv4() != null && o.ipv4() && o.ipv6() == null) {
            ipv6 = false;
        }
        String vnet = o.net() != null ? o.net() : o.ip() != null ? o.ip() + "/24" : null;
        boolean restrict = Boolean.TRUE.equals(o.restrict());
        List<HostForward> hostfwd = new ArrayList<>();
        List<GuestForwardRule> guestfwd = new ArrayList<>();

        // net_slirp_init()
        if (!ipv4 && (vnet != null || o.host() != null || o.dns() != null)) {
            throw err("IPv4 disabled but netmask/host/dns provided");
        }
        if (!ipv6 && (o.ipv6Prefix() != null || o.ipv6Host() != null || o.ipv6Dns() != null)) {
            throw err("IPv6 disabled but prefix/host6/dns6 provided");
        }
        if (!ipv4 && !ipv6) {
            throw err("IPv4 and IPv6 disabled");
        }
        int net = 0x0A000200;
        int mask = 0xFFFFFF00;
        int host = 0x0A000202;
        int dhcp = 0x0A00020F;
        int dns = 0x0A000203;
        if (vnet != null) {
            int slash = vnet.indexOf('/');
            if (slash < 0) {
                Integer a = CText.inetAton(vnet);
                if (a == null) {
                    throw err("Failed to parse netmask");
                }
                net = a;
                mask = classfulMask(a);
            } else {
                Integer a = CText.inetAton(vnet.substring(0, slash));
                if (a == null) {
                    throw err("Failed to parse netmask");
                }
                net = a;
                String m = vnet.substring(slash + 1);
                CText.Strtol shift = CText.strtol(m, 10);
                if (shift.end() != m.length()) {
                    Integer dotted = CText.inetAton(m);
                    if (dotted == null) {
                        throw err("Failed to parse netmask (trailing chars)");
                    }
                    mask = dotted;
                } else if ((int) shift.value() < 4 || (int) shift.value() > 32) {
                    // net_init_slirp() keeps strtol's long in an int: /4294967304 is /8 in QEMU 7.2
                    // (checked against its binary), LONG_MAX narrows to -1 and is refused.
                    throw err("Invalid netmask provided (must be in range 4-32)");
                } else {
                    mask = (int) (0xFFFF_FFFFL << (32 - (int) shift.value()));
                }
            }
            net &= mask;
            host = net | (0x0202 & ~mask);
            dhcp = net | (0x020F & ~mask);
            dns = net | (0x0203 & ~mask);
        }
        if (o.host() != null) {
            Integer a = CText.inetAton(o.host());
            if (a == null) {
                throw err("Failed to parse host");
            }
            host = a;
        }
        if ((host & mask) != net) {
            throw err("Host doesn't belong to network");
        }
        if (o.dns() != null) {
            Integer a = CText.inetAton(o.dns());
            if (a == null) {
                throw err("Failed to parse DNS");
            }
            dns = a;
        }
        if (restrict && (dns & mask) != net) {
            throw err("DNS doesn't belong to network");
        }
        if (dns == host) {
            throw err("DNS must be different from host");
        }
        if (o.dhcpstart() != null) {
            Integer a = CText.inetAton(o.dhcpstart());
            if (a == null) {
                throw err("Failed to parse DHCP start address");
            }
            dhcp = a;
        }
        if ((dhcp & mask) != net) {
            throw err("DHCP doesn't belong to network");
        }
        if (dhcp == host || dhcp == dns) {
            throw err("DHCP must be different from host and DNS");
        }
        // libslirp's default SMB/guestfwd address: net | 0.0.2.4 (slirp.c, vserver_addr).
        int smbServer = net | (0x0204 & ~mask);
        if (o.smbserver() != null) {
            Integer a = CText.inetAton(o.smbserver());
            if (a == null) {
                throw err("Failed to parse SMB address");
            }
            smbServer = a;
        }
        String vprefix6 = o.ipv6Prefix() != null ? o.ipv6Prefix() : DEFAULT_PREFIX6;
        byte[] prefix6 = CText.inetPton6(vprefix6);
        if (prefix6 == null) {
            throw err("Failed to parse IPv6 prefix");
        }
        long plen = o.ipv6Prefixlen() == null || o.ipv6Prefixlen() == 0 ? 64 : o.ipv6Prefixlen();
        if (plen < 0 || plen > 126) {
            throw err("Invalid IPv6 prefix provided (IPv6 prefix length must be between 0 and 126)");
        }
        Ipv6Address p6 = Ipv6Address.fromBytes(prefix6);
        Ipv6Address host6;
        if (o.ipv6Host() != null) {
            byte[] h = CText.inetPton6(o.ipv6Host());
            if (h == null) {
                throw err("Failed to parse IPv6 host");
            }
            host6 = Ipv6Address.fromBytes(h);
            if (!host6.inSubnet(p6, (int) plen)) {
                throw err("IPv6 Host doesn't belong to network");
            }
        } else {
            prefix6[15] |= 2;
            host6 = Ipv6Address.fromBytes(prefix6);
            prefix6[15] = p6.toBytes()[15];
        }
        Ipv6Address dns6;
        if (o.ipv6Dns() != null) {
            byte[] d = CText.inetPton6(o.ipv6Dns());
            if (d == null) {
                throw err("Failed to parse IPv6 DNS");
            }
            dns6 = Ipv6Address.fromBytes(d);
            if (restrict && !dns6.inSubnet(p6, (int) plen)) {
                throw err("IPv6 DNS doesn't belong to network");
            }
        } else {
            prefix6[15] |= 3;
            dns6 = Ipv6Address.fromBytes(prefix6);
        }
        if (o.domainname() != null && o.domainname().isEmpty()) {
            throw err("'domainname' parameter cannot be empty");
        }
        if (o.domainname() != null && utf8Length(o.domainname()) > 255) {
            throw err("'domainname' parameter cannot exceed 255 bytes");
        }
        if (o.hostname() != null && utf8Length(o.hostname()) > 255) {
            throw err("'vhostname' parameter cannot exceed 255 bytes");
        }
        if (o.tftpServerName() != null && utf8Length(o.tftpServerName()) > 255) {
            throw err("'tftp-server-name' parameter cannot exceed 255 bytes");
        }
        // Extensions, checked after everything QEMU checks.
        int mtu = DEFAULT_MTU;
        if (o.mtu() != null) {
            if (o.mtu() < MIN_MTU || o.mtu() > MAX_MTU) {
                throw err("Parameter 'mtu' expects a value between " + MIN_MTU + " and " + MAX_MTU);
            }
            mtu = o.mtu().intValue();
        }
        List<InetSocketAddress> upstreams = new ArrayList<>();
        if (o.dnsUpstream() != null && !o.dnsUpstream().isEmpty()) {
            for (String u : o.dnsUpstream()) {
                upstreams.add(parseUpstream(u));
            }
        } else {
            upstreams.addAll(resolvConfNameservers(resolvConf));
        }
        Ipv4Address netA = Ipv4Address.fromInt(net);
        Ipv4Address hostA = Ipv4Address.fromInt(host);
        Ipv4Address dnsA = Ipv4Address.fromInt(dns);
        // The forwarding rules, checked in QEMU 7.2's order: net_init_slirp_configs() prepends each
        // rule to one list, hostfwd first, so guestfwd rules are applied last to first, then hostfwd
        // rules last to first (checked against the 7.2 binary: of two bad rules the later one is
        // named, a bad guestfwd before any hostfwd). The lists keep the command line's order.
        if (o.guestfwd() != null) {
            List<GuestForwardRule> applied = new ArrayList<>();
            for (int i = o.guestfwd().size() - 1; i >= 0; i--) {
                applied.add(GuestForwardRule.parse(o.guestfwd().get(i), netA, mask, hostA, dnsA,
                        Ipv4Address.fromInt(smbServer), applied));
            }
            java.util.Collections.reverse(applied);
            guestfwd.addAll(applied);
        }
        if (o.hostfwd() != null) {
            HostForward[] parsed = new HostForward[o.hostfwd().size()];
            for (int i = parsed.length - 1; i >= 0; i--) {
                parsed[i] = HostForward.parse(o.hostfwd().get(i));   // QEMU's syntax plus bracketed IPv6
            }
            hostfwd.addAll(List.of(parsed));
        }
        int prefixLen = prefixOf(mask);
        return new UserConfig(ipv4, ipv6, restrict, netA, prefixLen, hostA, dnsA,
                Ipv4Address.fromInt(dhcp), p6, (int) plen, host6, dns6, o.hostname(), o.tftp(), o.bootfile(),
                searchList(o.dnssearch(), warnings), o.domainname(), o.tftpServerName(), o.smb(),
                Ipv4Address.fromInt(smbServer), List.copyOf(hostfwd), List.copyOf(guestfwd), mtu, List.copyOf(upstreams),
                o.dnsUpstream() != null && !o.dnsUpstream().isEmpty() ? null : resolvConf);
    }

    /** The number of leading ones; a non-contiguous dotted mask counts its leading ones too. */
    private static int prefixOf(int mask) {
        return Integer.numberOfLeadingZeros(~mask);
    }

    /** net/slirp.c: the mask guessed for a {@code net=} without one (see the reference, §7.1). */
    private static int classfulMask(int addr) {
        if ((addr & 0x80000000) == 0) {
            return 0xFF000000;
        } else if ((addr & 0xFFF00000) == 0xAC100000) {
            return 0xFFF00000;
        } else if ((addr & 0xC0000000) == 0x80000000) {
            return 0xFFFF0000;
        } else if ((addr & 0xFFFF0000) == 0xC0A80000) {
            return 0xFFFF0000;
        } else if ((addr & 0xFFFF0000) == 0xC6120000) {
            return 0xFFFE0000;
        } else if ((addr & 0xE0000000) == 0xE0000000) {
            return 0xFFFFFF00;
        }
        return 0xFFFFFFF0;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** {@code ADDR}, {@code ADDR:PORT}, {@code [ADDR6]:PORT} or a bare IPv6 address; port 53 by default. */
    static InetSocketAddress parseUpstream(String s) {
        String addr = s;
        int port = 53;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw badUpstream(s);
            }
            addr = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw badUpstream(s);
                }
                port = upstreamPort(s, rest.substring(1));
            }
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            addr = s.substring(0, s.indexOf(':'));
            port = upstreamPort(s, s.substring(s.indexOf(':') + 1));
        }
        try {
            byte[] bytes;
            if (addr.indexOf(':') >= 0) {
                bytes = CText.inetPton6(addr);
            } else {
                Ipv4Address v4 = parseDottedQuad(addr);
                bytes = v4 == null ? null : v4.toBytes();
            }
            if (bytes == null) {
                throw badUpstream(s);
            }
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (UnknownHostException e) {
            throw badUpstream(s);
        }
    }

    private static Ipv4Address parseDottedQuad(String s) {
        try {
            return Ipv4Address.parse(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int upstreamPort(String whole, String p) {
        Integer port = CText.strtoiWhole(p, 10);
        if (port == null || port < 1 || port > 65535) {
            throw badUpstream(whole);
        }
        return port;
    }

    private static FabricException badUpstream(String s) {
        return err("Parameter 'dns-upstream' expects ADDR[:PORT] with a numeric address, not '" + s + "'");
    }

    /**
     * The {@code nameserver} lines of resolv.conf (resolv.conf(5)); an unreadable or empty file
     * gives the loopback resolver, as libslirp 4.7 does.
     */
    static List<InetSocketAddress> resolvConfNameservers(Path file) {
        List<InetSocketAddress> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 2 && f[0].equals("nameserver")) {
                    String a = f[1];
                    int zone = a.indexOf('%');
                    if (zone >= 0) {
                        a = a.substring(0, zone);
                    }
                    try {
                        out.add(parseUpstream(a.indexOf(':') >= 0 ? "[" + a + "]" : a));
                    } catch (FabricException ignored) {
                        // resolv.conf lines we cannot read are skipped, as the C resolver does
                    }
                }
            }
        } catch (IOException ignored) {
            // no resolv.conf: fall through to loopback
        }
        if (out.isEmpty()) {
            out.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53));
        }
        return out;
    }

    static FabricException err(String message) {
        return FabricException.generic(message);
    }
}
