package io.netfabric.core;

import java.util.concurrent.Executor;

/**
 * One flush per event-loop turn for a writer that writes many frames in one turn: the first
 * {@link #request} queues the flush as a task, which the loop runs after the I/O that produced
 * the writes, so a burst leaves in one {@code writev}/{@code sendmmsg} instead of one syscall per
 * frame. Loop thread only.
 */
public final class CoalescedFlush {
    private final Executor loop;
    private final Runnable flush;
    private final Runnable task = this::run;
    private boolean pending;

    /** @param flush what to run once per turn (typically {@code channel.flush()}) */
    public CoalescedFlush(Executor loop, Runnable flush) {
        this.loop = loop;
        this.flush = flush;
    }

    /** Makes sure a flush runs later in this turn. */
    public void request() {
        if (!pending) {
            pending = true;
            loop.execute(task);
        }
    }

    private void run() {
        pending = false;
        flush.run();
    }
}
