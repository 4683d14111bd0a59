package io.netfabric.socket;

import io.netfabric.core.NetClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A test's end of the wire: records the frames that reach it (copies, the buffer is released at
 * once) and can play busy. Loop thread for everything but {@link #waitFor}.
 */
final class RecordingEndpoint extends NetClient {
    private final List<byte[]> received = new ArrayList<>();
    boolean busy;

    RecordingEndpoint(String name) {
        super(name, "test");
    }

    @Override
    protected int receive(ByteBuf frame) {
        if (busy) {
            return 0;
        }
        int len = frame.readableBytes();
        byte[] b = ByteBufUtil.getBytes(frame);
        frame.release();
        synchronized (received) {
            received.add(b);
            received.notifyAll();
        }
        return len;
    }

    @Override
    protected boolean canReceive() {
        return !busy;
    }

    List<byte[]> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    int count() {
        synchronized (received) {
            return received.size();
        }
    }

    /** Waits up to {@code millis} for a frame matching {@code p}; null when none came. */
    byte[] waitFor(Predicate<byte[]> p, long millis) throws InterruptedException {
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

    /** Waits until at least {@code n} frames arrived; answers how many did. */
    int waitForCount(int n, long millis) throws InterruptedException {
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
}
