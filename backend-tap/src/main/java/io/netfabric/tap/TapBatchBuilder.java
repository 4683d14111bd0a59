package io.netfabric.tap;

import io.netfabric.wire.virtio.GsoSegmenter;
import io.netfabric.wire.virtio.Offload;
import io.netfabric.wire.virtio.VirtioNetHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the reads of one wake-up into a {@link TapQueueReader.Batch}: each read is checked,
 * its virtio-net header becomes the frame's {@link Offload} descriptor, and the frame is copied
 * out of the reader's scratch buffer into a right-sized pooled buffer. One per reader, used by
 * one thread. A reader whose batches are consumed before its next read (the loop reader) builds
 * every batch in the same list and descriptor array ({@code reuse}, then {@link #delivered});
 * the thread reader hands each batch to another thread and gets fresh ones.
 */
final class TapBatchBuilder {
    private final int hdrLen;
    private final int capacity;
    private final boolean reuse;
    private final VirtioNetHeader hdr = new VirtioNetHeader();
    private List<ByteBuf> frames;
    private long[] offloads;
    private int malformed;

    /**
     * @param capacity the most frames one batch can hold ({@code BATCH} times the queues)
     * @param reuse    the caller delivers each batch before the next {@link #add} and then calls
     *                 {@link #delivered}
     */
    TapBatchBuilder(int hdrLen, int capacity, boolean reuse) {
        this.hdrLen = hdrLen;
        this.capacity = capacity;
        this.reuse = reuse;
    }

    /** Takes the {@code len} bytes read into {@code scratch} at 0 (header first when the tap has one). */
    void add(ByteBuf scratch, int len) {
        // A read no longer than the header carries no frame (QEMU 10.1 drops it too).
        if (len <= hdrLen || hdrLen != 0 && !hdr.wrapChecked(scratch, 0, hdrLen)) {
            malformed++;
            return;
        }
        if (frames == null) {
            frames = new ArrayList<>(TapQueueReader.BATCH);
        }
        // The frame goes out whole with its descriptor; the fabric completes or segments it
        // only for a receiver without offloads (NetClient#sendAsync).
        long offload = hdrLen == 0 ? Offload.NONE : Offload.of(hdr);
        if (offload != Offload.NONE) {
            if (offloads == null) {
                offloads = new long[capacity];
            }
            offloads[frames.size()] = offload;
        }
        frames.add(copy(scratch, hdrLen, len - hdrLen));
    }

    boolean isEmpty() {
        return (frames == null || frames.isEmpty()) && malformed == 0;
    }

    /** The batch so far, or null when nothing was read; starts a new one. */
    TapQueueReader.Batch take() {
        if (isEmpty()) {
            return null;
        }
        TapQueueReader.Batch b = new TapQueueReader.Batch(frames == null ? List.of() : frames, offloads, malformed);
        if (!reuse) {
            frames = null;
            offloads = null;
        }
        malformed = 0;
        return b;
    }

    /** Reuse mode: the batch last taken was consumed; its list and descriptors are refilled next. */
    void delivered() {
        if (frames != null) {
            if (offloads != null) {
                Arrays.fill(offloads, 0, frames.size(), Offload.NONE);
            }
            frames.clear();
        }
    }

    /** A right-sized pooled copy of a read, padded to 60 octets as QEMU pads for non-virtio peers (§1.6). */
    private static ByteBuf copy(ByteBuf src, int off, int len) {
        int size = Math.max(len, GsoSegmenter.MIN_FRAME);
        ByteBuf f = PooledByteBufAllocator.DEFAULT.directBuffer(size);
        f.writeBytes(src, off, len);
        if (len < size) {
            f.writeZero(size - len);
        }
        return f;
    }
}
