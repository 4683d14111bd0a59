package io.netfabric.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netfabric.core.Fabric;
import io.netfabric.core.FabricEvent;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A QMP server on a unix socket or TCP, for any number of clients at once.
 *
 * <p>Threads, as QEMU splits them (monitor/qmp.c: I/O in the monitor's own context, commands in
 * the main loop): socket I/O and JSON parsing run on this server's own one-thread event loop,
 * so a slow or hostile client never costs the data plane; each command then runs through the
 * fabric's methods, which execute on the fabric loop and block this thread until done. That
 * keeps one connection's replies in request order. Events come from the fabric on any thread
 * and are written to every negotiated client.
 *
 * <p>Each reply or event is one JSON object followed by CRLF, in QEMU's exact formatting
 * ({@link QJsonWriter}).
 */
public final class QmpServer implements AutoCloseable {
    private static final AttributeKey<QmpSession> SESSION = AttributeKey.valueOf("qmp-session");

    private final Fabric fabric;
    private final QmpDispatcher dispatcher;
    private final ChannelGroup clients = new DefaultChannelGroup("qmp-clients", GlobalEventExecutor.INSTANCE);
    private final Consumer<FabricEvent> eventListener = this::broadcast;
    private final MonitorSocket socket = new MonitorSocket("QMP", "netfabric-qmp");
    /** Completed by {@link #open}: clients are greeted from then on, as QEMU's monitor greets once startup is done. */
    private final java.util.concurrent.CompletableFuture<Void> opened = new java.util.concurrent.CompletableFuture<>();

    private QmpServer(Fabric fabric, QmpDispatcher dispatcher, QmpEndpoint endpoint) {
        this.fabric = fabric;
        this.dispatcher = dispatcher;
        // Half-closure allowed: a client that sends its commands and closes its side still gets
        // every reply (Connection closes it after them).
        socket.listen(endpoint, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new QmpFrameDecoder(), new Connection());
            }
        }, true);
        fabric.addEventListener(eventListener);
    }

    /** Starts serving {@code dispatcher}'s commands at {@code endpoint}; events come from {@code fabric}. */
    public static QmpServer start(QmpEndpoint endpoint, Fabric fabric, QmpDispatcher dispatcher) {
        QmpServer server = startHeld(endpoint, fabric, dispatcher);
        server.open();
        return server;
    }

    /**
     * Listens at {@code endpoint} but greets nobody until {@link #open}: a launcher binds its QMP
     * sockets before it creates the netdevs and opens them after, as QEMU creates the chardev
     * early and attaches the monitor late (vl.c), so a client never sees a half-built fabric.
     */
    public static QmpServer startHeld(QmpEndpoint endpoint, Fabric fabric, QmpDispatcher dispatcher) {
        return new QmpServer(fabric, dispatcher, endpoint);
    }

    /** Greets the clients that connected so far, and every later one at once. */
    public void open() {
        opened.complete(null);
    }

    /** Blocks until a client has connected (QEMU's {@code wait=on}). */
    public void awaitFirstClient() throws InterruptedException {
        socket.firstClient.await();
    }

    /** The bound address: a {@link DomainSocketAddress} or an {@link InetSocketAddress}. */
    public SocketAddress localAddress() {
        return socket.server().localAddress();
    }

    private void broadcast(FabricEvent e) {
        String line = QJsonWriter.write(QmpSession.event(e)) + "\r\n";
        for (Channel ch : clients) {
            if (ch.eventLoop().inEventLoop()) {
                sendEvent(ch, line); // keeps an event raised by a command ahead of its reply
            } else {
                ch.eventLoop().execute(() -> sendEvent(ch, line));
            }
        }
    }

    private static void sendEvent(Channel ch, String line) {
        QmpSession s = ch.attr(SESSION).get();
        if (s != null && s.negotiated() && ch.isActive()) {
            write(ch, line);
        }
    }

    private static io.netty.channel.ChannelFuture write(Channel ch, String line) {
        return ch.writeAndFlush(ByteBufUtil.writeUtf8(ch.alloc(), line));
    }

    /** Stops listening, closes every client, removes the socket file. */
    @Override
    public void close() {
        fabric.removeEventListener(eventListener);
        socket.stopListening();
        clients.close().syncUninterruptibly();
        socket.stopLoop();
    }

    /**
     * One client: greeting on connect, then one reply per message, in order. Until the server is
     * {@link #open}ed, what the client sends waits here (a {@code printf ... | socat} client sends
     * everything and half-closes at once); replies follow the greeting, and a client that closed
     * its side is closed once they are written.
     */
    private final class Connection extends SimpleChannelInboundHandler<Object> {
        private List<Object> held;
        private boolean inputClosed;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            ch.attr(SESSION).set(new QmpSession(dispatcher, MonitorSocket.fds(ch)));
            clients.add(ch);
            socket.firstClient.arrived();
            if (opened.isDone()) {
                greet(ch);
            } else {
                held = new ArrayList<>();
                opened.thenRun(() -> ch.eventLoop().execute(() -> release(ctx)));
            }
        }

        private void greet(Channel ch) {
            write(ch, QJsonWriter.write(QmpSession.greeting()) + "\r\n");
        }

        private void release(ChannelHandlerContext ctx) {
            List<Object> messages = held;
            held = null;
            if (!ctx.channel().isActive()) {
                return;
            }
            greet(ctx.channel());
            messages.forEach(m -> answer(ctx, m));
            if (inputClosed) {
                closeAfterReplies(ctx);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (held != null) {
                held.add(msg);
            } else {
                answer(ctx, msg);
            }
        }

        private void answer(ChannelHandlerContext ctx, Object msg) {
            ObjectNode reply;
            List<Runnable> after = new ArrayList<>();
            if (msg instanceof JsonMessageParser.ParseError e) {
                reply = QmpSession.parseError(e.getMessage());
            } else {
                reply = ctx.channel().attr(SESSION).get().handle((JsonNode) msg, after);
            }
            var future = write(ctx.channel(), QJsonWriter.write(reply) + "\r\n");
            if (!after.isEmpty()) {
                // On a thread of their own: quit's action typically closes this server, which
                // cannot wait for its own event loop from inside it.
                future.addListener((ChannelFutureListener) f -> new Thread(
                        () -> after.forEach(Runnable::run), "netfabric-qmp-after-reply").start());
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                inputClosed = true;
                if (held == null) {
                    closeAfterReplies(ctx);
                }
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        private void closeAfterReplies(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset client or an I/O error ends that connection only.
            ctx.close();
        }
    }
}
