package io.netfabric.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.core.NetClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The stream framer as Netty's read loop drives it: each read fills the buffer the channel's
 * allocator hands out (steered into an unfinished frame or not), cut at random places, so
 * lengths and frames split anywhere; every frame must come out whole, in order, once.
 */
class StreamFrameDecoderTest {
    private final StreamFrameDecoder decoder = new StreamFrameDecoder();
    private final EmbeddedChannel ch = new EmbeddedChannel(decoder);
    private final RecvByteBufAllocator.Handle reads = decoder.readAllocator().newHandle();

    @Test
    void framesOfEverySizeSurviveEveryCut() {
        Random r = new Random(7);
        for (int round = 0; round < 12; round++) {
            // Reads of at most 3 bytes cut every length; they get short frames (a read is cheap,
            // but not with the paranoid leak detector on every buffer).
            boolean tiny = round % 3 == 0;
            List<byte[]> frames = new ArrayList<>();
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (int i = 0; i < 40; i++) {
                int len = tiny ? r.nextInt(300) : switch (r.nextInt(5)) {
                    case 0 -> r.nextInt(8);                         // empty and tiny
                    case 1 -> 60 + r.nextInt(1500);
                    case 2 -> NetClient.MAX_FRAME - r.nextInt(8);   // the largest
                    default -> r.nextInt(NetClient.MAX_FRAME + 1);
                };
                byte[] f = new byte[len];
                r.nextBytes(f);
                frames.add(f);
                wire.writeBytes(new byte[] {(byte) (len >>> 24), (byte) (len >>> 16), (byte) (len >>> 8), (byte) len});
                wire.writeBytes(f);
            }
            byte[] bytes = wire.toByteArray();
            // Reads as a socket gives them: never more than asked, often less.
            int maxRead = tiny ? 3 : round % 3 == 1 ? 1 + r.nextInt(5000) : Integer.MAX_VALUE;
            feed(bytes, r, maxRead);
            for (byte[] f : frames) {
                ByteBuf got = ch.readInbound();
                assertThat(got).as("a frame of %d bytes", f.length).isNotNull();
                assertThat(ByteBufUtil.getBytes(got)).isEqualTo(f);
                got.release();
            }
            assertThat((Object) ch.readInbound()).isNull();
        }
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void largeFramesAreFilledWhereTheyStartedNotCopiedFromTheReadBuffer() {
        byte[] f = new byte[65535];
        new Random(3).nextBytes(f);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < 4; i++) {
            wire.writeBytes(new byte[] {0, 0, (byte) 0xff, (byte) 0xff});
            wire.writeBytes(f);
        }
        // Reads of whatever is asked for: the allocator's buffers decide where reads end.
        List<Integer> sizes = feed(wire.toByteArray(), new Random(1), Integer.MAX_VALUE);
        for (int i = 0; i < 4; i++) {
            ByteBuf got = ch.readInbound();
            assertThat(ByteBufUtil.getBytes(got)).isEqualTo(f);
            got.release();
        }
        // A steered read asks for exactly the rest of its frame: the reads end at frame ends.
        int total = 0;
        int ends = 0;
        for (int s : sizes) {
            total += s;
            if (total % (4 + 65535) == 0) {
                ends++;
            }
        }
        assertThat(ends).as("reads ending at a frame's end, of %s", sizes).isEqualTo(4);
    }

    @Test
    void aFullReadIsFollowedByAnotherInTheSameWakeUp() {
        // Netty sets 16 reads per wake-up only on allocators it knows; one read per wake-up
        // halved the relay's 64 KiB rate (a wake-up and a writev per read).
        reads.reset(ch.config());
        for (int i = 0; i < 15; i++) {
            ByteBuf b = reads.allocate(PooledByteBufAllocator.DEFAULT);
            reads.attemptedBytesRead(b.writableBytes());
            reads.lastBytesRead(b.writableBytes());
            reads.incMessagesRead(1);
            b.release();
            assertThat(reads.continueReading()).as("after read %d", i + 1).isTrue();
        }
    }

    @Test
    void anOversizedLengthFailsAfterQemusLimitAndNothingMoreComesOut() {
        ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer();
        in.writeInt(NetClient.MAX_FRAME + 1).writeZero(NetClient.MAX_FRAME);
        ch.writeInbound(in);
        assertThat((Object) ch.readInbound()).isNull();
        ch.checkException();   // 69632 bytes of it: not yet
        try {
            ch.writeInbound(PooledByteBufAllocator.DEFAULT.directBuffer().writeZero(1));
            ch.checkException();
            throw new AssertionError("no failure at the 69633rd byte");
        } catch (TooLongFrameException expected) {
            // QEMU's "oversized packet received" point
        }
        ch.writeInbound(PooledByteBufAllocator.DEFAULT.directBuffer().writeInt(1).writeByte(9));
        assertThat((Object) ch.readInbound()).isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void aConnectionEndingMidFrameReleasesWhatWasPending() {
        ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer();
        in.writeInt(40_000).writeZero(10_000);
        ch.writeInbound(in);
        ch.writeInbound(PooledByteBufAllocator.DEFAULT.directBuffer().writeShort(0));
        assertThat(ch.finishAndReleaseAll()).isFalse();   // the leak check fails the test otherwise
    }

    /** Netty's read loop: allocate, fill up to what was asked (and the cut), report, fire. */
    private List<Integer> feed(byte[] bytes, Random r, int maxRead) {
        List<Integer> sizes = new ArrayList<>();
        int off = 0;
        while (off < bytes.length) {
            ByteBuf buf = reads.allocate(PooledByteBufAllocator.DEFAULT);
            int n = Math.min(Math.min(buf.writableBytes(), bytes.length - off),
                    maxRead == Integer.MAX_VALUE ? Integer.MAX_VALUE : 1 + r.nextInt(maxRead));
            buf.writeBytes(bytes, off, n);
            off += n;
            sizes.add(n);
            reads.lastBytesRead(n);
            ch.writeInbound(buf);
        }
        return sizes;
    }
}
