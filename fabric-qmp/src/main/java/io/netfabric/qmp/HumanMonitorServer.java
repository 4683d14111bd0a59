package io.netfabric.qmp;

import io.netfabric.core.Fabric;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * {@code -monitor}: QEMU's human monitor on a unix or TCP socket, or on stdio. A client gets
 * the banner and the {@code (qemu)} prompt, then each line's output and the prompt again; the
 * commands are {@code human-monitor-command}'s ({@link HumanMonitor}). Unlike QEMU's readline
 * there is no echo or line editing: a terminal or {@code socat} echoes what is typed.
 */
public final class HumanMonitorServer implements AutoCloseable {
    static final String PROMPT = "(qemu) ";

    private final MonitorSocket socket = new MonitorSocket("monitor", "netfabric-hmp");

    private HumanMonitorServer() {
    }

    private static String banner() {
        return QmpVersion.PACKAGE + " monitor - type 'help' for more information\r\n" + PROMPT;
    }

    private static String answer(HumanMonitor hmp, String line, ConnectionFds fds) {
        String out = hmp.run(line, fds).replace("\n", "\r\n");
        // QEMU ends before its monitor prompts again after quit.
        return hmp.quitRequested() ? out : out + PROMPT;
    }

    /** Serves the monitor at {@code endpoint} (unix or TCP); {@code onQuit} is what {@code quit} does. */
    public static HumanMonitorServer start(QmpEndpoint endpoint, Fabric fabric, Runnable onQuit) {
        HumanMonitor hmp = new HumanMonitor(fabric, onQuit);
        HumanMonitorServer s = new HumanMonitorServer();
        s.socket.listen(endpoint, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new LineBasedFrameDecoder(64 * 1024, true, false),
                        new StringDecoder(StandardCharsets.UTF_8),
                        new SimpleChannelInboundHandler<String>() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                s.socket.firstClient.arrived();
                                write(ctx, banner());
                            }

                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, String line) {
                                write(ctx, answer(hmp, line.endsWith("\r") ? line.substring(0, line.length() - 1) : line,
                                        MonitorSocket.fds(ctx.channel())));
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();   // an over-long line or a reset: that client only
                            }
                        });
            }
        }, false);
        return s;
    }

    /**
     * {@code -monitor stdio}: the banner and prompt on {@code out}, one command per line of
     * {@code in}, on a thread of its own; end of input ends the monitor, not the process.
     */
    public static Thread startStdio(Fabric fabric, Runnable onQuit, InputStream in, PrintStream out) {
        HumanMonitor hmp = new HumanMonitor(fabric, onQuit);
        ConnectionFds fds = ConnectionFds.detached();   // stdin carries no descriptors
        Thread t = new Thread(() -> {
            out.print(banner());
            out.flush();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    out.print(answer(hmp, line, fds));
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
        return socket.server().localAddress();
    }

    /** Blocks until a client has connected (QEMU's {@code wait=on}). */
    public void awaitFirstClient() throws InterruptedException {
        socket.firstClient.await();
    }

    @Override
    public void close() {
        socket.stopListening();
        socket.stopLoop();
    }
}
