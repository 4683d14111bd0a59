package io.netfabric.qmp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * The listening side of a monitor, QMP's or HMP's: a one-thread event loop of its own (a slow
 * client never costs the data plane), a unix socket (mode 0600, a stale file replaced, a live
 * one refused) or TCP, and QEMU's {@code wait=on} ({@link #firstClient}).
 */
final class MonitorSocket {
    final FirstClient firstClient = new FirstClient();
    private final String what;
    private final EventLoopGroup group;
    private final boolean epoll = Epoll.isAvailable();
    private static final AttributeKey<ConnectionFds> FDS = AttributeKey.valueOf("monitor-fds");
    /** The monitor's named descriptors ({@code getfd}), shared by its connections as QEMU's are. */
    private final MonitorFdTable fdTable = new MonitorFdTable();
    private Channel server;
    private Path file;

    /** @param what the monitor's name in messages ("QMP", "monitor") */
    MonitorSocket(String what, String threadName) {
        this.what = what;
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(threadName, true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /** The connection's descriptors ({@code getfd}); every client of a monitor socket has them. */
    static ConnectionFds fds(Channel client) {
        return client.attr(FDS).get();
    }

    /**
     * Binds {@code endpoint}; each accepted client gets {@code childHandler}, and its
     * {@link #fds(Channel) descriptors}. Stops the loop on failure. Netty does not read unix
     * clients: a {@link DescriptorReader} does, which also takes the descriptors they send.
     */
    void listen(QmpEndpoint endpoint, ChannelHandler childHandler, boolean allowHalfClosure) {
        boolean unix = endpoint instanceof QmpEndpoint.Unix;
        ServerBootstrap b = new ServerBootstrap().group(group)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ConnectionFds fds = new ConnectionFds(fdTable);
                        ch.attr(FDS).set(fds);
                        if (unix) {
                            ch.pipeline().addLast(DescriptorReader.NO_READS, new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                    ctx.fireChannelActive();   // the monitor's session first
                                    DescriptorReader.attach(ctx.channel(), fds);
                                }
                            });
                        }
                        ch.pipeline().addLast(childHandler);
                    }
                })
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, allowHalfClosure)
                .childOption(ChannelOption.AUTO_READ, !unix);
        try {
            if (endpoint instanceof QmpEndpoint.Unix u) {
                if (!epoll) {
                    throw new IllegalStateException("a unix " + what + " socket needs Netty's native epoll transport: "
                            + Epoll.unavailabilityCause());
                }
                Descriptors.bindInBackground();
                file = u.path().toAbsolutePath();
                replaceStale(file);
                server = b.channel(EpollServerDomainSocketChannel.class)
                        .bind(new DomainSocketAddress(file.toFile())).syncUninterruptibly().channel();
                // Only our user may talk to the fabric. Set right after bind: the window before it
                // is closed by the directory's permissions, as for QEMU's own sockets.
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } else if (endpoint instanceof QmpEndpoint.Tcp t) {
                server = b.channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                        .bind(new InetSocketAddress(t.host(), t.port())).syncUninterruptibly().channel();
            } else {
                throw new IllegalArgumentException("stdio is served by QmpStdio, not by a listening server");
            }
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /**
     * A socket file left by a dead process is replaced; one with a live listener is refused in
     * QEMU's words (util/qemu-sockets.c), since binding over it would silently steal the path.
     */
    private static void replaceStale(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException dead) {
            // ECONNREFUSED: nobody listens, the file is stale.
            Files.delete(path);
            return;
        }
        throw new IllegalStateException("Failed to bind socket to " + path + ": Address already in use");
    }

    Channel server() {
        return server;
    }

    /** Stops accepting; a waiter for the first client gets an IllegalStateException. */
    void stopListening() {
        firstClient.serverClosed(what);
        server.close().syncUninterruptibly();
    }

    /** Ends the loop (and every connection on it) and removes the socket file. */
    void stopLoop() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        fdTable.closeAll();
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
