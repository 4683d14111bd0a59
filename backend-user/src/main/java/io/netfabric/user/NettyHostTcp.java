package io.netfabric.user;

import io.netfabric.core.CoalescedFlush;
import io.netfabric.core.Fabric;
import io.netfabric.core.SameHostCongestion;
import io.netfabric.user.nat.HostTcp;
import io.netfabric.user.nat.HostUdp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import java.io.IOException;
import java.net.ConnectException;
import io.netfabric.user.forward.ShellArgv;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter from {@link HostTcp} to Netty socket channels on the fabric's event loop (epoll or
 * NIO). No thread per connection: every channel lives on the one loop. Half-close is kept
 * ({@code ALLOW_HALF_CLOSURE}): the host's EOF becomes the guest's FIN and the guest's FIN a
 * {@code shutdown(SHUT_WR)} after the data written before it.
 */
final class NettyHostTcp implements HostTcp {
    private static final Logger log = LoggerFactory.getLogger(NettyHostTcp.class);
    /**
     * {@code -Dnetfabric.user.tcp.sockets=channel}: guest connections on Netty channels even on
     * epoll (the path before {@link EpollTcpStream}; kept for comparison and for NIO).
     */
    private static final boolean DIRECT =
            !"channel".equals(System.getProperty("netfabric.user.tcp.sockets", "epoll"));

    private final Fabric fabric;
    private final LongSupplier clock;
    private final Runnable afterEvent;

    NettyHostTcp(Fabric fabric, LongSupplier clock, Runnable afterEvent) {
        this.fabric = fabric;
        this.clock = clock;
        this.afterEvent = afterEvent;
    }

    @Override
    public Stream connect(InetSocketAddress remote, Events events) {
        IoEventLoop epoll = DIRECT ? EpollTcpStream.epollLoop(fabric.eventLoop()) : null;
        if (epoll != null) {
            // The pooled allocator the rest of the frame path uses (Netty 4.2's default is the
            // adaptive one): one ByteBuf class through the engine keeps its call sites monomorphic.
            try {
                return EpollTcpStream.connect(epoll, remote, events, PooledByteBufAllocator.DEFAULT, clock, afterEvent);
            } catch (ChannelException e) {
                // No socket to be had (EMFILE, ...): the engine answers the guest's SYN with RST.
                log.debug("host TCP socket: {}", e.toString());
                return null;
            }
        }
        SocketProtocolFamily family = remote.getAddress() instanceof java.net.Inet6Address
                ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        return connect(remote, events, () -> fabric.transport().newSocketChannel(family));
    }

    @Override
    public Stream connectUnix(String path, Events events) {
        return connect(new io.netty.channel.unix.DomainSocketAddress(path), events,
                () -> fabric.transport().newDomainSocketChannel());
    }

    /**
     * A process per connection on a loopback TCP connection ({@link SpawnedCommand}, libslirp's
     * fork_exec) when the loop is epoll's, else on pipes ({@link CommandStream}); either way cut
     * into words as libslirp 4.7 cuts it ({@link ShellArgv}), no shell. A command that does not
     * parse or start ends the connection once made ({@link NoCommand}): QEMU 7.2 answers the
     * guest's SYN and then closes, and only logs why.
     */
    @Override
    public Stream exec(String command, Events events) {
        try {
            List<String> argv = ShellArgv.parse(command);
            if (EpollTcpStream.epollLoop(fabric.eventLoop()) != null) {
                try {
                    int fd = SpawnedCommand.start(argv);
                    NettyStream s = new NettyStream(events);
                    ChannelFuture reg = register(s, new io.netty.channel.epoll.EpollSocketChannel(fd));
                    // The outcome after this returns, once the engine holds the stream (as a connect's).
                    fabric.eventLoop().execute(() -> connected(reg, s, events));
                    return s;
                } catch (UnsupportedOperationException e) {
                    log.debug("guest connection to a command on pipes: {}", e.getMessage());
                }
            }
            return CommandStream.start(argv, events, fabric.eventLoop(), clock, afterEvent);
        } catch (IllegalArgumentException | IOException e) {
            log.warn("guest connection to a command: {}; {}", command, e.getMessage());
            return new NoCommand(events);
        }
    }

    /**
     * One channel per connection, made and registered directly rather than through a
     * {@code Bootstrap} (whose option maps and resolver lookup cost more than the connect on a
     * connection storm). Netty turns {@code TCP_NODELAY} on by default.
     */
    private Stream connect(java.net.SocketAddress remote, Events events, java.util.function.Supplier<Channel> newChannel) {
        NettyStream s = new NettyStream(events);
        Channel ch = newChannel.get();
        ch.config().setOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, 75_000);
        // On the loop (always, for a guest's SYN) the registration completes inline.
        ChannelFuture reg = register(s, ch);
        if (reg.isDone()) {
            connected(reg.isSuccess() ? ch.connect(remote) : reg, s, events);
        } else {
            reg.addListener(r -> connected(reg.isSuccess() ? ch.connect(remote) : reg, s, events));
        }
        return s;
    }

    /** Puts {@code s} on {@code ch} (half-closure kept, see the class) and registers it with the loop. */
    private ChannelFuture register(NettyStream s, Channel ch) {
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ch.pipeline().addLast(s);
        s.channel = ch;
        return fabric.eventLoop().register(ch);
    }

    private void connected(ChannelFuture f, NettyStream s, Events events) {
        f.addListener(done -> {
            if (s.closed) {
                return;
            }
            if (done.isSuccess()) {
                events.connected(clock.getAsLong());
            } else {
                events.failed(classify(done.cause()), clock.getAsLong());
            }
            afterEvent.run();
        });
    }

    /** ECONNREFUSED → RST; EHOSTUNREACH/ENETUNREACH → ICMP (libslirp tcp_input after connect()). */
    static Failure classify(Throwable t) {
        String m = String.valueOf(t.getMessage());
        if (t instanceof NoRouteToHostException || m.contains("No route") || m.contains("unreachable")) {
            return Failure.UNREACHABLE;
        }
        if (t instanceof ConnectException && m.contains("refused")) {
            return Failure.REFUSED;
        }
        return m.contains("refused") ? Failure.REFUSED : Failure.OTHER;
    }

    @Override
    public Listener listen(InetSocketAddress local, Acceptor acceptor) throws IOException {
        EventLoop loop = fabric.eventLoop();
        ServerChannel server = fabric.transport().newServerSocketChannel(io.netfabric.core.Transport.familyOf(local));
        server.config().setOption(ChannelOption.SO_REUSEADDR, true);
        server.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                Channel child = (Channel) msg;
                child.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
                child.config().setOption(ChannelOption.TCP_NODELAY, true);
                child.config().setAutoRead(false);
                NettyStream s = new NettyStream(null);
                s.channel = child;
                child.pipeline().addLast(s);
                loop.register(child).addListener(r -> {
                    if (!r.isSuccess()) {
                        child.close();
                        return;
                    }
                    Events ev = acceptor.accepted(s, (InetSocketAddress) child.remoteAddress(), clock.getAsLong());
                    if (ev == null) {
                        child.close();
                    } else {
                        s.events = ev;
                        child.config().setAutoRead(s.reading);
                    }
                    afterEvent.run();
                });
            }
        });
        // On the loop, register and bind run inline, so a busy port fails this call; elsewhere we wait.
        ChannelFuture reg = loop.register(server);
        ChannelFuture bound = reg.channel().bind(local);
        if (!loop.inEventLoop()) {
            bound.awaitUninterruptibly();
        }
        if (!bound.isDone() || !bound.isSuccess()) {
            server.close();
            Throwable c = bound.cause();
            throw c instanceof IOException io ? io : new IOException(c == null ? "bind did not complete" : c.toString());
        }
        return new Listener() {
            @Override
            public InetSocketAddress localAddress() {
                return (InetSocketAddress) server.localAddress();
            }

            @Override
            public int fd() {
                return descriptor(server);
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    @Override
    public HostUdp.Socket bindUdp(InetSocketAddress local, HostUdp.Receiver receiver) throws IOException {
        EventLoop loop = fabric.eventLoop();
        Channel ch = fabric.transport().newDatagramChannel(io.netfabric.core.Transport.familyOf(local));
        // Whole datagrams from host clients, not Netty's default 2048 octets (see NettyHostUdp).
        ch.config().setRecvByteBufAllocator(new io.netty.channel.FixedRecvByteBufAllocator(NettyHostUdp.MAX_DATAGRAM));
        boolean[] closed = {false};
        ch.pipeline().addLast(new io.netty.channel.SimpleChannelInboundHandler<io.netty.channel.socket.DatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, io.netty.channel.socket.DatagramPacket p) {
                if (!closed[0]) {
                    receiver.received(p.content(), p.sender(), clock.getAsLong());
                    afterEvent.run();
                }
            }
        });
        ChannelFuture bound = loop.register(ch).channel().bind(local);
        if (!loop.inEventLoop()) {
            bound.awaitUninterruptibly();
        }
        if (!bound.isDone() || !bound.isSuccess()) {
            ch.close();
            throw new IOException(String.valueOf(bound.cause()));
        }
        return new HostUdp.Socket() {
            @Override
            public int localPort() {
                return ((InetSocketAddress) ch.localAddress()).getPort();
            }

            @Override
            public int fd() {
                return descriptor(ch);
            }

            @Override
            public void send(ByteBuf payload, InetSocketAddress to) {
                if (closed[0]) {
                    payload.release();
                    return;
                }
                ch.writeAndFlush(new io.netty.channel.socket.DatagramPacket(payload, to));
            }

            @Override
            public void close() {
                closed[0] = true;
                ch.close();
            }

        };
    }

    /** A native channel's descriptor (epoll), else -1 (NIO). */
    static int descriptor(Channel ch) {
        return ch instanceof io.netty.channel.unix.UnixChannel u ? u.fd().intValue() : -1;
    }

    /** The host side of a guest connection whose command did not start: connected, then at its end. */
    final class NoCommand implements Stream {
        private boolean closed;

        NoCommand(Events events) {
            fabric.eventLoop().execute(() -> {
                if (!closed) {
                    events.connected(clock.getAsLong());
                    events.eof(clock.getAsLong());
                    afterEvent.run();
                }
            });
        }

        @Override
        public void write(ByteBuf data) {
            data.release();
        }

        @Override
        public long pendingBytes() {
            return 0;
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void setReading(boolean reading) {
        }

        @Override
        public void close(boolean abort) {
            closed = true;
        }
    }

    private final class NettyStream extends ChannelInboundHandlerAdapter implements Stream {
        Events events;
        Channel channel;
        boolean closed;
        boolean eofSeen;
        boolean reading = true;
        /** One flush (one writev) per loop turn for all the segments of a batch of frames. */
        final CoalescedFlush flush = new CoalescedFlush(fabric.eventLoop(), () -> channel.flush());
        long pending;
        /** Octets handed to the host until {@link SameHostCongestion#BULK}, then -1 (the choice made). */
        long bulk;

        NettyStream(Events events) {
            this.events = events;
        }

        @Override
        public int fd() {
            return channel == null ? -1 : descriptor(channel);
        }

        @Override
        public void write(ByteBuf data) {
            if (closed) {
                data.release();
                return;
            }
            int n = data.readableBytes();
            pending += n;
            if (bulk >= 0 && (bulk += n) >= SameHostCongestion.BULK) {
                bulk = -1;
                SameHostCongestion.apply(channel, channel.remoteAddress());
            }
            channel.write(data).addListener(f -> {
                pending -= n;
                if (!closed && events != null) {
                    events.written(clock.getAsLong());
                    afterEvent.run();
                }
            });
            flush.request();
        }

        @Override
        public long pendingBytes() {
            return pending;
        }

        @Override
        public void shutdownOutput() {
            if (closed) {
                return;
            }
            // Netty's shutdownOutput drops queued writes: shut down after the last one.
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                if (channel instanceof DuplexChannel d && channel.isActive()) {
                    shutdownOutput(d);
                    // Both directions are then done once the host's EOF comes: let Netty close
                    // the socket on it rather than shut down input of a finished connection
                    // (ENOTCONN, an exception built per connection).
                    channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
                }
            });
        }

        /**
         * With epoll, shut the socket down directly: everything written has gone (see above),
         * and Netty's {@code shutdownOutput} would build an exception with a stack trace for
         * the writes it fails, on every connection the guest closes first.
         */
        private void shutdownOutput(DuplexChannel d) {
            if (d instanceof io.netty.channel.unix.UnixChannel u && u.fd() instanceof io.netty.channel.unix.Socket s) {
                try {
                    s.shutdown(false, true);
                    return;
                } catch (IOException e) {
                    log.debug("host TCP shutdown: {}", e.toString());
                }
            }
            d.shutdownOutput();
        }

        @Override
        public void setReading(boolean r) {
            reading = r;
            if (!closed && events != null) {
                channel.config().setAutoRead(r);
                if (r) {
                    channel.read();
                }
            }
        }

        @Override
        public void close(boolean abort) {
            if (closed) {
                return;
            }
            closed = true;
            if (abort) {
                if (channel.isActive()) {
                    channel.config().setOption(ChannelOption.SO_LINGER, 0);
                }
                channel.close();
            } else if (channel.isActive()) {
                channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            } else if (channel.isOpen()) {
                channel.close();
            }
            // else Netty closed it on the host's EOF; closing again would only build and fail a
            // promise with a fresh ClosedChannelException, once per connection.
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (closed || events == null) {
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            events.data((ByteBuf) msg, clock.getAsLong());
            afterEvent.run();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent && !closed && events != null && !eofSeen) {
                eofSeen = true;
                events.eof(clock.getAsLong());
                afterEvent.run();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!closed && events != null && !eofSeen) {
                eofSeen = true;
                events.eof(clock.getAsLong());
                afterEvent.run();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("host TCP connection: {}", cause.toString());
            if (!closed && events != null) {
                closed = true;
                events.reset(clock.getAsLong());
                afterEvent.run();
            }
            ctx.close();
        }
    }
}
