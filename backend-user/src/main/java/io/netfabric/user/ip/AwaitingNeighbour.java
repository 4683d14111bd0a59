package io.netfabric.user.ip;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Frames for guest addresses the router is asking for (ARP, neighbour solicitation), held until
 * the answer, as libslirp's if_output keeps a packet whose if_encap found no ARP entry: the first
 * hostfwd SYN or UDP datagram to a guest that never spoke is not lost. Bounded: a few frames per
 * address, a few addresses, and a short hold; what does not fit or waits too long is dropped and
 * counted as {@link StackDrop#NO_NEIGHBOUR}, as before there was a hold.
 */
final class AwaitingNeighbour {
    static final int FRAMES_PER_ADDRESS = 8;
    static final int ADDRESSES = 16;
    /** libslirp drops a held packet after about a second of ARP retries; two leave room for one more ask. */
    static final long HOLD_NANOS = 2_000_000_000L;

    record Held(ByteBuf frame, long offload, long since) {
    }

    private final Map<Object, ArrayDeque<Held>> held = new HashMap<>();
    private final StackCounters counters;

    AwaitingNeighbour(StackCounters counters) {
        this.counters = counters;
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    /** Holds {@code frame} (takes its reference) for the address {@code key}. */
    void hold(Object key, ByteBuf frame, long offload, long now) {
        expire(now);
        ArrayDeque<Held> q = held.get(key);
        if (q == null) {
            if (held.size() >= ADDRESSES) {
                frame.release();
                counters.drop(StackDrop.NO_NEIGHBOUR);
                return;
            }
            q = new ArrayDeque<>(4);
            held.put(key, q);
        }
        if (q.size() >= FRAMES_PER_ADDRESS) {
            q.poll().frame().release();   // the oldest goes: a retransmission will follow it
            counters.drop(StackDrop.NO_NEIGHBOUR);
        }
        q.add(new Held(frame, offload, now));
    }

    /** The frames held for {@code key} that are still fresh, in the order they came; the caller sends them. */
    List<Held> answered(Object key, long now) {
        expire(now);
        ArrayDeque<Held> q = held.remove(key);
        return q == null ? List.of() : new ArrayList<>(q);
    }

    private void expire(long now) {
        if (held.isEmpty()) {
            return;
        }
        for (Iterator<ArrayDeque<Held>> it = held.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Held> q = it.next();
            while (!q.isEmpty() && now - q.peek().since() > HOLD_NANOS) {
                q.poll().frame().release();
                counters.drop(StackDrop.NO_NEIGHBOUR);
            }
            if (q.isEmpty()) {
                it.remove();
            }
        }
    }

    /** Releases everything held (the netdev is closing). */
    void clear() {
        for (ArrayDeque<Held> q : held.values()) {
            for (Held h : q) {
                h.frame().release();
            }
        }
        held.clear();
    }
}
