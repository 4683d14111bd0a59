package io.netfabric.socket;

import io.netfabric.core.CoalescedFlush;
import io.netfabric.core.DropReason;
import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.SameHostCongestion;
import io.netfabric.core.SentCallback;
import io.netfabric.core.Transport;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.options.SocketOptions;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.unix.UnixChannel;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A netdev over one stream connection at a time, TCP or unix: {@code socket,listen=}/
 * {@code connect=} (net/socket.c) and {@code stream} (net/stream.c). Each frame travels as a
 * 4-byte big-endian length and the frame (§3.1), cut by {@link StreamFrameDecoder} (QEMU's
 * {@code net_fill_rstate}) and framed by Netty's {@link LengthFieldPrepender}.
 *
 * <h2>Theory of operation</h2>
 * <pre>
 *  peer (hub port) --receive()--> [write, no flush] --one flush per loop turn--> connection
 *  connection --decoder--> frame --sendAsync(frame, resume)--> peer
 * </pre>
 * <ul>
 * <li>A server serves one client at a time, as QEMU's listener does: after an accept the
 *     listening channel stops reading, so further clients wait in the kernel's backlog (or in
 *     ours, unregistered, if one slipped through), and the next is served when the current one
 *     goes. More than 69632 bytes of one frame close that connection with QEMU's message; the
 *     netdev stays.</li>
 * <li>Back-pressure both ways (§1.4): when the connection is not writable, {@link #receive}
 *     answers 0 and the fabric queues; writability calls {@link #flushQueued()}. When the peer
 *     is busy ({@code sendAsync} answers 0) the connection stops reading until the callback.</li>
 * <li>Writes are flushed once per event-loop turn, so a burst of frames from a hub costs one
 *     {@code writev}.</li>
 * <li>{@code socket} in connect mode is "up" from the start: frames wait until the connection
 *     completes; it never reconnects. {@code stream} is down until connected, raises
 *     {@code NETDEV_STREAM_CONNECTED}/{@code _DISCONNECTED}, and a client with
 *     {@code reconnect=N} tries again N seconds after a failure or a disconnect.</li>
 * </ul>
 * Everything runs on the fabric's event loop.
 */
final class StreamNetdev extends NetClient {
    private static final Logger log = LoggerFactory.getLogger(StreamNetdev.class);

    /** QEMU's oversize message (net/socket.c, net/stream.c), printed as it prints it. */
    static final String OVERSIZE_MESSAGE = "serious error: oversized packet received,connection terminated.";

    /** Which QEMU netdev this is: the info strings and events differ. */
    enum Kind { SOCKET, STREAM }

    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final Fabric owner;
    private final Kind kind;
    /** Where to listen or connect; null for a socket that was given ({@code fd=}). */
    private SocketAddress address;
    /** A {@code stream} inet address, resolved at each listen or connect attempt; else null. */
    private final InetEndpoint endpoint;
    private final boolean unix;
    /** A given descriptor's family is IPv6 (an address of our own says its family itself). */
    private boolean inheritedV6;
    private final boolean serverMode;
    private final long reconnectSeconds;
    private final SentCallback resume = (sender, result) -> resumeReading();
    private final ArrayDeque<Channel> waiting = new ArrayDeque<>();

    private Channel listener;
    /** The connection frames go to: connected, or (socket connect mode) still connecting. */
    private Channel conn;
    /** The descriptor {@code query-netdev} shows for {@code socket}: the last connection's, -1 before one. */
    private int storedFd = -1;
    private String info = "";
    private final CoalescedFlush flush;
    private boolean closed;
    /** A connect or lookup failure was logged at WARN since the last connection. */
    private boolean failureLogged;
    private ScheduledFuture<?> reconnectTimer;

    private StreamNetdev(Fabric owner, String name, Kind kind, SocketAddress address, boolean serverMode,
                         long reconnectSeconds) {
        this(owner, name, kind, address, null, !(address instanceof InetSocketAddress), serverMode, reconnectSeconds);
    }

    private StreamNetdev(Fabric owner, String name, Kind kind, SocketAddress address, boolean unix, boolean serverMode,
                         long reconnectSeconds) {
        this(owner, name, kind, address, null, unix, serverMode, reconnectSeconds);
    }

    private StreamNetdev(Fabric owner, String name, Kind kind, SocketAddress address, InetEndpoint endpoint,
                         boolean unix, boolean serverMode, long reconnectSeconds) {
        super(name, kind == Kind.SOCKET ? "socket" : "stream");
        this.owner = owner;
        this.flush = new CoalescedFlush(owner.eventLoop(), this::flushNow);
        this.kind = kind;
        this.address = address;
        this.endpoint = endpoint;
        this.unix = unix;
        this.serverMode = serverMode;
        this.reconnectSeconds = reconnectSeconds;
    }

    /**
     * {@code socket,listen=} or {@code stream,server=on}. A failed bind is an error for
     * {@code socket} ({@code can't bind ip=A to socket: ...}); for {@code stream} 7.2 creates the
     * netdev anyway with the info {@code connection error}.
     */
    static StreamNetdev listen(Fabric fabric, String name, Kind kind, SocketAddress address) {
        StreamNetdev n = new StreamNetdev(fabric, name, kind, address, true, 0);
        n.startListening();
        return n;
    }

    /** {@code stream,server=on} on an inet address, with its options ({@link InetEndpoint}). */
    static StreamNetdev listen(Fabric fabric, String name, InetEndpoint endpoint) {
        StreamNetdev n = new StreamNetdev(fabric, name, Kind.STREAM, null, endpoint, false, true, 0);
        n.startListening();
        return n;
    }

    /** {@code stream,server=off} to an inet address, with its options ({@link InetEndpoint}). */
    static StreamNetdev connect(Fabric fabric, String name, InetEndpoint endpoint, long reconnectSeconds) {
        StreamNetdev n = new StreamNetdev(fabric, name, Kind.STREAM, null, endpoint, false, false, reconnectSeconds);
        n.startConnect(true);
        return n;
    }

    /** {@code socket,connect=} or {@code stream,server=off}. */
    static StreamNetdev connect(Fabric fabric, String name, Kind kind, SocketAddress address, long reconnectSeconds) {
        StreamNetdev n = new StreamNetdev(fabric, name, kind, address, false, reconnectSeconds);
        if (kind == Kind.SOCKET) {
            InetSocketAddress a = (InetSocketAddress) address;
            n.info = "socket: connect to " + a.getAddress().getHostAddress() + ":" + a.getPort();
        }
        n.startConnect(true);
        return n;
    }

    /**
     * {@code socket,fd=} (info {@code socket: fd=N}) or {@code stream} with {@code addr.type=fd}:
     * a connection that is already up, wrapped in {@code ch}. It never reconnects: when it goes,
     * the netdev stays with its link down, as QEMU's.
     */
    static StreamNetdev inherited(Fabric fabric, String name, Kind kind, InheritedSocket socket, String info) {
        StreamNetdev n = new StreamNetdev(fabric, name, kind, null, socket.unix(), false, 0);
        n.inheritedV6 = socket.family() == InheritedSocket.AF_INET6;
        n.info = info;
        Channel ch = socket.streamChannel();
        n.conn = ch;   // claimed before registration, as an accepted client is
        n.serve(ch);
        return n;
    }

    /**
     * {@code stream,server=on} with {@code addr.type=fd}: accepts on the given socket, one client
     * at a time. A socket that cannot listen (a connected one) leaves 7.2's {@code connection
     * error} info, as a failed bind does.
     */
    static StreamNetdev inheritedListener(Fabric fabric, String name, InheritedSocket socket) {
        StreamNetdev n = new StreamNetdev(fabric, name, Kind.STREAM, null, socket.unix(), true, 0);
        n.inheritedV6 = socket.family() == InheritedSocket.AF_INET6;
        Channel srv;
        try {
            srv = socket.serverChannel();
        } catch (java.io.IOException e) {
            InheritedSocket.close(socket.fd());
            log.warn("{}: can't listen on fd={}: {}", name, socket.fd(), OsErrors.strerror(e));
            n.info = "connection error";
            return n;
        }
        if (!n.acceptOn(srv)) {
            n.info = "connection error";
            return n;
        }
        return n;
    }

    /** A {@code stream} whose given socket could not be used: 7.2's {@code connection error}, link down. */
    static StreamNetdev failed(Fabric fabric, String name) {
        StreamNetdev n = new StreamNetdev(fabric, name, Kind.STREAM, null, false, false, 0);
        n.info = "connection error";
        return n;
    }

    // ---------------------------------------------------------------- setup

    private boolean unix() {
        return unix;
    }

    private Channel newChannel(Class<? extends Channel> type) {
        return registered(new ReflectiveChannelFactory<>(type).newChannel());
    }

    /** {@code ch} registered with the fabric's loop; a failure is a refused setup. */
    private Channel registered(Channel ch) {
        ChannelFuture reg = owner.eventLoop().register(ch);
        if (!reg.isDone() || !reg.isSuccess()) {   // on the loop thread registration is immediate
            ch.unsafe().closeForcibly();
            throw FabricException.generic("can't create stream socket: "
                    + (reg.cause() == null ? "not registered" : OsErrors.strerror(reg.cause())));
        }
        return ch;
    }

    private void initConnection(Channel ch) {
        ch.config().setWriteBufferWaterMark(WATER_MARK);
        StreamFrameDecoder decoder = new StreamFrameDecoder();
        ch.config().setRecvByteBufAllocator(decoder.readAllocator());
        ch.pipeline().addLast("frame-decoder", decoder)
                .addLast("frame-encoder", new LengthFieldPrepender(4))
                .addLast("netdev", new ConnectionHandler());
    }

    private void startListening() {
        if (endpoint == null) {
            listenOn(List.of(address));
        } else {
            resolveThen(endpoint::listenCandidates, this::listenOn, "listen");
        }
    }

    /**
     * The endpoint's addresses, then {@code then} with them on the loop. A literal is resolved
     * here; a host name on a thread of its own (the resolver may take seconds; QEMU resolves in
     * its listen or connect thread). A failure is the netdev's {@code connection error} (and,
     * for a client with {@code reconnect}, a retry).
     */
    private void resolveThen(java.util.function.Supplier<List<InetSocketAddress>> lookup,
                             java.util.function.Consumer<List<InetSocketAddress>> then, String what) {
        if (!endpoint.needsLookup()) {
            resolved(lookup, then, what);
            return;
        }
        Thread t = new Thread(() -> {
            List<InetSocketAddress> found;
            try {
                found = lookup.get();
            } catch (FabricException e) {
                owner.eventLoop().execute(() -> resolved(() -> {
                    throw e;
                }, then, what));
                return;
            }
            owner.eventLoop().execute(() -> resolved(() -> found, then, what));
        }, "netfabric-resolve-" + name());
        t.setDaemon(true);
        t.start();
    }

    /** On the loop: goes on with the addresses {@code lookup} answers, or marks its failure. */
    private void resolved(java.util.function.Supplier<List<InetSocketAddress>> lookup,
                          java.util.function.Consumer<List<InetSocketAddress>> then, String what) {
        if (closed) {
            return;
        }
        List<InetSocketAddress> addresses;
        try {
            addresses = lookup.get();
        } catch (FabricException e) {
            logFailure("can't " + what + ": " + e.getMessage());
            info = "connection error";
            if (!serverMode) {
                armReconnect();
            }
            return;
        }
        then.accept(addresses);
    }

    /** Listens on the first of {@code candidates} that binds. */
    private void listenOn(List<? extends SocketAddress> candidates) {
        Throwable cause = null;
        if (UnixPaths.isLooseAbstract(address)) {
            listenLoose();
            return;
        }
        if (endpoint != null && endpoint.mptcp()) {
            listenMptcp(candidates);
            return;
        }
        for (SocketAddress a : candidates) {   // QEMU: the first address and port that binds
            Channel srv = unix() ? newChannel(owner.transport().serverDomainSocketChannel())
                    : registered(owner.transport().newServerSocketChannel(Transport.familyOf((InetSocketAddress) a)));
            if (!unix()) {
                srv.config().setOption(ChannelOption.SO_REUSEADDR, true);
                if (isV6(a) && endpoint != null && endpoint.v6Only()) {
                    setV6Only(srv);
                }
            } else {
                UnixPaths.unlinkStale(a);
            }
            srv.config().setOption(ChannelOption.SO_BACKLOG, 0);   // QEMU: listen(fd, 0)
            acceptOneAtATime(srv);
            srv.pipeline().addLast(new Acceptor());
            ChannelFuture bound = srv.bind(a);
            if (bound.isSuccess()) {
                address = a;
                listener = srv;
                return;
            }
            cause = bound.cause();
            srv.close();
        }
        if (kind == Kind.SOCKET) {
            InetSocketAddress a = (InetSocketAddress) address;
            throw FabricException.generic("can't bind ip=" + a.getAddress().getHostAddress() + " to socket: "
                    + OsErrors.strerror(cause));
        }
        log.warn("{}: can't listen on {}: {}", name(), candidates.get(candidates.size() - 1), OsErrors.strerror(cause));
        info = "connection error";
    }

    /** {@code mptcp=on}: the first candidate an MPTCP socket binds, accepted on by Netty. */
    private void listenMptcp(List<? extends SocketAddress> candidates) {
        String why = "mptcp needs the epoll transport";
        if (owner.transport() == Transport.EPOLL) {
            for (SocketAddress a : candidates) {
                try {
                    int fd = MptcpSockets.listen((InetSocketAddress) a, endpoint.v6Only());
                    Channel srv = new InheritedSocket(fd, InheritedSocket.SOCK_STREAM,
                            isV6(a) ? InheritedSocket.AF_INET6 : InheritedSocket.AF_INET).serverChannel();
                    if (!acceptOn(srv)) {
                        why = "not registered";
                        continue;
                    }
                    address = a;
                    return;
                } catch (IOException e) {
                    why = e.getMessage();
                }
            }
        }
        log.warn("{}: can't listen: {}", name(), why);
        info = "connection error";
    }

    /** A listener on a {@code tight=off} abstract name: bound here, accepted on by Netty. */
    private void listenLoose() {
        Channel srv;
        try {
            int fd = UnixPaths.bindLoose(address);
            srv = new InheritedSocket(fd, InheritedSocket.SOCK_STREAM, InheritedSocket.AF_UNIX).serverChannel();
        } catch (IOException e) {
            log.warn("{}: can't listen on {}: {}", name(), UnixPaths.shownPath(address), e.getMessage());
            info = "connection error";
            return;
        }
        if (!acceptOn(srv)) {
            info = "connection error";
        }
    }

    /**
     * A listening channel made from a descriptor (given, or bound through libc) accepts for this
     * netdev, one client at a time; false (and closed) when the loop would not take it.
     */
    private boolean acceptOn(Channel srv) {
        acceptOneAtATime(srv);
        srv.pipeline().addLast(new Acceptor());
        ChannelFuture reg = owner.eventLoop().register(srv);
        if (!reg.isDone() || !reg.isSuccess()) {
            srv.unsafe().closeForcibly();
            return false;
        }
        listener = srv;
        return true;
    }

    /**
     * {@code IPV6_V6ONLY} on a listener's IPv6 socket (Netty has no option for it). Only the epoll
     * transport has a descriptor to set it on; NIO's listener stays dual-stack.
     */
    private void setV6Only(Channel srv) {
        if (srv instanceof UnixChannel u) {
            try {
                Libc.setIntOption(u.fd().intValue(), Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, 1);
            } catch (IOException e) {
                log.warn("{}: can't set IPV6_V6ONLY: {}", name(), e.getMessage());
            }
        }
    }

    /** One accept per read: the listener stops reading after each (see {@link Acceptor}). */
    @SuppressWarnings("deprecation")
    private static void acceptOneAtATime(Channel srv) {
        srv.config().setMaxMessagesPerRead(1);
    }

    private void startConnect(boolean initial) {
        reconnectTimer = null;
        if (endpoint == null) {
            connectTo(List.of(address), 0, initial);
            return;
        }
        resolveThen(endpoint::connectCandidates, c -> connectTo(c, 0, initial), "connect");
    }

    /** Connects to {@code candidates[i]}, and on failure to the next (QEMU's {@code inet_connect_saddr()}). */
    private void connectTo(List<? extends SocketAddress> candidates, int i, boolean initial) {
        SocketAddress target = candidates.get(i);
        address = target;
        if (UnixPaths.isLooseAbstract(target)) {
            connectLoose();
            return;
        }
        if (endpoint != null && endpoint.mptcp()) {
            connectMptcp(candidates, i, initial);
            return;
        }
        Channel ch = unix() ? newChannel(owner.transport().domainSocketChannel())
                : registered(owner.transport().newSocketChannel(Transport.familyOf((InetSocketAddress) target)));
        if (!unix()) {
            ch.config().setOption(ChannelOption.TCP_NODELAY, true);   // QEMU sets it on connect
            SameHostCongestion.apply(ch, target);
            if (endpoint != null && endpoint.keepAlive()) {
                ch.config().setOption(ChannelOption.SO_KEEPALIVE, true);
            }
        }
        initConnection(ch);
        ChannelFuture f = ch.connect(target);
        boolean another = i + 1 < candidates.size();
        if (f.isDone() && !f.isSuccess()) {
            // The kernel refused at once (connect() itself failed, not EINPROGRESS): QEMU 7.2's
            // net_socket_connect_init() fails the netdev with the errno.
            ch.close();
            if (another) {
                connectTo(candidates, i + 1, initial);
                return;
            }
            if (kind == Kind.SOCKET && initial) {
                throw FabricException.generic("can't connect socket: " + OsErrors.strerror(f.cause()));
            }
            connectFailed(f.cause());
            return;
        }
        if (kind == Kind.SOCKET) {
            conn = ch;   // link up: frames wait in our queue until the connection completes
            storedFd = descriptor(ch);
        }
        f.addListener(done -> {
            if (closed) {
                ch.close();
            } else if (done.isSuccess()) {
                adopt(ch);
            } else {
                ch.close();
                if (conn == ch) {
                    conn = null;
                }
                if (another) {
                    connectTo(candidates, i + 1, false);
                } else {
                    connectFailed(done.cause());
                }
            }
        });
    }

    /**
     * {@code mptcp=on}: connects on a thread of its own (a blocking connect, as QEMU's in its
     * connect thread), then serves the connection on the loop, or tries the next candidate.
     */
    private void connectMptcp(List<? extends SocketAddress> candidates, int i, boolean initial) {
        if (owner.transport() != Transport.EPOLL) {
            connectFailed(new IOException("mptcp needs the epoll transport"));
            return;
        }
        InetSocketAddress target = (InetSocketAddress) candidates.get(i);
        boolean keepAlive = endpoint.keepAlive();
        Thread t = new Thread(() -> {
            int fd;
            IOException failure = null;
            try {
                fd = MptcpSockets.connect(target, keepAlive);
            } catch (IOException e) {
                fd = -1;
                failure = e;
            }
            int got = fd;
            IOException why = failure;
            owner.eventLoop().execute(() -> {
                if (closed) {
                    if (got >= 0) {
                        InheritedSocket.close(got);
                    }
                } else if (got >= 0) {
                    Channel ch = new InheritedSocket(got, InheritedSocket.SOCK_STREAM,
                            isV6(target) ? InheritedSocket.AF_INET6 : InheritedSocket.AF_INET).streamChannel();
                    conn = ch;
                    serve(ch);
                } else if (i + 1 < candidates.size()) {
                    connectTo(candidates, i + 1, false);
                } else {
                    connectFailed(why);
                }
            });
        }, "netfabric-mptcp-connect");
        t.setDaemon(true);
        t.start();
    }

    /** A client of a {@code tight=off} abstract name: a unix connect completes or fails at once. */
    private void connectLoose() {
        int fd;
        try {
            fd = UnixPaths.connectLoose(address);
        } catch (IOException e) {
            connectFailed(e);
            return;
        }
        Channel ch = new InheritedSocket(fd, InheritedSocket.SOCK_STREAM, InheritedSocket.AF_UNIX).streamChannel();
        conn = ch;
        serve(ch);
    }

    private void connectFailed(Throwable cause) {
        logFailure("can't connect to " + shown(address) + ": " + OsErrors.strerror(cause));
        if (kind == Kind.SOCKET) {
            die();   // QEMU: the socket is closed on its first read and never reopened
        } else {
            info = "connection error";
            armReconnect();
        }
    }

    /**
     * A failed connect or lookup: said once at WARN, then (a client retrying every
     * {@code reconnect} seconds for as long as its server is away) at DEBUG until a connection
     * comes up again.
     */
    private void logFailure(String what) {
        if (failureLogged) {
            log.debug("{}: {} (again)", name(), what);
        } else {
            failureLogged = true;
            log.warn("{}: {}{}", name(), what, reconnectSeconds > 0 ? " (retrying every " + reconnectSeconds + " s)" : "");
        }
    }

    /**
     * Whether the connection's socket is IPv6 (QEMU's follows the address's family), so that its
     * IPv4 peers show as {@code ::ffff:a.b.c.d}.
     */
    private boolean v6Socket() {
        return address == null ? inheritedV6 : isV6(address);
    }

    private static boolean isV6(SocketAddress a) {
        return a instanceof InetSocketAddress in && in.getAddress() instanceof Inet6Address;
    }

    /** An address as people write it: host:port ([v6]:port), or a unix path. */
    private static String shown(SocketAddress a) {
        return a instanceof InetSocketAddress in ? NetUtil.toSocketAddressString(in) : UnixPaths.shownPath(a);
    }

    private void die() {
        info = "";
        flushQueued();   // what waited for the connection is dropped now (receive drops)
    }

    private void armReconnect() {
        if (reconnectSeconds > 0 && !closed && reconnectTimer == null) {
            reconnectTimer = owner.eventLoop().schedule(() -> {
                if (!closed) {
                    startConnect(false);
                }
            }, reconnectSeconds, TimeUnit.SECONDS);
        }
    }

    // ---------------------------------------------------------------- connection life

    /**
     * For {@code socket}, QEMU 6.0-rc's stored config (net/socket.c, reference §10): the options
     * as given plus {@code fd}, the descriptor of the connection (kept after it goes; absent
     * while a listener has had none). {@code stream} keeps its options as given.
     */
    @Override
    public Netdev storedConfig() {
        return socketStoredConfig(creationOptions(), storedFd);
    }

    /**
     * A {@code socket} netdev's options with {@code fd} set to {@code fd} (left out when -1);
     * other types' options as they are. Shared with {@link DatagramNetdev}.
     */
    static Netdev socketStoredConfig(Netdev given, int fd) {
        if (given == null || !(given.options() instanceof SocketOptions o)) {
            return given;
        }
        String shown = fd >= 0 ? Integer.toString(fd) : o.fd();
        return new Netdev(given.id(), new SocketOptions(shown, o.listen(), o.connect(), o.mcast(), o.localaddr(), o.udp()));
    }

    /** The current connection's descriptor, or -1 (none, or NIO); loop thread. For tests. */
    int connectionDescriptor() {
        Channel ch = conn;
        return ch == null ? -1 : descriptor(ch);
    }

    /** The channel's descriptor, or -1 where the transport has none to show (NIO). */
    static int descriptor(Channel ch) {
        return ch instanceof UnixChannel u ? u.fd().intValue() : -1;
    }

    /** A connection is up: it is now where frames go and come from. */
    private void adopt(Channel ch) {
        conn = ch;
        failureLogged = false;
        storedFd = descriptor(ch);
        // A unix socket shows the path it was given (Netty reads an abstract name back as empty);
        // only a given descriptor's address comes from the socket.
        SocketAddress shown = unix() && address != null ? address
                : serverMode && unix() ? ch.localAddress() : ch.remoteAddress();
        if (kind == Kind.SOCKET) {
            if (serverMode) {
                InetSocketAddress a = (InetSocketAddress) ch.remoteAddress();
                info = "socket: connection from " + a.getAddress().getHostAddress() + ":" + a.getPort();
            }
        } else {
            // net/stream.c: the client's address for inet, the socket's path for unix.
            info = uri(shown, v6Socket());
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("netdev-id", name());
            data.put("addr", qapiAddress(shown, v6Socket()));
            owner.emit("NETDEV_STREAM_CONNECTED", data);
        }
        flushQueued();
    }

    private void disconnected(Channel ch) {
        if (ch != conn) {
            return;
        }
        conn = null;
        if (kind == Kind.STREAM) {
            owner.emit("NETDEV_STREAM_DISCONNECTED", Map.of("netdev-id", name()));
        }
        if (serverMode) {
            info = "";
            flushQueued();
            serveNext();
        } else if (kind == Kind.SOCKET) {
            die();
        } else {
            info = "";
            flushQueued();
            armReconnect();
        }
    }

    /** The next waiting client, else the listener reads (accepts) again. */
    private void serveNext() {
        Channel next = waiting.poll();
        if (next != null && !closed) {
            conn = next;
            serve(next);
        } else if (listener != null && listener.isOpen()) {
            listener.config().setAutoRead(true);
            listener.read();
        }
    }

    /** Registers an accepted client (already claimed as {@link #conn}) and makes it the connection. */
    private void serve(Channel child) {
        SameHostCongestion.apply(child, child.remoteAddress());
        initConnection(child);
        owner.eventLoop().register(child).addListener(r -> {
            if (!r.isSuccess() || closed) {
                child.unsafe().closeForcibly();
                if (conn == child) {   // it never came up: no events, just the next client
                    conn = null;
                    if (!closed) {
                        serveNext();
                    }
                }
            } else {
                adopt(child);
            }
        });
    }

    private void dropEmpty(ByteBuf frame) {
        counters().drop(DropReason.BAD_LENGTH);
        frame.release();
    }

    private void resumeReading() {
        Channel ch = conn;
        if (ch != null) {
            ch.config().setAutoRead(true);
        }
    }

    private void flushNow() {
        Channel ch = conn;
        if (ch != null) {
            ch.flush();
        }
    }

    // ---------------------------------------------------------------- NetClient

    @Override
    protected int receive(ByteBuf frame) {
        int len = frame.readableBytes();
        Channel ch = conn;
        if (ch == null) {
            // QEMU: link down while nobody is connected; the frame is dropped.
            counters().drop(DropReason.RECEIVER_LINK_DOWN);
            frame.release();
            return len;
        }
        if (!ch.isActive() || !ch.isWritable()) {
            return 0;   // still connecting, or the peer is slow: the fabric keeps the frame
        }
        ch.write(frame, ch.voidPromise());
        flush.request();
        return len;
    }

    @Override
    public String info() {
        return info;
    }

    @Override
    protected void cleanup() {
        closed = true;
        if (reconnectTimer != null) {
            reconnectTimer.cancel(false);
        }
        if (conn != null) {
            conn.close();
            conn = null;
        }
        for (Channel c : waiting) {
            c.unsafe().closeForcibly();
        }
        waiting.clear();
        if (listener != null) {
            listener.close();
            if (unix() && address != null) {   // a given socket's path is its owner's
                UnixPaths.unlinkOwn(address);
            }
            listener = null;
        }
    }

    // ---------------------------------------------------------------- addresses

    /**
     * QEMU's {@code socket_uri()}: {@code tcp:host:port} or {@code unix:path}. QEMU shows the
     * peer as {@code getnameinfo(NI_NUMERICHOST)} gives it: IPv6 compressed (RFC 5952), and an
     * IPv4 peer of an IPv6 socket (a listener on {@code ::}) as {@code ::ffff:a.b.c.d}.
     */
    static String uri(SocketAddress a, boolean v6Socket) {
        if (a instanceof InetSocketAddress in) {
            return "tcp:" + numericHost(in, v6Socket) + ":" + in.getPort();
        }
        return "unix:" + UnixPaths.shownPath(a);
    }

    /** Java reports an IPv6 socket's IPv4-mapped peer as IPv4: QEMU's socket shows the mapping. */
    private static String numericHost(InetSocketAddress a, boolean v6Socket) {
        String host = NetUtil.toAddressString(a.getAddress());
        return v6Socket && a.getAddress() instanceof Inet4Address ? "::ffff:" + host : host;
    }

    /**
     * The QAPI {@code SocketAddress} of an event, as QEMU's {@code socket_sockaddr_to_address}
     * fills it: port a string, and {@code ipv4} or {@code ipv6} true after the socket's family.
     */
    static Map<String, Object> qapiAddress(SocketAddress a, boolean v6Socket) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (a instanceof InetSocketAddress in) {
            boolean v6 = v6Socket || in.getAddress() instanceof Inet6Address;
            m.put("type", "inet");
            m.put("host", numericHost(in, v6Socket));
            m.put("port", Integer.toString(in.getPort()));
            m.put(v6 ? "ipv6" : "ipv4", true);
        } else {
            m.put("type", "unix");
            if (UnixPaths.isAbstract(a)) {
                // socket_sockaddr_to_address_unix(): the name after the NUL, tight when the
                // address is shorter than a whole sockaddr_un.
                String p = UnixPaths.path(a);
                m.put("path", p.substring(1));
                m.put("abstract", true);
                m.put("tight", !UnixPaths.isLooseAbstract(a));
            } else {
                m.put("path", UnixPaths.path(a));
            }
        }
        return m;
    }

    // ---------------------------------------------------------------- handlers

    /** Accepts one client at a time (QEMU's listener is unwatched while a client is served). */
    private final class Acceptor extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel child = (Channel) msg;
            if (closed) {
                child.unsafe().closeForcibly();
                return;
            }
            ctx.channel().config().setAutoRead(false);
            if (conn == null && waiting.isEmpty()) {
                conn = child;   // claimed now, so a second accept in this turn waits
                serve(child);
            } else {
                waiting.add(child);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("{}: accept failed: {}", name(), OsErrors.strerror(cause));
        }
    }

    /** One connection's frames in and its life cycle. */
    private final class ConnectionHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            if (ctx.channel() != conn) {
                frame.release();
                return;
            }
            if (!frame.isReadable()) {
                // A zero length: QEMU would pass an empty frame on and stall its receiver (§1.5).
                // Dropped here because sendAsync's answer for it (0) would read as "queued".
                dropEmpty(frame);
                return;
            }
            if (sendAsync(frame, resume) == 0) {
                // The peer is busy: stop reading until it took the frame (§1.4).
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel() == conn && ctx.channel().isWritable()) {
                flushQueued();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            disconnected(ctx.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof TooLongFrameException) {
                log.error("{}: {}", name(), OVERSIZE_MESSAGE);
            } else {
                log.debug("{}: connection error: {}", name(), OsErrors.strerror(cause));
            }
            ctx.close();
        }
    }
}
