package io.netfabric.qmp;

import io.netfabric.core.Fabric;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code -monitor}: QEMU's human monitor on a unix or TCP socket, or on stdio. A client gets
 * the banner and the {@code (qemu)} prompt, then each line's output and the prompt again; the
 * commands are {@code human-monitor-command}'s ({@link HumanMonitor}). Unlike QEMU's readline
 * there is no echo or line editing: a terminal or {@code socat} echoes what is typed.
 */
public final class HumanMonitorServer implements AutoCloseable {
    static final String PROMPT = "(qemu) ";

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final Path socketFile;
    private final FirstClient firstClient = new FirstClient();

    private HumanMonitorServer(EventLoopGroup group, Channel serverChannel, Path socketFile) {
        this.group = group;
        this.serverChannel = serverChannel;
        this.socketFile = socketFile;
    }

    private static String banner() {
        return QmpVersion.PACKAGE + " monitor - type 'help' for more information\r\n" + PROMPT;
    }

    private static String answer(HumanMonitor hmp, String line) {
        return hmp.run(line).replace("\n", "\r\n") + PROMPT;
    }

    /** Serves the monitor at {@code endpoint} (unix or TCP); {@code onQuit} is what {@code quit} does. */
    public static HumanMonitorServer start(QmpEndpoint endpoint, Fabric fabric, Runnable onQuit) {
        HumanMonitor hmp = new HumanMonitor(fabric, onQuit);
        boolean epoll = Epoll.isAvailable();
        if (endpoint instanceof QmpEndpoint.Unix && !epoll) {
            throw new IllegalStateException("a unix monitor socket needs Netty's native epoll transport: "
                    + Epoll.unavailabilityCause());
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("netfabric-hmp", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        CompletableFuture<Void> connected = new CompletableFuture<>();
        ServerBootstrap b = new ServerBootstrap().group(group).childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new LineBasedFrameDecoder(64 * 1024, true, false),
                        new StringDecoder(StandardCharsets.UTF_8),
                        new SimpleChannelInboundHandler<String>() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                connected.complete(null);
                                write(ctx, banner());
                            }

                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, String line) {
                                write(ctx, answer(hmp, line.endsWith("\r") ? line.substring(0, line.length() - 1) : line));
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();   // an over-long line or a reset: that client only
                            }
                        });
            }
        });
        try {
            Channel server;
            Path file = null;
            if (endpoint instanceof QmpEndpoint.Unix u) {
                file = u.path().toAbsolutePath();
                Files.deleteIfExists(file);
                server = b.channel(EpollServerDomainSocketChannel.class)
                        .bind(new DomainSocketAddress(file.toFile())).syncUninterruptibly().channel();
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } else {
                QmpEndpoint.Tcp t = (QmpEndpoint.Tcp) endpoint;
                server = b.channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                        .bind(new InetSocketAddress(t.host(), t.port())).syncUninterruptibly().channel();
            }
            HumanMonitorServer s = new HumanMonitorServer(group, server, file);
            connected.thenRun(s.firstClient::arrived);
            return s;
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /**
     * {@code -monitor stdio}: the banner and prompt on {@code out}, one command per line of
     * {@code in}, on a thread of its own; end of input ends the monitor, not the process.
     */
    public static Thread startStdio(Fabric fabric, Runnable onQuit, InputStream in, PrintStream out) {
        HumanMonitor hmp = new HumanMonitor(fabric, onQuit);
        Thread t = new Thread(() -> {
            out.print(banner());
            out.flush();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    out.print(answer(hmp, line));
                    out.flush();
                }
            } catch (IOException e) {
                // stdin closed under us: the monitor ends
            }
        }, "netfabric-hmp-stdio");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void write(ChannelHandlerContext ctx, String text) {
        ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), text));
    }

    public SocketAddress localAddress() {
        return serverChannel.localAddress();
    }

    /** Blocks until a client has connected (QEMU's {@code wait=on}). */
    public void awaitFirstClient() throws InterruptedException {
        firstClient.await();
    }

    @Override
    public void close() {
        firstClient.serverClosed("monitor");
        serverChannel.close().syncUninterruptibly();
        QmpServer.stop(group, socketFile);
    }
}
