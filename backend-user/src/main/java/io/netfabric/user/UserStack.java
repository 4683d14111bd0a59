package io.netfabric.user;

import io.netfabric.core.FabricException;
import io.netfabric.user.forward.GuestForwardRule;
import io.netfabric.user.forward.HostForwards;
import io.netfabric.user.ip.Router;
import io.netfabric.user.ip.StackCounters;
import io.netfabric.user.ip.Timed;
import io.netfabric.user.nat.HostIcmp;
import io.netfabric.user.nat.HostTcp;
import io.netfabric.user.nat.HostUdp;
import io.netfabric.user.nat.HostView;
import io.netfabric.user.nat.IcmpEchoNat;
import io.netfabric.user.nat.TcpNat;
import io.netfabric.user.tcp.TcpConnection;
import io.netfabric.user.nat.UdpNat;
import io.netfabric.user.service.DhcpServer;
import io.netfabric.user.service.Dhcpv6Server;
import io.netfabric.user.service.DnsForwarder;
import io.netfabric.user.service.DnsTcpServer;
import io.netfabric.user.service.NcsiResponder;
import io.netfabric.user.service.ResolvConfWatch;
import io.netfabric.user.service.RouterAdvertiser;
import io.netfabric.user.service.TftpServer;
import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.Ipv6Address;
import io.netty.buffer.ByteBuf;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The user-mode network for one netdev, without I/O: the router and the services wired as
 * {@link UserConfig} says. Frames in through {@link #input}, out through the {@link Router.Link};
 * host sockets through {@link HostUdp}. Time is passed in and deadlines reported, so the same
 * object runs under the fabric's loop ({@link UserNetdev}) and under a test's manual clock.
 */
public final class UserStack implements Timed {
    private final UserConfig config;
    private final StackCounters counters = new StackCounters();
    private final Router router;
    private final DhcpServer dhcp;
    private final DnsForwarder dns;
    private final DnsTcpServer dnsTcp;
    private final TftpServer tftp;
    /** Null when IPv6 is off. */
    private final RouterAdvertiser ra;
    private final UdpNat udpNat;
    private final IcmpEchoNat echoNat;
    private final TcpNat tcpNat;
    private final HostForwards hostForwards;
    /** Null in stacks without host TCP. */
    private final HostTcp hostTcp;

    public UserStack(UserConfig c, Router.Link link, HostUdp host, HostIcmp icmp) {
        this(c, link, host, icmp, UdpNat.DEFAULT_MAX_FLOWS);
    }

    public UserStack(UserConfig c, Router.Link link, HostUdp host, HostIcmp icmp, int maxFlows) {
        this(c, link, host, icmp, null, maxFlows, TcpNat.DEFAULT_MAX_FLOWS, TcpConnection.Timers.DEFAULT);
    }

    /**
     * @param icmp host echo sockets, or null for none (echo to outside addresses is then dropped)
     * @param tcp  host TCP sockets; null leaves TCP beyond the built-in services unserved (dropped)
     */
    public UserStack(UserConfig c, Router.Link link, HostUdp host, HostIcmp icmp, HostTcp tcp, int maxFlows,
                     int maxTcpFlows, TcpConnection.Timers tcpTimers) {
        this.config = c;
        this.hostTcp = tcp;
        // The addresses may coincide (libslirp lets ipv6-dns be ipv6-host, or both come out of one
        // prefix, e.g. fec0::1 gives ::3 for each): sets that take duplicates.
        Set<Ipv4Address> own4 = new HashSet<>(List.of(c.host(), c.dns()));
        for (GuestForwardRule g : c.guestfwd()) {
            own4.add(g.server());
        }
        if (c.smb() != null) {
            own4.add(c.smbServer());
        }
        Set<Ipv6Address> own6 = Set.copyOf(List.of(c.host6(), c.dns6(), Router.LINK_LOCAL));
        router = new Router(link, counters, c.net(), c.prefixLen(), c.host(), own4, c.host6(), own6, c.mtu(),
                c.ipv4(), c.ipv6());
        InetAddress host4 = Router.inet(c.host());
        InetAddress dns4 = Router.inet(c.dns());
        InetAddress host6 = Router.inet(c.host6());
        InetAddress dns6 = Router.inet(c.dns6());

        router.setNcsiHandler(new NcsiResponder(router));

        dhcp = new DhcpServer(router, new DhcpServer.Settings(c.net(), c.prefixLen(), c.host(), c.dns(), c.dhcpStart(),
                c.restrict(), c.hostname(), c.domainname(), c.dnssearch(), c.tftpServerName(), c.bootfile(), c.mtu()));
        router.bindUdp(null, 67, dhcp);

        dns = new DnsForwarder(router, host, tcp, c.dnsUpstreams(),
                c.resolvConf() == null ? null : new ResolvConfWatch(c.resolvConf(), UserConfig::resolvConfNameservers),
                host4, host6, c.hostname(), this::guestAddressFor);
        dnsTcp = new DnsTcpServer(router, dns);
        if (!c.restrict()) {
            // restrict=on isolates the guest: libslirp 4.7 forwards no DNS then (udp_input drops
            // everything but DHCP and TFTP, tcp_input resets all but guestfwd), and a forwarded
            // query would carry what the guest puts in it to the host's resolvers and beyond.
            router.bindUdp(dns4, 53, dns);
            router.bindUdp(dns6, 53, dns);
            router.bindTcp(dns4, 53, dnsTcp);
            router.bindTcp(dns6, 53, dnsTcp);
        }
        router.addTimed(dns);
        router.addTimed(dnsTcp);

        if (c.tftpRoot() != null) {
            tftp = new TftpServer(router, Path.of(c.tftpRoot()), c.mtu());
            router.bindUdp(host4, TftpServer.PORT, tftp);
            router.bindUdp(host6, TftpServer.PORT, tftp);
            router.addTimed(tftp);
        } else {
            tftp = null;
        }

        if (c.ipv6()) {
            ra = new RouterAdvertiser(router, c.prefix6(), c.prefix6Len(), c.dns6(), c.mtu(),
                    c.dnssearch(), c.restrict());
            router.setRouterSolicitationHandler(ra);
            router.addTimed(ra);
            router.bindUdp(null, Dhcpv6Server.SERVER_PORT, new Dhcpv6Server(router, c.dns6(), c.dnssearch(), c.restrict(),
                    c.host6(), c.bootfile()));
        } else {
            ra = null;
        }

        Set<InetAddress> virtual = new HashSet<>();
        for (Ipv4Address a : own4) {
            if (!a.equals(c.host())) {
                virtual.add(Router.inet(a));
            }
        }
        virtual.add(dns6);
        HostView view = new HostView(c.net(), c.prefixLen(), c.host(), c.prefix6(), c.prefix6Len(), c.host6());
        udpNat = new UdpNat(router, host, view, virtual, c.restrict(), maxFlows);
        router.setUdpFallback(udpNat);
        router.addTimed(udpNat);
        echoNat = new IcmpEchoNat(router, icmp, c.restrict(), view);
        router.setEchoFallback(echoNat);
        if (!host.reportsErrors()) {
            // No IP_RECVERR (NIO): a raw socket, when the process may open one, sees the errors.
            udpNat.onFirstFlow(ipv6 -> echoNat.watchErrors(udpNat::hostError, ipv6));
        }
        router.addTimed(echoNat);

        if (tcp != null) {
            tcpNat = new TcpNat(router, tcp, view, virtual, c.restrict(), maxTcpFlows, tcpTimers);
            router.setTcpFallback(tcpNat);
            router.addTimed(tcpNat);
            for (GuestForwardRule g : c.guestfwd()) {
                tcpNat.redirect(new InetSocketAddress(Router.inet(g.server()), g.port()), guestForward(g, tcp));
            }
            // libslirp's default guest for a rule without one: the first DHCP address.
            hostForwards = new HostForwards(router, tcpNat, tcp, () -> Router.inet(c.dhcpStart()), System::nanoTime);
            try {
                // QEMU applies the rules last to first (net/slirp.c keeps them prepended).
                for (int i = c.hostfwd().size() - 1; i >= 0; i--) {
                    hostForwards.add(c.hostfwd().get(i));
                }
            } catch (FabricException e) {
                close();
                throw e;
            }
        } else {
            tcpNat = null;
            hostForwards = null;
        }
    }

    /**
     * {@code smb=}: each guest connection to the SMB address on port 139 or 445 starts
     * {@code command} (smbd in inetd mode, {@link SambaServer}) on a socket, as QEMU 7.2's
     * slirp_smb adds two slirp_add_exec rules. No-op without host TCP (the tests' stacks).
     */
    public void serveSmb(String command) {
        if (tcpNat == null || hostTcp == null) {
            return;
        }
        InetAddress server = Router.inet(config.smbServer());
        for (int port : new int[] {139, 445}) {
            tcpNat.redirect(new InetSocketAddress(server, port), forward("cmd:" + command, "smb", hostTcp));
        }
    }

    /**
     * Where a guestfwd rule's connections go: {@code cmd:} a process per connection,
     * {@code tcp:HOST:PORT} a host connection, {@code unix:PATH} a Unix socket connection (the
     * chardev forms a helper process can open; QEMU's other chardev options are not taken).
     */
    private static TcpNat.Redirect guestForward(GuestForwardRule g, HostTcp tcp) {
        return forward(g.target(), "guestfwd " + g.target(), tcp);
    }

    /** A redirect to {@code t} (a guestfwd target's forms), shown as {@code description}. */
    private static TcpNat.Redirect forward(String t, String description, HostTcp tcp) {
        // tcp:HOST:PORT is resolved once, here, as QEMU resolves its chardev when the netdev is
        // made: never per connection on the loop. A host that does not resolve refuses them all.
        InetSocketAddress tcpTarget = t.startsWith("tcp:") ? tcpTarget(t) : null;
        return new TcpNat.Redirect() {
            @Override
            public HostTcp.Stream open(HostTcp.Events events) {
                if (t.startsWith("cmd:")) {
                    return tcp.exec(t.substring(4), events);
                }
                if (t.startsWith("unix:")) {
                    int comma = t.indexOf(',');
                    return tcp.connectUnix(t.substring(5, comma < 0 ? t.length() : comma), events);
                }
                return tcpTarget == null ? null : tcp.connect(tcpTarget, events);
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /** Where a {@code tcp:HOST:PORT} target goes: an empty host is loopback; null if it does not resolve. */
    private static InetSocketAddress tcpTarget(String spec) {
        GuestForwardRule.TcpTarget t = GuestForwardRule.tcpTarget(spec);
        if (t == null) {
            return null;
        }
        try {
            InetAddress a = t.host().isEmpty() ? InetAddress.getLoopbackAddress() : InetAddress.getByName(t.host());
            return new InetSocketAddress(a, t.port());
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /** The live hostfwd rules, or null when the stack has no host TCP. */
    public HostForwards hostForwards() {
        return hostForwards;
    }

    /** The TCP NAT and connection table, or null when the stack has no host TCP. */
    public TcpNat tcpNat() {
        return tcpNat;
    }

    /** The guest's own address for its {@code hostname}: its DHCP lease, else the first lease. */
    private InetAddress guestAddressFor(InetAddress querier) {
        if (!(querier instanceof Inet6Address)) {
            return querier;
        }
        Ipv4Address first = dhcp.firstLease();
        return first == null ? null : Router.inet(first);
    }

    public UserConfig config() {
        return config;
    }

    public Router router() {
        return router;
    }

    public StackCounters counters() {
        return counters;
    }

    public DhcpServer dhcp() {
        return dhcp;
    }

    public DnsForwarder dns() {
        return dns;
    }

    public TftpServer tftp() {
        return tftp;
    }

    /** The ICMP echo NAT (echoes to addresses other than ours). */
    public IcmpEchoNat echoNat() {
        return echoNat;
    }

    public UdpNat udpNat() {
        return udpNat;
    }

    /** One frame from the guest; takes its reference. */
    public void input(ByteBuf frame, long now) {
        heard(now);
        router.input(frame, now);
    }

    /** A TCP segment (TSO or not) or UDP datagram with a partial checksum from the guest's kernel ({@link Router#inputOffloaded}). */
    public void inputOffloaded(ByteBuf frame, long now) {
        heard(now);
        router.inputOffloaded(frame, now);
    }

    private void heard(long now) {
        if (ra != null) {
            ra.heard(now);
        }
    }

    @Override
    public long nextDeadline() {
        return router.nextDeadline();
    }

    @Override
    public void poll(long now) {
        router.poll(now);
    }

    /** Closes host sockets and files. */
    public DnsTcpServer dnsTcp() {
        return dnsTcp;
    }

    public void close() {
        dnsTcp.close();
        dns.close();
        udpNat.close();
        echoNat.close();
        if (hostForwards != null) {
            hostForwards.close();
        }
        if (tcpNat != null) {
            tcpNat.close();
        }
        if (tftp != null) {
            tftp.close();
        }
        router.close();
    }
}
