package io.netfabric.tap;

import io.netfabric.wire.virtio.Offload;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * How a tap's queue fds are read: on the fabric's event loop through its epoll set
 * ({@link LoopTapReader}, the default with the epoll transport) or on a thread of their own that
 * polls and hands batches to the loop ({@link TapReader}, with NIO or on request). Both read up
 * to {@link #BATCH} frames per queue per wake-up, stop reading while the peer is busy
 * ({@link #pause}) until the sent-callback {@link #resume}s them (QEMU's {@code tap_send} /
 * {@code tap_send_completed}, §1.4), and watch a queue that answered EAGAIN for writability.
 * The choice between them was made by {@code benchmarks/scripts/tap-reader.sh}
 * (docs/PERFORMANCE.md, "tap reader").
 *
 * <p>The client calls every method on the loop thread, except that {@link #resume} may come
 * from a sent-callback.
 */
interface TapQueueReader {
    /** Frames read per wake-up and per queue before the batch goes to the peer (QEMU: 50). */
    int BATCH = 64;

    /** {@code -Dnetfabric.tap.reader=thread|loop}: which reader a tap uses; loop by default on epoll. */
    String PROPERTY = "netfabric.tap.reader";

    /**
     * What a reader hands the client: frames in order, the {@link Offload} descriptor of each
     * (null when none was offloaded), and how many reads it dropped.
     */
    record Batch(List<ByteBuf> frames, long[] offloads, int malformed) {
        long offload(int i) {
            return offloads == null ? Offload.NONE : offloads[i];
        }
    }

    /** The client's side; called on the loop. */
    interface Sink {
        void deliver(Batch batch);

        /** A queue that answered EAGAIN can be written again. */
        void writable();
    }

    void start();

    void pause();

    void resume();

    void wantWritable(int queue);

    /** The client finished a batch; reading may go on. */
    void batchDone();

    /** Stops reading; the fds stay open (the device owns them). */
    void close();
}
