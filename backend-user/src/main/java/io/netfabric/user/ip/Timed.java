package io.netfabric.user.ip;

/** An engine with timers (STYLE habit 4): time is passed in, deadlines are reported. */
public interface Timed {
    /** Sentinel for "no deadline". */
    long NONE = Long.MAX_VALUE;

    /** The earliest time (nanoseconds, the caller's clock) this engine wants {@link #poll} called, or {@link #NONE}. */
    long nextDeadline();

    /** Runs whatever is due at {@code now}. */
    void poll(long now);
}
