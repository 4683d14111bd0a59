package io.netfabric.socket;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.DgramOptions;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.options.SocketAddressOptions;
import io.netfabric.core.options.SocketOptions;
import io.netfabric.core.options.StreamOptions;
import io.netfabric.core.spi.NetdevFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Set;

/**
 * The {@code socket}, {@code stream} and {@code dgram} netdevs: QEMU 7.2's option checks in
 * QEMU's order and words ({@code net_init_socket()}, {@code net_init_stream()},
 * {@code net_init_dgram()}), then a {@link StreamNetdev} or {@link DatagramNetdev}.
 */
public final class SocketNetdevFactory implements NetdevFactory {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SocketNetdevFactory.class);

    @Override
    public Set<String> types() {
        return Set.of(SocketOptions.TYPE, StreamOptions.TYPE, DgramOptions.TYPE);
    }

    @Override
    public NetClient create(Fabric fabric, Netdev netdev) {
        if (netdev.options() instanceof SocketOptions s) {
            return socket(fabric, netdev.id(), s);
        }
        if (netdev.options() instanceof StreamOptions s) {
            return stream(fabric, netdev.id(), s);
        }
        return dgram(fabric, netdev.id(), (DgramOptions) netdev.options());
    }

    // ---------------------------------------------------------------- socket (net/socket.c)

    private static NetClient socket(Fabric fabric, String id, SocketOptions o) {
        int modes = count(o.fd()) + count(o.listen()) + count(o.connect()) + count(o.mcast()) + count(o.udp());
        if (modes != 1) {
            throw FabricException.generic("exactly one of listen=, connect=, mcast= or udp= is required");
        }
        if (o.localaddr() != null && o.mcast() == null && o.udp() == null) {
            throw FabricException.generic("localaddr= is only valid with mcast= or udp=");
        }
        if (o.fd() != null) {
            return socketFd(fabric, id, o.fd());
        }
        if (o.listen() != null) {
            return StreamNetdev.listen(fabric, id, StreamNetdev.Kind.SOCKET, HostPort.parse(o.listen()));
        }
        if (o.connect() != null) {
            return StreamNetdev.connect(fabric, id, StreamNetdev.Kind.SOCKET, HostPort.parse(o.connect()), 0);
        }
        if (o.mcast() != null) {
            InetSocketAddress group = HostPort.parse(o.mcast());
            InetAddress local = null;
            if (o.localaddr() != null) {
                Long a = HostPort.inetAton(o.localaddr());
                if (a == null) {
                    throw FabricException.generic("localaddr '" + o.localaddr() + "' is not a valid IPv4 address");
                }
                local = HostPort.ipv4(a);
            }
            checkMulticast(group);
            return DatagramNetdev.multicast(fabric, id, "socket", group, local,
                    "socket: mcast=" + group.getAddress().getHostAddress() + ":" + group.getPort());
        }
        if (o.localaddr() == null) {
            throw FabricException.generic("localaddr= is mandatory with udp=");
        }
        InetSocketAddress local = HostPort.parse(o.localaddr());
        InetSocketAddress remote = HostPort.parse(o.udp());
        return DatagramNetdev.udp(fabric, id, "socket", local, remote,
                "socket: udp=" + remote.getAddress().getHostAddress() + ":" + remote.getPort(),
                "can't bind ip=" + local.getAddress().getHostAddress() + " to socket");
    }

    /**
     * {@code net_socket_fd_init()}: a given socket, by its SO_TYPE. (Its {@code mcast=} "clone" is
     * out of reach in 7.2: fd= and mcast= together fail the exactly-one check above.)
     */
    private static NetClient socketFd(Fabric fabric, String id, String value) {
        int fd = InheritedSocket.take(fabric, id, value);
        InheritedSocket s = InheritedSocket.probe(fd, "can't get socket option SO_TYPE", false);
        if (s.type() == InheritedSocket.SOCK_DGRAM) {
            s.checkFamily();
            return wrapped(fd, () -> DatagramNetdev.inherited(fabric, id, "socket", s,
                    "socket: fd=" + fd + " " + s.addressType()));
        }
        if (s.type() == InheritedSocket.SOCK_STREAM) {
            s.checkFamily();
            return wrapped(fd, () -> StreamNetdev.inherited(fabric, id, StreamNetdev.Kind.SOCKET, s, "socket: fd=" + fd));
        }
        InheritedSocket.close(fd);
        throw FabricException.generic("socket type=" + s.type() + " for fd=" + fd
                + " must be either SOCK_DGRAM or SOCK_STREAM");
    }

    /** A Netty channel that cannot take the descriptor leaves it closed and says why. */
    private static NetClient wrapped(int fd, java.util.function.Supplier<NetClient> create) {
        try {
            return create.get();
        } catch (FabricException e) {
            throw e;
        } catch (RuntimeException e) {
            InheritedSocket.close(fd);
            throw FabricException.generic("can't use fd=" + fd + ": " + OsErrors.strerror(e));
        }
    }

    private static int count(String s) {
        return s == null ? 0 : 1;
    }

    /** {@code net_socket_mcast_create()}: the group must be in 224.0.0.0/4. */
    private static void checkMulticast(InetSocketAddress group) {
        byte[] b = group.getAddress().getAddress();
        long a = ((b[0] & 0xffL) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        if ((a & 0xf0000000L) != 0xe0000000L) {
            throw FabricException.generic("specified mcastaddr " + group.getAddress().getHostAddress()
                    + " (0x" + String.format("%08x", a) + ") does not contain a multicast address");
        }
    }

    // ---------------------------------------------------------------- stream (net/stream.c)

    private static NetClient stream(Fabric fabric, String id, StreamOptions o) {
        boolean server = Boolean.TRUE.equals(o.server());
        long reconnect = o.reconnect() == null ? 0 : o.reconnect();
        if (server && o.reconnect() != null) {
            // QEMU 8.0, where reconnect comes from.
            throw FabricException.generic("'reconnect' option is incompatible with socket in server mode");
        }
        if (o.addr() instanceof SocketAddressOptions.Fd f) {
            return streamFd(fabric, id, f.str(), server);
        }
        if (o.addr() instanceof SocketAddressOptions.Inet in) {
            InetEndpoint endpoint = new InetEndpoint(in);
            return server ? StreamNetdev.listen(fabric, id, endpoint) : StreamNetdev.connect(fabric, id, endpoint, reconnect);
        }
        SocketAddress addr = streamAddress(fabric, o.addr());
        return server ? StreamNetdev.listen(fabric, id, StreamNetdev.Kind.STREAM, addr)
                      : StreamNetdev.connect(fabric, id, StreamNetdev.Kind.STREAM, addr, reconnect);
    }

    /**
     * {@code stream} with {@code addr.type=fd}: a connected socket (client) or one to accept on
     * (server). 7.2 takes the descriptor in its asynchronous connect/listen, so a bad one is no
     * error: the netdev is created with the info {@code connection error}, as here.
     */
    private static NetClient streamFd(Fabric fabric, String id, String value, boolean server) {
        InheritedSocket s;
        try {
            int fd = InheritedSocket.take(fabric, id, value);
            s = InheritedSocket.probe(fd, "File descriptor '" + value + "' is not a socket", false);
            s.checkType(InheritedSocket.SOCK_STREAM, "stream");
            s.checkFamily();
        } catch (FabricException e) {
            // take()'s messages carry the id already (they are QEMU's errors for socket/dgram)
            String m = e.getMessage();
            log.warn("{}", m.startsWith(id + ": ") ? m : id + ": " + m);
            return StreamNetdev.failed(fabric, id);
        }
        return wrapped(s.fd(), () -> server ? StreamNetdev.inheritedListener(fabric, id, s)
                : StreamNetdev.inherited(fabric, id, StreamNetdev.Kind.STREAM, s, ""));
    }

    private static SocketAddress streamAddress(Fabric fabric, SocketAddressOptions a) {
        if (a instanceof SocketAddressOptions.Unix u) {
            checkUnixPath(u.path());
            if (Boolean.TRUE.equals(u.isAbstract())) {
                return UnixPaths.abstractAddress(fabric.transport(), u.path(), !Boolean.FALSE.equals(u.tight()));
            }
            return UnixPaths.address(fabric.transport(), u.path());
        }
        throw FabricException.generic("addr.type=fd is not supported by this build of the stream netdev");
    }

    private static void checkUnixPath(String path) {
        if (path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= UnixPaths.MAX_PATH) {
            throw FabricException.generic("UNIX socket path '" + path + "' is too long");
        }
    }

    // ---------------------------------------------------------------- dgram (net/dgram.c)

    private static NetClient dgram(Fabric fabric, String id, DgramOptions o) {
        SocketAddressOptions remote = o.remote();
        SocketAddressOptions local = o.local();
        if (remote instanceof SocketAddressOptions.Inet r) {
            InetSocketAddress group = HostPort.of(r.host(), r.port());
            if (group.getAddress().isMulticastAddress()) {
                return dgramMulticast(fabric, id, group, local);
            }
        }
        if (local == null) {
            throw FabricException.generic("dgram requires local= parameter");
        }
        if (remote != null) {
            if (local instanceof SocketAddressOptions.Fd) {
                throw FabricException.generic("don't set remote with local.fd");
            }
            if (!remote.type().equals(local.type())) {
                throw FabricException.generic("remote and local types must be the same");
            }
        } else if (!(local instanceof SocketAddressOptions.Fd)) {
            throw FabricException.generic("type=inet or type=unix requires remote parameter");
        }
        if (local instanceof SocketAddressOptions.Inet l) {
            SocketAddressOptions.Inet r = (SocketAddressOptions.Inet) remote;
            InetSocketAddress la = HostPort.of(l.host(), l.port());
            InetSocketAddress ra = HostPort.of(r.host(), r.port());
            return DatagramNetdev.udp(fabric, id, "dgram", la, ra,
                    "udp=" + la.getAddress().getHostAddress() + ":" + la.getPort() + "/"
                            + ra.getAddress().getHostAddress() + ":" + ra.getPort(),
                    "can't bind ip=" + la.getAddress().getHostAddress() + " to socket");
        }
        if (local instanceof SocketAddressOptions.Unix l) {
            SocketAddressOptions.Unix r = (SocketAddressOptions.Unix) remote;
            checkUnixPath(l.path());
            checkUnixPath(r.path());
            return DatagramNetdev.unix(fabric, id, l.path(), r.path());
        }
        return dgramFd(fabric, id, ((SocketAddressOptions.Fd) local).str());
    }

    /** {@code net_dgram_init()} with a local fd: a datagram socket, sent on with send(). */
    private static NetClient dgramFd(Fabric fabric, String id, String value) {
        int fd = InheritedSocket.take(fabric, id, value);
        // socket_local_address(): getsockname on something that is no socket.
        InheritedSocket s = InheritedSocket.probe(fd, "Unable to query local socket address", true);
        s.checkFamily();
        s.checkType(InheritedSocket.SOCK_DGRAM, "dgram");
        return wrapped(fd, () -> DatagramNetdev.inherited(fabric, id, "dgram", s, "fd=" + fd + " " + s.addressType()));
    }

    /** {@code net_dgram_mcast_init()} (whose model string is "dram", sic; info shows the type, dgram). */
    private static NetClient dgramMulticast(Fabric fabric, String id, InetSocketAddress group, SocketAddressOptions local) {
        InetAddress localAddr = null;
        if (local instanceof SocketAddressOptions.Inet l) {
            Long a = HostPort.inetAton(l.host());
            if (a == null) {
                throw FabricException.generic("localaddr '" + l.host() + "' is not a valid IPv4 address");
            }
            localAddr = HostPort.ipv4(a);
        } else if (local instanceof SocketAddressOptions.Fd f) {
            // net_dgram_mcast_init() 7.2 reads the fd branch's union as inet, so its port is NULL:
            // after the descriptor is taken, every fd "clone" fails with this message.
            int fd = InheritedSocket.take(fabric, id, f.str());
            InheritedSocket.close(fd);
            throw FabricException.generic("port number '(null)' is invalid");
        } else if (local != null) {
            throw FabricException.generic("only support inet or fd type for local");
        }
        return DatagramNetdev.multicast(fabric, id, "dgram", group, localAddr,
                "mcast=" + group.getAddress().getHostAddress() + ":" + group.getPort());
    }
}
