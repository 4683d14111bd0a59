package io.netfabric.socket;

import io.netfabric.core.NetClient;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

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
 */
final class StreamFrameDecoder extends ByteToMessageDecoder {
    private static final int HEADER = 4;

    /** Payload bytes of an oversized frame seen so far, or -1 outside one. */
    private long oversized = -1;
    private boolean failed;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (oversized >= 0) {
            oversized += in.readableBytes();
            in.skipBytes(in.readableBytes());
            if (oversized > NetClient.MAX_FRAME) {
                failed = true;
                throw new TooLongFrameException("more than " + NetClient.MAX_FRAME + " bytes of one frame");
            }
            return;
        }
        int readable = in.readableBytes();
        if (readable < HEADER) {
            return;
        }
        long len = in.getUnsignedInt(in.readerIndex());
        if (len > NetClient.MAX_FRAME) {
            in.skipBytes(HEADER);
            oversized = 0;
            return;
        }
        if (readable < HEADER + len) {
            return;
        }
        in.skipBytes(HEADER);
        out.add(in.readRetainedSlice((int) len));
    }
}
