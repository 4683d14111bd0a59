package io.netfabric.socket;

import io.netfabric.core.NetClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * QEMU's stream reassembly ({@code net_fill_rstate}, net/net.c; §3.1): a 4-byte big-endian
 * length, read unsigned, then that many bytes make one frame; a zero length gives an empty frame.
 *
 * <p>A length above {@link NetClient#MAX_FRAME} (69632) is no error by itself. QEMU keeps taking
 * that frame's bytes and fails only when more than 69632 of them have come: then it prints its
 * oversized message and closes the connection. Until then the connection stays, and a peer that
 * closes first just goes, without the message. The same here, checked against QEMU 7.2 by
 * {@code QemuInteropIT}; the bytes of such a frame are counted and dropped as they come (they can
 * never make a frame), not kept. The failure is a {@link TooLongFrameException}, after which
 * nothing more is decoded.
 *
 * <h2>No copy of a frame in user space</h2>
 * Frames leave as slices of the buffer the kernel read them into. A frame the read cut short is
 * finished where it started: the next read is steered ({@link #readAllocator}) to fill exactly
 * the rest of that frame, in the same buffer when it fits there, else in one of the frame's own
 * size (into which only the part already read is copied). A read buffer holds up to one largest
 * frame with its length, so a 64 KiB frame usually arrives whole in one read. Netty's
 * cumulating decoder instead copied every frame that spanned two reads into a growing buffer: for
 * 64 KiB frames that was a third copy of every byte (socket-relay, docs/PERFORMANCE.md).
 *
 * <p>Install with {@code config().setRecvByteBufAllocator(decoder.readAllocator())}. Loop thread.
 */
final class StreamFrameDecoder extends ChannelInboundHandlerAdapter {
    private static final int HEADER = 4;
    /** One largest frame and its length: the most one read needs. */
    static final int MAX_READ = HEADER + NetClient.MAX_FRAME;
    /** The largest read Netty's adaptive sizing asks for. */
    private static final int LARGEST_GUESS = 65536;
    /**
     * Reads and frame buffers from this size up come from the C heap (Netty's unpooled direct
     * buffers), not the channel's pooling allocator. The C heap hands back the block freed last,
     * still in the cache, and the read's copy lands there; a pool spreads large buffers over its
     * chunks, and the kernel's copy into cold memory then costs more than the allocation saves:
     * relay CPU per 64 KiB frame 35-39 µs from Netty 4.2's adaptive or pooled allocator against
     * 22-28 µs (socket-relay TCP 65535, docs/PERFORMANCE.md). Smaller reads keep the channel's.
     */
    static final int C_HEAP_FROM = 32 * 1024;

    /** Payload bytes of an oversized frame seen so far, or -1 outside one. */
    private long oversized = -1;
    private boolean failed;
    /** A frame (or a length) begun but not finished; its writer index is how much has come. */
    private ByteBuf pending;
    /** Bytes {@link #pending} still needs: of the length while {@code pendingLength < 0}, else of the frame. */
    private int pendingNeed;
    /** The frame's length once known, or -1 while the length itself is incomplete. */
    private int pendingLength = -1;
    /** The buffer the last steered read filled, recognised when it arrives. */
    private ByteBuf steered;

    /** A direct buffer of exactly {@code size}: from the C heap from {@link #C_HEAP_FROM} up. */
    private static ByteBuf buffer(ByteBufAllocator alloc, int size) {
        return size >= C_HEAP_FROM ? io.netty.buffer.UnpooledByteBufAllocator.DEFAULT.directBuffer(size, size)
                : alloc.directBuffer(size, size);
    }

    /** The channel's read sizes: Netty's adaptive guess, or exactly the rest of a pending frame. */
    RecvByteBufAllocator readAllocator() {
        return new SteeringAllocator();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (in == steered) {
            steered = null;
            int n = in.readableBytes();
            in.release();
            // The kernel wrote straight into the pending frame's memory.
            pending.writerIndex(pending.writerIndex() + n);
            pendingNeed -= n;
            if (pendingNeed == 0) {
                firePending(ctx);
            }
            return;
        }
        try {
            decode(ctx, in);
        } finally {
            in.release();
        }
    }

    private void decode(ChannelHandlerContext ctx, ByteBuf in) {
        if (pending != null && !complete(ctx, in)) {
            return;
        }
        while (in.isReadable()) {
            if (failed) {
                in.skipBytes(in.readableBytes());
                return;
            }
            if (oversized >= 0) {
                skipOversized(ctx, in);
                continue;
            }
            int readable = in.readableBytes();
            if (readable < HEADER) {
                begin(ctx.alloc(), in, HEADER, -1);
                return;
            }
            long len = in.getUnsignedInt(in.readerIndex());
            if (len > NetClient.MAX_FRAME) {
                in.skipBytes(HEADER);
                oversized = 0;
                continue;
            }
            if (readable < HEADER + len) {
                begin(ctx.alloc(), in, HEADER + (int) len, (int) len);
                return;
            }
            in.skipBytes(HEADER);
            ctx.fireChannelRead(in.readRetainedSlice((int) len));
        }
    }

    private void skipOversized(ChannelHandlerContext ctx, ByteBuf in) {
        oversized += in.readableBytes();
        in.skipBytes(in.readableBytes());
        if (oversized > NetClient.MAX_FRAME) {
            failed = true;
            ctx.fireExceptionCaught(new TooLongFrameException("more than " + NetClient.MAX_FRAME + " bytes of one frame"));
        }
    }

    /**
     * Keeps the unfinished rest of {@code in}: a length ({@code length} -1, {@code total} 4), or a
     * frame of {@code length} bytes with its length ({@code total}). A frame stays where it is when
     * its whole fits in {@code in}'s buffer, so that the next read completes it in place; else it
     * moves to a buffer of its own size.
     */
    private void begin(ByteBufAllocator alloc, ByteBuf in, int total, int length) {
        int have = in.readableBytes();
        int at = in.readerIndex();
        if (length >= 0 && at + total <= in.capacity()) {
            pending = in.retainedSlice(at, total).writerIndex(have);
        } else {
            pending = buffer(alloc, total).writeBytes(in, at, have);
        }
        in.skipBytes(have);
        pendingNeed = total - have;
        pendingLength = length;
    }

    /** Adds {@code in}'s first bytes to what is pending; true once that is done with. */
    private boolean complete(ChannelHandlerContext ctx, ByteBuf in) {
        if (pendingLength < 0) {
            // Only part of a length came last time.
            if (!fill(in)) {
                return false;
            }
            ByteBuf head = pending;
            long len = head.getUnsignedInt(head.readerIndex());
            if (len > NetClient.MAX_FRAME) {
                head.release();
                pending = null;
                oversized = 0;   // decode() goes on counting its bytes
                return true;
            }
            pending = buffer(ctx.alloc(), HEADER + (int) len).writeBytes(head);
            head.release();
            pendingNeed = (int) len;
            pendingLength = (int) len;
        }
        if (!fill(in)) {
            return false;
        }
        firePending(ctx);
        return true;
    }

    /** The pending frame is whole: it goes on without its length. */
    private void firePending(ChannelHandlerContext ctx) {
        ByteBuf frame = pending;
        pending = null;
        ctx.fireChannelRead(frame.skipBytes(HEADER));
    }

    /** Moves what {@link #pending} still needs, or what {@code in} has of it; true once complete. */
    private boolean fill(ByteBuf in) {
        int n = Math.min(pendingNeed, in.readableBytes());
        pending.writeBytes(in, n);
        pendingNeed -= n;
        return pendingNeed == 0;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }

    /** Reads into the pending frame's free tail while one is unfinished, else as Netty guesses. */
    private final class SteeringAllocator implements RecvByteBufAllocator {
        /**
         * Netty's sizing, with the channel's usual 16 reads per wake-up: the channel sets that on
         * allocators it recognises, not on a wrapper (left alone, one read per wake-up).
         */
        private final RecvByteBufAllocator adaptive =
                new io.netty.channel.AdaptiveRecvByteBufAllocator(64, 2048, LARGEST_GUESS).maxMessagesPerRead(16);

        @Override
        public Handle newHandle() {
            ExtendedHandle h = (ExtendedHandle) adaptive.newHandle();
            return new ExtendedHandle() {
                @Override
                public ByteBuf allocate(ByteBufAllocator alloc) {
                    if (pending != null && pendingLength >= 0 && pendingNeed > 0 && steered == null) {
                        int at = pending.writerIndex();
                        steered = pending.retainedSlice(at, pendingNeed).clear();
                        return steered;
                    }
                    // Netty's guesses stop at 65536, a byte short of a 64 KiB frame with its length:
                    // once reads are that large, read a largest frame whole.
                    int size = h.guess();
                    return buffer(alloc, size >= LARGEST_GUESS ? MAX_READ : size);
                }

                @Override
                public int guess() {
                    return h.guess();
                }

                @Override
                public void reset(io.netty.channel.ChannelConfig config) {
                    h.reset(config);
                }

                @Override
                public void incMessagesRead(int numMessages) {
                    h.incMessagesRead(numMessages);
                }

                @Override
                public void lastBytesRead(int bytes) {
                    if (bytes <= 0 && steered != null) {
                        // Nothing came (EAGAIN or EOF): Netty releases the buffer, not us.
                        steered = null;
                    }
                    h.lastBytesRead(bytes);
                }

                @Override
                public int lastBytesRead() {
                    return h.lastBytesRead();
                }

                @Override
                public void attemptedBytesRead(int bytes) {
                    h.attemptedBytesRead(bytes);
                }

                @Override
                public int attemptedBytesRead() {
                    return h.attemptedBytesRead();
                }

                @Override
                public boolean continueReading() {
                    return h.continueReading();
                }

                @Override
                public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
                    return h.continueReading(maybeMoreDataSupplier);
                }

                @Override
                public void readComplete() {
                    h.readComplete();
                }
            };
        }
    }
}
