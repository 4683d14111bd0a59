package io.netfabric.tap;

import io.netfabric.core.NetClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a tap's queue fds on the fabric's event loop: each fd joins the loop's epoll set as a
 * Netty {@link EpollIoHandle} (level-triggered), so a frame goes from {@code read(2)} to the
 * peer with no thread hand-off, and the loop's own wake-up serves both the tap and the sockets
 * the peer writes to. Reads use Netty's JNI {@link FileDescriptor#readAddress}.
 *
 * <h2>Flow control</h2>
 * EPOLLIN is dropped from the interest set while the peer is busy ({@link #pause}) and restored
 * by {@link #resume} (QEMU's {@code tap_send}/{@code tap_send_completed}, §1.4): the kernel queues
 * in the tap (txqueuelen) and the sender's TCP backs off. A queue that answered EAGAIN to a write
 * adds EPOLLOUT until it fires.
 *
 * <p>Thread: the fabric's loop only ({@link #resume} hops onto it when called elsewhere).
 */
final class LoopTapReader implements TapQueueReader {
    private static final Logger log = LoggerFactory.getLogger(LoopTapReader.class);

    private final IoEventLoop loop;
    private final Sink sink;
    private final Queue[] queues;
    private final TapBatchBuilder batch;
    /** One read buffer: the largest frame plus its header, copied out into right-sized frames. */
    private final ByteBuf scratch;
    private boolean paused;
    private boolean closed;

    /** True when {@code loop} can take an fd into its epoll set (the epoll transport). */
    static boolean fits(java.util.concurrent.Executor loop) {
        return loop instanceof IoEventLoop l && l.isCompatible(EpollIoHandle.class);
    }

    LoopTapReader(int[] fds, int hdrLen, IoEventLoop loop, Sink sink) {
        this.loop = loop;
        this.sink = sink;
        this.queues = new Queue[fds.length];
        for (int i = 0; i < fds.length; i++) {
            queues[i] = new Queue(i, fds[i]);
        }
        this.batch = new TapBatchBuilder(hdrLen, BATCH, true);
        this.scratch = Unpooled.directBuffer(hdrLen + NetClient.MAX_FRAME);
    }

    @Override
    public void start() {
        if (loop.inEventLoop()) {
            for (Queue q : queues) {
                q.register();
            }
        } else {
            loop.execute(this::start);
        }
    }

    @Override
    public void pause() {
        if (!paused) {
            paused = true;
            updateAll();
        }
    }

    @Override
    public void resume() {
        if (!loop.inEventLoop()) {
            loop.execute(this::resume);
        } else if (paused) {
            paused = false;
            updateAll();
        }
    }

    @Override
    public void wantWritable(int queue) {
        Queue q = queues[queue];
        if (!q.wantOut) {
            q.wantOut = true;
            q.update();
        }
    }

    @Override
    public void batchDone() {
        // Batches are delivered synchronously on the loop: nothing waits.
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (loop.inEventLoop()) {
            cancelAll();
            return;
        }
        try {
            loop.submit(this::cancelAll).syncUninterruptibly();
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The loop is gone and its epoll set with it; only our buffer is left.
            scratch.release();
        }
    }

    private void cancelAll() {
        for (Queue q : queues) {
            q.cancel();
        }
        scratch.release();
    }

    private void updateAll() {
        for (Queue q : queues) {
            q.update();
        }
    }

    /** One queue fd in the loop's epoll set. */
    private final class Queue implements EpollIoHandle {
        private final int index;
        private final FileDescriptor fd;
        private IoRegistration registration;
        private boolean wantOut;
        private boolean dead;

        Queue(int index, int fd) {
            this.index = index;
            this.fd = new FileDescriptor(fd);
        }

        void register() {
            loop.register(this).addListener(f -> {
                if (!f.isSuccess()) {
                    log.warn("tap fd {}: cannot join the event loop: {}", fd.intValue(), f.cause().toString());
                    dead = true;
                    return;
                }
                registration = (IoRegistration) f.getNow();
                if (closed) {
                    registration.cancel();
                } else {
                    update();
                }
            });
        }

        void update() {
            if (registration == null || !registration.isValid()) {
                return;
            }
            EpollIoOps ops = EpollIoOps.EPOLLERR;
            if (!paused && !dead && !closed) {
                ops = ops.with(EpollIoOps.EPOLLIN);
            }
            if (wantOut && !dead && !closed) {
                ops = ops.with(EpollIoOps.EPOLLOUT);
            }
            try {
                registration.submit(ops);
            } catch (Exception e) {
                log.debug("tap fd {}: epoll_ctl failed: {}", fd.intValue(), e.toString());
            }
        }

        void cancel() {
            if (registration != null) {
                registration.cancel();
            }
        }

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void handle(IoRegistration r, IoEvent event) {
            if (closed) {
                return;
            }
            EpollIoOps ops = ((EpollIoEvent) event).ops();
            if (wantOut && ops.contains(EpollIoOps.EPOLLOUT)) {
                wantOut = false;
                update();
                sink.writable();
            }
            if (!paused && !dead && !ops.equals(EpollIoOps.EPOLLOUT)) {
                read();
            }
        }

        private void read() {
            long addr = scratch.memoryAddress();
            int cap = scratch.capacity();
            for (int k = 0; k < BATCH; k++) {
                int r;
                try {
                    r = fd.readAddress(addr, 0, cap);
                } catch (IOException e) {
                    // EBADFD/EIO: the interface went away (deleted, its namespace gone).
                    log.debug("tap read on fd {} failed: {}", fd.intValue(), e.getMessage());
                    r = -1;
                }
                if (r == 0) {
                    break; // EAGAIN
                }
                if (r < 0) {
                    dead = true;
                    update();
                    break;
                }
                batch.add(scratch, r);
            }
            TapQueueReader.Batch b = batch.take();
            if (b != null) {
                try {
                    sink.deliver(b);   // synchronous: the sink keeps no reference to the batch
                } finally {
                    batch.delivered();
                }
            }
        }

        @Override
        public void close() {
            // The device owns and closes the fd; Netty calls this when the loop shuts down.
        }

        @Override
        public String toString() {
            return "tap queue " + index + " (fd " + fd.intValue() + ")";
        }
    }
}
