package io.netfabric.nic;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A NIC's guest side as a unix stream socket server (our extension, {@code -device
 * ...,guest=unix:PATH}): one client at a time exchanges frames with the NIC in the framing of
 * QEMU's {@code -netdev stream}/{@code socket} (net/net.c {@code net_fill_rstate}: a 32-bit
 * big-endian length, then the frame). What the client sends is what the guest sends; what the
 * NIC's filter passes is written to the client.
 *
 * <p>Back-pressure both ways, as QEMU's stream backend does: when the NIC's peer is busy the
 * endpoint stops reading the socket until the frame's callback; when the socket is not writable
 * the endpoint answers "busy" and flushes the NIC when it drains. Without a client, frames for
 * the guest are dropped (counted in {@link #droppedWithoutClient()}). A length above QEMU's
 * {@code NET_BUFSIZE} closes the connection. Runs on the fabric's event loop.
 */
public final class GuestStreamEndpoint implements GuestPort, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GuestStreamEndpoint.class);

    private final Path path;
    private Channel server;
    private Channel client;
    private Nic nic;
    private long droppedWithoutClient;

    private GuestStreamEndpoint(Path path) {
        this.path = path;
    }

    /**
     * Binds the server at {@code path} (an old socket file there is removed first, as QEMU's
     * {@code unix_listen_saddr} does). Call from outside the fabric's loop. Refused with QEMU's
     * {@code Failed to bind socket to PATH: REASON}.
     */
    public static GuestStreamEndpoint listen(Fabric fabric, Path path) {
        GuestStreamEndpoint e = new GuestStreamEndpoint(path);
        try {
            Files.deleteIfExists(path);
        } catch (IOException ex) {
            throw FabricException.generic("Failed to unlink socket " + path + ": " + ex.getMessage());
        }
        Transport t = fabric.transport();
        SocketAddress addr = t == Transport.EPOLL ? new DomainSocketAddress(path.toString())
                : UnixDomainSocketAddress.of(path);
        ChannelFuture f = new ServerBootstrap()
                .group(fabric.eventLoop())
                .channel(t.serverDomainSocketChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(e.new Framing());
                    }
                })
                .bind(addr)
                .awaitUninterruptibly();
        if (!f.isSuccess()) {
            Throwable c = f.cause();
            String reason = c.getMessage() != null ? c.getMessage() : c.toString();
            // Netty's native errors read "bind(..) failed: No such file or directory".
            int colon = reason.indexOf("failed: ");
            throw FabricException.generic("Failed to bind socket to " + path + ": "
                    + (colon >= 0 ? reason.substring(colon + 8) : reason));
        }
        e.server = f.channel();
        return e;
    }

    /** The socket path. */
    public Path path() {
        return path;
    }

    /** Frames the NIC passed while no client was connected. Loop thread. */
    public long droppedWithoutClient() {
        return droppedWithoutClient;
    }

    void bind(Nic n) {
        this.nic = n;
    }

    @Override
    public int receive(ByteBuf frame) {
        Channel ch = client;
        int len = frame.readableBytes();
        if (ch == null || !ch.isActive()) {
            droppedWithoutClient++;
            frame.release();
            return len;
        }
        if (!ch.isWritable()) {
            return 0;
        }
        ch.write(ch.alloc().directBuffer(4).writeInt(len));
        ch.writeAndFlush(frame, ch.voidPromise());
        return len;
    }

    @Override
    public boolean canReceive() {
        Channel ch = client;
        return ch == null || ch.isWritable();
    }

    /** Closes the client and the server and removes the socket file. Idempotent. */
    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
            server = null;
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                log.debug("could not remove {}", path, e);
            }
        }
    }

    /** Stream framing and flow control for the one client. */
    private final class Framing extends ChannelInboundHandlerAdapter {
        private ByteBuf cumulation;
        private boolean paused;
        private Channel ch;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (client != null || nic == null) {
                // One guest at a time, like QEMU's stream server after its accept.
                ctx.close();
                return;
            }
            ch = ctx.channel();
            client = ch;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            if (ch == null) {
                in.release();
                return;
            }
            if (cumulation == null) {
                cumulation = in;
            } else {
                if (cumulation.writableBytes() < in.readableBytes()) {
                    ByteBuf bigger = ctx.alloc().directBuffer(cumulation.readableBytes() + in.readableBytes());
                    bigger.writeBytes(cumulation);
                    cumulation.release();
                    cumulation = bigger;
                }
                cumulation.writeBytes(in);
                in.release();
            }
            drain();
        }

        /** Sends every complete frame to the fabric until the NIC's peer gets busy. */
        private void drain() {
            ByteBuf c = cumulation;
            while (!paused && c != null && c.readableBytes() >= 4) {
                long len = c.getUnsignedInt(c.readerIndex());
                if (len > NetClient.MAX_FRAME) {
                    log.debug("guest {}: frame length {} above {}, closing", path, len, NetClient.MAX_FRAME);
                    ch.close();
                    return;
                }
                if (c.readableBytes() < 4 + len) {
                    break;
                }
                c.skipBytes(4);
                ByteBuf frame = ch.alloc().directBuffer((int) len).writeBytes(c, (int) len);
                if (nic.sendAsync(frame, (sender, ret) -> resume()) == 0) {
                    paused = true;
                    ch.config().setAutoRead(false);
                }
            }
            if (c != null && !c.isReadable()) {
                c.release();
                cumulation = null;
            } else if (c != null) {
                c.discardSomeReadBytes();
            }
        }

        private void resume() {
            paused = false;
            if (ch == null) {
                return;
            }
            drain();
            if (!paused && ch.isActive()) {
                ch.config().setAutoRead(true);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && nic != null) {
                nic.flushQueued();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ch != null && client == ch) {
                client = null;
            }
            ch = null;
            if (cumulation != null) {
                cumulation.release();
                cumulation = null;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("guest {}: {}", path, cause.toString());
            ctx.close();
        }
    }
}
