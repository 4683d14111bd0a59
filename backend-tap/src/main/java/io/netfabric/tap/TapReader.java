package io.netfabric.tap;

import static io.netfabric.tap.Native.LIBC;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O thread of one tap: waits in {@code poll(2)} on the tap's queue fds (non-blocking) and
 * an eventfd, reads frames in batches and hands each batch to the fabric's loop with one
 * {@code execute}, and tells the loop when a queue that answered EAGAIN became writable.
 *
 * <h2>Flow control</h2>
 * Reading stops (POLLIN is not asked for) while {@link #MAX_BATCHES_IN_FLIGHT} batches wait for
 * the loop, and while the peer is busy ({@link #pause}) until the fabric's sent-callback
 * {@link #resume}s it: QEMU's {@code tap_send} / {@code tap_send_completed} (§1.4). The kernel
 * then queues in the tap (txqueuelen) and the sender's TCP backs off, instead of us dropping.
 *
 * <p>Thread: its own. The client calls {@link #pause}, {@link #resume}, {@link #wantWritable},
 * {@link #batchDone} and {@link #close} from the loop.
 */
final class TapReader implements TapQueueReader, Runnable {
    private static final Logger log = LoggerFactory.getLogger(TapReader.class);
    private static final int MAX_BATCHES_IN_FLIGHT = 2;
    private static final int POLLFD_SIZE = 8;
    /** The eventfd increment every wake-up writes: one shared buffer, never freed. */
    private static final ByteBuf WAKE_WORD = Unpooled.unreleasableBuffer(Unpooled.directBuffer(8).writeLongLE(1));

    private final int[] fds;
    private final int hdrLen;
    private final Sink sink;
    private final java.util.concurrent.Executor loop;
    private final int wakeFd;
    private final Thread thread;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Bit i set: queue i answered EAGAIN to a write; watch it for POLLOUT. */
    private final AtomicInteger wantWrite = new AtomicInteger();
    private final boolean[] dead;
    private volatile boolean paused;
    private volatile boolean closed;

    TapReader(String name, int[] fds, int hdrLen, java.util.concurrent.Executor loop, Sink sink) {
        this.fds = fds;
        this.hdrLen = hdrLen;
        this.loop = loop;
        this.sink = sink;
        this.dead = new boolean[fds.length];
        int efd = LIBC.eventfd(0, Native.EFD_CLOEXEC | Native.EFD_NONBLOCK);
        if (efd < 0) {
            throw TapDevice.errno("eventfd", Native.errno());
        }
        this.wakeFd = efd;
        this.thread = new Thread(this, "netfabric-tap-" + name);
        this.thread.setDaemon(true);
    }

    @Override
    public void start() {
        thread.start();
    }

    @Override
    public void pause() {
        paused = true;
    }

    @Override
    public void resume() {
        if (paused) {
            paused = false;
            wake();
        }
    }

    @Override
    public void wantWritable(int queue) {
        if ((wantWrite.getAndUpdate(w -> w | (1 << queue)) & (1 << queue)) == 0) {
            wake();
        }
    }

    /** The loop finished a batch; reading may go on. */
    @Override
    public void batchDone() {
        if (inFlight.getAndDecrement() == MAX_BATCHES_IN_FLIGHT) {
            wake();
        }
    }

    private void wake() {
        LIBC.write(wakeFd, WAKE_WORD.memoryAddress(), 8);
    }

    /** Stops the thread and waits for it; the fds stay open (the device owns them). */
    @Override
    public void close() {
        closed = true;
        wake();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIBC.close(wakeFd);
    }

    @Override
    public void run() {
        int n = fds.length;
        ByteBuf pfd = Unpooled.directBuffer((n + 1) * POLLFD_SIZE);
        // One read buffer: the largest frame plus its header, copied out into right-sized frames.
        ByteBuf scratch = Unpooled.directBuffer(hdrLen + io.netfabric.core.NetClient.MAX_FRAME);
        TapBatchBuilder batch = new TapBatchBuilder(hdrLen, BATCH * n, false);
        try {
            long pfdAddr = pfd.memoryAddress();
            long scratchAddr = scratch.memoryAddress();
            int scratchCap = scratch.capacity();
            while (!closed) {
                boolean reading = !paused && inFlight.get() < MAX_BATCHES_IN_FLIGHT;
                int ww = wantWrite.get();
                for (int i = 0; i < n; i++) {
                    int ev = (reading && !dead[i] ? Native.POLLIN : 0) | (((ww >>> i) & 1) != 0 ? Native.POLLOUT : 0);
                    pfd.setIntLE(i * POLLFD_SIZE, ev == 0 ? -1 : fds[i]);
                    pfd.setShortLE(i * POLLFD_SIZE + 4, ev);
                    pfd.setShortLE(i * POLLFD_SIZE + 6, 0);
                }
                pfd.setIntLE(n * POLLFD_SIZE, wakeFd);
                pfd.setShortLE(n * POLLFD_SIZE + 4, Native.POLLIN);
                pfd.setShortLE(n * POLLFD_SIZE + 6, 0);
                if (LIBC.poll(pfdAddr, n + 1, -1) < 0) {
                    if (Native.errno() == Native.EINTR) {
                        continue;
                    }
                    log.warn("tap poll failed: {}", Native.strerror(Native.errno()));
                    return;
                }
                if (pfd.getShortLE(n * POLLFD_SIZE + 6) != 0) {
                    LIBC.read(wakeFd, scratchAddr, 8);
                }
                if (closed) {
                    return;
                }
                int writable = 0;
                for (int i = 0; i < n; i++) {
                    int rev = pfd.getShortLE(i * POLLFD_SIZE + 6);
                    if (rev == 0) {
                        continue;
                    }
                    if ((rev & Native.POLLOUT) != 0) {
                        writable |= 1 << i;
                    }
                    if (!reading || (rev & (Native.POLLIN | Native.POLLERR | Native.POLLHUP)) == 0) {
                        continue;
                    }
                    for (int k = 0; k < BATCH; k++) {
                        long r = LIBC.read(fds[i], scratchAddr, scratchCap);
                        if (r < 0) {
                            int e = Native.errno();
                            if (e != Native.EAGAIN && e != Native.EINTR) {
                                // EBADFD/EIO: the interface went away (deleted, its namespace gone).
                                log.debug("tap read on fd {} failed: {}", fds[i], Native.strerror(e));
                                dead[i] = true;
                            }
                            break;
                        }
                        batch.add(scratch, (int) r);
                    }
                }
                if (writable != 0) {
                    int w = writable;
                    wantWrite.getAndUpdate(x -> x & ~w);
                    loop.execute(sink::writable);
                }
                Batch b = batch.take();
                if (b != null) {
                    inFlight.incrementAndGet();
                    loop.execute(() -> sink.deliver(b));
                }
            }
        } catch (RuntimeException | Error e) {
            log.error("tap reader stopped", e);
        } finally {
            scratch.release();
            pfd.release();
        }
    }

    /** The header length reads carry (0 or {@code VirtioNetHeader.LEN}). */
    int hdrLen() {
        return hdrLen;
    }
}
