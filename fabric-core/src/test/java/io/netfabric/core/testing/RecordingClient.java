package io.netfabric.core.testing;

import io.netfabric.core.NetClient;
import io.netfabric.wire.virtio.Offload;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A test's stand-in for a netdev or a guest: the far end of whatever the test puts on the fabric.
 * It records every frame that reaches it and can play busy, take offloaded frames whole and count
 * link changes. Published in fabric-core's test-jar for the backend and NIC modules' tests
 * ({@code fabric-testkit} cannot hold it: fabric-core's own tests depend on the testkit).
 *
 * <h2>Ownership</h2>
 * A received frame is copied and released at once, so nothing this client records can leak under
 * the paranoid leak detector. While {@linkplain #setBusy busy} it answers 0 and keeps no reference:
 * the fabric queues the frame until {@link #ready()} flushes it (QEMU's {@code can_receive} false,
 * then {@code qemu_flush_queued_packets}).
 *
 * <h2>Threading</h2>
 * {@link #ready()} and {@link #sendBytes} are {@link NetClient} calls and run on the fabric's loop.
 * What was received can be read, polled and waited for from any thread; {@link #setBusy} and
 * {@link #setAcceptsOffload} may be called from any thread while no frame is on its way.
 */
public final class RecordingClient extends NetClient {
    /** Guards {@link #offloads} and {@link #polled} too; waiters wait on it. */
    private final List<byte[]> received = new ArrayList<>();
    private final List<Long> offloads = new ArrayList<>();
    private int polled;
    private volatile boolean busy;
    private volatile boolean acceptsOffload;
    private volatile int linkChanges;

    /** A client of model {@code test}; add it with {@code fabric.addClient} and peer it by name. */
    public RecordingClient(String name) {
        super(name, "test");
    }

    // ---------------------------------------------------------------- behaviour

    /** While busy, {@link #canReceive()} is false and a frame handed over anyway is answered 0. */
    public void setBusy(boolean busy) {
        this.busy = busy;
    }

    /** No longer busy: delivers what the fabric queued meanwhile. Loop thread. */
    public void ready() {
        busy = false;
        flushQueued();
    }

    /** Take offloaded frames whole and record their descriptors ({@link #offloads()}). */
    public void setAcceptsOffload(boolean accepts) {
        this.acceptsOffload = accepts;
    }

    /** Sends a pooled copy of {@code bytes} to the peer; answers as {@link #send}. Loop thread. */
    public int sendBytes(byte[] bytes) {
        return send(PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes));
    }

    /** How often {@code set_link} told this client its link changed. */
    public int linkChanges() {
        return linkChanges;
    }

    // ---------------------------------------------------------------- what arrived

    /** The frames received so far, in order (a snapshot). */
    public List<byte[]> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** The offload descriptor of each received frame, {@link Offload#NONE} for ordinary ones. */
    public List<Long> offloads() {
        synchronized (received) {
            return List.copyOf(offloads);
        }
    }

    public int receivedCount() {
        synchronized (received) {
            return received.size();
        }
    }

    /**
     * The next received frame that no earlier poll answered, waiting up to {@code millis} for it;
     * null when none came. Polling does not remove it from {@link #received()}.
     */
    public byte[] poll(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        synchronized (received) {
            while (polled == received.size()) {
                long left = (end - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return null;
                }
                received.wait(left);
            }
            return received.get(polled++);
        }
    }

    /** Waits up to {@code millis} for a received frame matching {@code p}; null when none came. */
    public byte[] waitFor(Predicate<byte[]> p, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        synchronized (received) {
            while (true) {
                for (byte[] b : received) {
                    if (p.test(b)) {
                        return b;
                    }
                }
                long left = (end - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return null;
                }
                received.wait(left);
            }
        }
    }

    /** Waits up to {@code millis} until at least {@code n} frames arrived; answers how many did. */
    public int waitForCount(int n, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        synchronized (received) {
            while (received.size() < n) {
                long left = (end - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    break;
                }
                received.wait(left);
            }
            return received.size();
        }
    }

    // ---------------------------------------------------------------- NetClient

    @Override
    protected int receive(ByteBuf frame) {
        return record(frame, Offload.NONE);
    }

    @Override
    public boolean acceptsOffload() {
        return acceptsOffload;
    }

    @Override
    protected int receiveOffloaded(ByteBuf frame, long offload) {
        return record(frame, offload);
    }

    @Override
    protected boolean canReceive() {
        return !busy;
    }

    @Override
    protected void linkStatusChanged() {
        linkChanges++;
    }

    private int record(ByteBuf frame, long offload) {
        if (busy) {
            return 0;   // not consumed: the reference stays with the fabric's queue
        }
        int len = frame.readableBytes();
        byte[] copy = ByteBufUtil.getBytes(frame);
        frame.release();
        synchronized (received) {
            received.add(copy);
            offloads.add(offload);
            received.notifyAll();
        }
        return len;
    }
}
