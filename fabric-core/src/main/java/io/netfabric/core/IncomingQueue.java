package io.netfabric.core;

import io.netfabric.wire.virtio.Offload;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Frames waiting to be delivered to one receiver, QEMU's {@code NetQueue} (net/queue.c).
 *
 * <p>Contract, all on the fabric's event loop:
 * <ul>
 *   <li>A frame is queued when the receiver is already delivering (re-entrancy), when the
 *       receiver cannot receive now, or when its {@code receive} answered 0 (busy).</li>
 *   <li>A frame without a {@link SentCallback} is dropped when {@value #MAX_LEN} frames are
 *       already queued; a frame with one is always queued, because its sender has promised to
 *       stop until the callback fires.</li>
 *   <li>Nothing retries on its own: only {@link NetClient#flushQueued()} by the receiver (when it
 *       is ready again) delivers the backlog, in order, stopping at the first busy answer.</li>
 * </ul>
 * The queue owns one reference to each queued frame. Storage is a ring of parallel arrays so a
 * steady state with an empty queue allocates nothing.
 */
final class IncomingQueue {
    /** QEMU's {@code nq_maxlen} for every client's incoming queue. */
    static final int MAX_LEN = 10000;

    private final NetClient receiver;
    private ByteBuf[] frames = new ByteBuf[16];
    private NetClient[] senders = new NetClient[16];
    private SentCallback[] callbacks = new SentCallback[16];
    /** The {@link Offload} descriptor of each queued frame, {@code NONE} for ordinary ones. */
    private long[] offloads = new long[16];
    private int head;
    private int size;
    private boolean delivering;

    IncomingQueue(NetClient receiver) {
        this.receiver = receiver;
    }

    int size() {
        return size;
    }

    /** {@code qemu_net_queue_send}: deliver now or queue. Takes the frame's reference. */
    int send(NetClient sender, ByteBuf frame, long offload, SentCallback cb) {
        if (delivering || !sender.canSend()) {
            append(sender, frame, offload, cb);
            return 0;
        }
        int ret = deliver(sender, frame, offload);
        if (ret == 0) {
            append(sender, frame, offload, cb);
            return 0;
        }
        flush();
        return ret;
    }

    private void append(NetClient sender, ByteBuf frame, long offload, SentCallback cb) {
        if (size >= MAX_LEN && cb == null) {
            receiver.counters().drop(DropReason.QUEUE_FULL);
            frame.release();
            return;
        }
        if (size == frames.length) {
            grow();
        }
        int tail = (head + size) & (frames.length - 1);
        frames[tail] = frame;
        senders[tail] = sender;
        callbacks[tail] = cb;
        offloads[tail] = offload;
        size++;
    }

    private void grow() {
        int n = frames.length;
        ByteBuf[] f = new ByteBuf[n * 2];
        NetClient[] s = new NetClient[n * 2];
        SentCallback[] c = new SentCallback[n * 2];
        long[] o = new long[n * 2];
        for (int i = 0; i < size; i++) {
            int j = (head + i) & (n - 1);
            f[i] = frames[j];
            s[i] = senders[j];
            c[i] = callbacks[j];
            o[i] = offloads[j];
        }
        frames = f;
        senders = s;
        callbacks = c;
        offloads = o;
        head = 0;
    }

    /**
     * {@code qemu_deliver_packet_iov}. Returns the receiver's answer: positive delivered, 0 busy
     * (the caller keeps the reference), negative refused (released). A frame dropped because the
     * receiver's link is down counts as delivered, as in QEMU. Frames are never empty: senders
     * drop those first, see {@link NetClient#sendAsync}. A frame with an offload descriptor goes
     * to {@link NetClient#receiveOffloaded}: the sender gave it one only because the receiver
     * {@linkplain NetClient#acceptsOffload() accepts} them.
     */
    private int deliver(NetClient sender, ByteBuf frame, long offload) {
        NetClient r = receiver;
        int len = frame.readableBytes();
        if (r.linkDown()) {
            r.counters().drop(DropReason.RECEIVER_LINK_DOWN);
            frame.release();
            return len;
        }
        if (r.receiveDisabled) {
            return 0;
        }
        if (r.filterRx(frame)) {
            return len;
        }
        delivering = true;
        int ret;
        try {
            ret = offload == Offload.NONE ? r.receive(frame) : r.receiveOffloaded(frame, offload);
        } finally {
            delivering = false;
        }
        if (ret == 0) {
            r.receiveDisabled = true;
        } else if (ret < 0) {
            r.counters().drop(DropReason.RECEIVER_ERROR);
        } else {
            r.counters.rxFrames++;
            r.counters.rxBytes += len;
        }
        return ret;
    }

    /** {@code qemu_net_queue_flush}: true when the queue emptied. */
    boolean flush() {
        while (size > 0) {
            int i = head;
            ByteBuf frame = frames[i];
            NetClient sender = senders[i];
            SentCallback cb = callbacks[i];
            long offload = offloads[i];
            frames[i] = null;
            senders[i] = null;
            callbacks[i] = null;
            head = (head + 1) & (frames.length - 1);
            size--;
            int ret = deliver(sender, frame, offload);
            if (ret == 0) {
                // Busy again: back to the head, in order.
                head = (head - 1) & (frames.length - 1);
                frames[head] = frame;
                senders[head] = sender;
                callbacks[head] = cb;
                offloads[head] = offload;
                size++;
                return false;
            }
            if (cb != null) {
                cb.sent(sender, ret);
            }
        }
        return true;
    }

    /** {@code qemu_net_queue_purge}: drops every frame from {@code sender}, telling its callbacks 0. */
    void purge(NetClient sender) {
        int n = size;
        int kept = 0;
        for (int k = 0; k < n; k++) {
            int i = (head + k) & (frames.length - 1);
            if (senders[i] == sender) {
                frames[i].release();
                SentCallback cb = callbacks[i];
                frames[i] = null;
                senders[i] = null;
                callbacks[i] = null;
                if (cb != null) {
                    cb.sent(sender, 0);
                }
            } else {
                if (kept != k) {
                    int j = (head + kept) & (frames.length - 1);
                    frames[j] = frames[i];
                    senders[j] = senders[i];
                    callbacks[j] = callbacks[i];
                    offloads[j] = offloads[i];
                    frames[i] = null;
                    senders[i] = null;
                    callbacks[i] = null;
                }
                kept++;
            }
        }
        size = kept;
    }

    /** Releases everything; the receiver is going away. */
    void clear() {
        while (size > 0) {
            int i = head;
            frames[i].release();
            frames[i] = null;
            senders[i] = null;
            callbacks[i] = null;
            head = (head + 1) & (frames.length - 1);
            size--;
        }
        Arrays.fill(frames, null);
    }
}
