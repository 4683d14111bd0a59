package io.netfabric.vde;

import io.netfabric.core.CoalescedFlush;
import io.netfabric.core.DropReason;
import io.netfabric.core.NetClient;
import io.netfabric.core.SentCallback;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.options.VdeOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code vde} netdev: one port of a VDE switch (QEMU net/vde.c). Each frame is one datagram
 * on our unix datagram socket, connected to the switch's socket for the port; there is no
 * header. The control connection stays open for the port's life: closing it frees the port.
 *
 * <h2>Frame ownership</h2>
 * {@link #receive} writes the frame's buffer to the socket as it is (the channel releases it once
 * sent or failed). A received datagram is copied into a buffer of its own size, the 68 KiB
 * receive slot released at once, and the copy sent to the peer.
 *
 * <h2>Back-pressure</h2>
 * QEMU sends received frames with {@code qemu_send_packet} and drops what a busy peer cannot
 * queue; we stop reading until the queued frame's callback instead (the switch then drops, as it
 * does for any slow port). While the socket cannot take more, {@link #canReceive()} is false and
 * the fabric holds frames for us until the channel is writable again.
 *
 * <h2>The switch going away</h2>
 * QEMU notices nothing and says nothing: it never reads the control socket, and its sends to
 * the dead switch fail silently. We do the same for frames (counted in {@link #sendErrors()})
 * and log one warning when the control connection closes. The port is not reopened: a restarted
 * switch needs the netdev deleted and added again, as in QEMU.
 */
public final class VdeNetdev extends NetClient {
    private static final Logger log = LoggerFactory.getLogger(VdeNetdev.class);

    private final VdePlug plug;
    private final String sock;
    private final SentCallback resume = (client, len) -> resumeReading();
    private long sendErrors;
    private boolean switchConnected = true;
    private boolean readingPaused;
    /** One flush per loop turn: a burst from the hub leaves in one go. */
    private final CoalescedFlush flush;
    private boolean closed;

    VdeNetdev(String name, String sock, VdePlug plug) {
        super(name, "vde");
        this.sock = sock;
        this.plug = plug;
        this.flush = new CoalescedFlush(plug.data.eventLoop(), plug.data::flush);   // registered by VdePlug.open
    }

    void start() {
        plug.control.pipeline().addLast(new ControlWatch());
        plug.data.pipeline().addLast(new Reader());
        plug.data.config().setAutoRead(true);
    }

    /** QEMU net/vde.c {@code net_vde_init}: {@code sock=%s,fd=%d} (sock is "(null)" when not given). */
    @Override
    public String info() {
        return "sock=" + (sock == null ? "(null)" : sock) + ",fd=" + plug.data.fd().intValue();
    }

    /**
     * QEMU 6.0-rc's {@code net_vde_init()} stored config (reference §10): {@code port} and
     * {@code mode} always, 0 and 0700 when not given; {@code sock} and {@code group} as given.
     */
    @Override
    public Netdev storedConfig() {
        Netdev given = creationOptions();
        if (given == null || !(given.options() instanceof VdeOptions o)) {
            return given;
        }
        return new Netdev(given.id(), new VdeOptions(o.sock(), o.port() == null ? 0 : o.port(), o.group(),
                o.mode() == null ? VdePlug.DEFAULT_MODE : o.mode()));
    }

    /** Where our datagram socket is bound. */
    public String dataSocket() {
        return plug.dataSocket.toString();
    }

    /** The switch's datagram socket for our port, as it answered. */
    public String switchSocket() {
        return plug.switchSocket;
    }

    /** Frames the kernel refused to send (the switch gone, its socket full). */
    public long sendErrors() {
        return sendErrors;
    }

    /** False once the switch closed the control connection. */
    public boolean switchConnected() {
        return switchConnected;
    }

    // ---------------------------------------------------------------- frames out

    @Override
    protected boolean canReceive() {
        return plug.data.isWritable();
    }

    @Override
    protected int receive(ByteBuf frame) {
        int len = frame.readableBytes();
        if (closed) {
            counters().drop(DropReason.RECEIVER_ERROR);
            frame.release();
            return len;
        }
        plug.data.write(frame, plug.data.voidPromise());
        flush.request();
        return len;
    }


    // ---------------------------------------------------------------- frames in

    private void datagramReceived(ByteBuf d) {
        int len = d.readableBytes();
        if (len == 0) {
            counters().drop(DropReason.BAD_LENGTH);
            d.release();
            return;
        }
        ByteBuf frame;
        try {
            frame = PooledByteBufAllocator.DEFAULT.directBuffer(len, len).writeBytes(d);
        } finally {
            d.release();
        }
        if (sendAsync(frame, resume) == 0 && !readingPaused) {
            readingPaused = true;
            plug.data.config().setAutoRead(false);
        }
    }

    private void resumeReading() {
        if (readingPaused && !closed) {
            readingPaused = false;
            plug.data.config().setAutoRead(true);
        }
    }

    @Override
    protected void cleanup() {
        closed = true;
        plug.data.close();
        plug.control.close();
        // libvdeplug vde_close unlinks the plug's socket file.
        VdePlug.deleteQuietly(plug.dataSocket);
    }

    private final class Reader extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DomainDatagramPacket p) {
                datagramReceived(p.content());
            } else if (msg instanceof ByteBuf b) {
                datagramReceived(b);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                flushQueued();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A datagram the kernel refused: ECONNREFUSED/ENOENT once the switch is gone.
            sendErrors++;
            if (sendErrors == 1) {
                log.warn("{}: sending to the switch failed, frames are dropped: {}", name(), cause.toString());
            } else {
                log.debug("{}: {}", name(), cause.toString());
            }
        }
    }

    /** The control connection: the switch never writes on it; its end is the switch's end. */
    private final class ControlWatch extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            switchConnected = false;
            if (!closed) {
                log.warn("{}: the VDE switch closed the control connection of port socket {}; "
                        + "delete and re-add the netdev once the switch is back", name(), plug.switchSocket);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("{}: control connection: {}", name(), cause.toString());
            ctx.close();
        }
    }
}
