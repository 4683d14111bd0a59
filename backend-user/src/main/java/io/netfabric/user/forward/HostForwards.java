package io.netfabric.user.forward;

import io.netfabric.core.FabricException;
import io.netfabric.user.ip.Router;
import io.netfabric.user.ip.UdpDatagram;
import io.netfabric.user.nat.HostTcp;
import io.netfabric.user.nat.HostUdp;
import io.netfabric.user.nat.TcpNat;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The live {@code hostfwd} rules: a host listener (TCP) or bound socket (UDP) per rule. An
 * accepted TCP client becomes a connection the stack opens towards the guest
 * ({@link TcpNat#openToGuest}); a UDP datagram goes to the guest from the client's address as the
 * guest sees it, and the guest's answers from the forwarded port go back through the same
 * socket. The guest sees a loopback client as the host address and any other client as
 * itself (libslirp tcp_connect / sorecvfrom).
 */
public final class HostForwards {
    /** One rule, for the query. */
    /** @param fd the listener's or bound socket's descriptor (-1: none), for {@code info usernet} */
    public record Info(String rule, String protocol, InetSocketAddress host, InetSocketAddress guest, int fd) {
    }

    private final class Live {
        final HostForward rule;
        final InetSocketAddress guest;
        HostTcp.Listener listener;
        HostUdp.Socket udp;
        /** UDP: the guest-side (address, port) the replies go to, per client. */
        final Map<InetSocketAddress, InetSocketAddress> clients = new HashMap<>();

        Live(HostForward rule, InetSocketAddress guest) {
            this.rule = rule;
            this.guest = guest;
        }

        /** The port bound (libslirp's hostfwd_remove matches getsockname(), so a port-0 rule by the port it got). */
        int port() {
            return listener != null ? listener.localAddress().getPort() : udp.localPort();
        }

        void close() {
            if (listener != null) {
                listener.close();
            }
            if (udp != null) {
                udp.close();
            }
            for (InetSocketAddress seen : clients.keySet()) {
                router.unbindUdp(seen.getAddress(), seen.getPort());
            }
        }
    }

    private final Router router;
    private final TcpNat nat;
    private final HostTcp host;
    private final Supplier<InetAddress> defaultGuest;
    private final LongSupplier clock;
    private final Map<String, Live> rules = new LinkedHashMap<>();

    /** @param defaultGuest the guest address for rules that name none (the first DHCP address) */
    public HostForwards(Router router, TcpNat nat, HostTcp host, Supplier<InetAddress> defaultGuest, LongSupplier clock) {
        this.router = router;
        this.nat = nat;
        this.host = host;
        this.defaultGuest = defaultGuest;
        this.clock = clock;
    }

    /** Parses and starts {@code spec}; QEMU's messages on failure. */
    public HostForward add(String spec) {
        HostForward f = HostForward.parse(spec);
        add(f);
        return f;
    }

    public void add(HostForward f) {
        // A second rule on a forwarded port is refused as libslirp's bind refuses it; port 0 never collides.
        if (f.hostPort() != 0 && rules.containsKey(f.key())) {
            throw refused(f);
        }
        InetAddress g = f.guestAddr() != null ? f.guestAddr() : defaultGuest.get();
        Live live = new Live(f, new InetSocketAddress(g, f.guestPort()));
        InetSocketAddress local = new InetSocketAddress(f.hostAddr(), f.hostPort());
        try {
            if (f.udp()) {
                live.udp = host.bindUdp(local, (payload, from, now) -> udpFromClient(live, payload, from));
            } else {
                live.listener = host.listen(local, (stream, client, now) ->
                        nat.openToGuest(guestView(client, live.guest.getAddress()), live.guest, stream,
                                "hostfwd " + f.text() + " from " + client, live.listener.localAddress(), now));
            }
        } catch (IOException e) {
            // libslirp's refusal (port busy, address not ours): net/slirp.c's message.
            throw refused(f);
        }
        rules.put(HostForward.key(f.udp(), f.hostAddr(), live.port()), live);
    }

    private static FabricException refused(HostForward f) {
        return FabricException.generic("Could not set up host forwarding rule '" + f.text() + "'");
    }

    /** The client as the guest sees it, in the guest address's family (the host address when they differ). */
    private InetSocketAddress guestView(InetSocketAddress client, InetAddress guestAddr) {
        InetAddress a = nat.toGuestView(client.getAddress());
        boolean v6 = guestAddr instanceof Inet6Address;
        if ((a instanceof Inet6Address) != v6) {
            a = v6 ? nat.toGuestView(Router.inet(io.netfabric.wire.Ipv6Address.of(0, 1)))
                    : nat.toGuestView(InetAddress.getLoopbackAddress());
        }
        return new InetSocketAddress(a, client.getPort());
    }

    private void udpFromClient(Live live, ByteBuf payload, InetSocketAddress client) {
        InetSocketAddress seen = guestView(client, live.guest.getAddress());
        if (live.clients.put(seen, client) == null) {
            // The guest's answers to this client come back to the router at `seen`: send them out.
            router.bindUdp(seen.getAddress(), seen.getPort(), (UdpDatagram d, long now) -> {
                if (!d.src().equals(live.guest)) {
                    return false;
                }
                InetSocketAddress to = live.clients.get(seen);
                ByteBuf copy = router.alloc().buffer(d.payloadLength());
                copy.writeBytes(d.buf(), d.payloadOffset(), d.payloadLength());
                live.udp.send(copy, to);
                return true;
            });
        }
        router.sendUdp(seen, live.guest, payload, payload.readerIndex(), payload.readableBytes());
    }

    /**
     * HMP's {@code hostfwd_remove [tcp|udp]:[hostaddr]:hostport} (net/slirp.c
     * hmp_hostfwd_remove): answers the monitor's line, "host forwarding rule for S removed",
     * "... not found", or "invalid format".
     */
    public String remove(String given) {
        String spec = Fields.buffered(given);
        String key = HostForward.removalKey(spec);
        if (key == null) {
            return "invalid format";
        }
        Live l = rules.remove(key);
        if (l == null) {
            return "host forwarding rule for " + spec + " not found";
        }
        l.close();
        return "host forwarding rule for " + spec + " removed";
    }

    public List<Info> list() {
        List<Info> out = new ArrayList<>();
        for (Live l : rules.values()) {
            InetSocketAddress h = l.listener != null ? l.listener.localAddress()
                    : new InetSocketAddress(l.rule.hostAddr(), l.port());
            out.add(new Info(l.rule.text(), l.rule.udp() ? "udp" : "tcp", h, l.guest,
                    l.listener != null ? l.listener.fd() : l.udp.fd()));
        }
        return out;
    }

    /** Closes every listener (netdev_del). */
    public void close() {
        for (Live l : rules.values()) {
            l.close();
        }
        rules.clear();
    }
}
