package io.netfabric.core;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The named self-announce timers of {@code announce-self} (QEMU net/announce.c). Pure engine: it
 * takes a {@link Scheduler} (the fabric's event loop, or a manual clock in tests) and the action
 * that sends one round.
 *
 * <p>Rules (behaviour notes §8.1): a timer is named by {@link AnnounceParameters#timerName()};
 * starting a name that runs cancels it and restarts with the new parameters, other names run on.
 * {@code rounds <= 0} sends nothing and forgets the name. Otherwise the first round is sent at
 * once, in the caller, and round k+1 follows round k after {@link AnnounceParameters#delayAfter}
 * (with QEMU's defaults: 0, 50, 200, 450, 800 ms). Loop thread only.
 */
public final class AnnounceTimers {
    /** Runs tasks later, on the thread that owns the timers. */
    public interface Scheduler {
        /** Runs {@code task} after {@code delayMillis}; the answer cancels it. */
        Cancellable schedule(long delayMillis, Runnable task);
    }

    /** A scheduled task that can still be called off. */
    public interface Cancellable {
        void cancel();
    }

    private final Scheduler scheduler;
    private final Consumer<AnnounceParameters> sendRound;
    private final Map<String, Train> trains = new HashMap<>();

    /** One named timer: its parameters, rounds left, the pending tick. */
    private final class Train implements Runnable {
        final AnnounceParameters params;
        long remaining;
        Cancellable pending;

        Train(AnnounceParameters params) {
            this.params = params;
            this.remaining = params.rounds();
        }

        /** {@code qemu_announce_self_once}: one round, then the next tick or the end. */
        @Override
        public void run() {
            pending = null;
            sendRound.accept(params);
            if (--remaining > 0) {
                pending = scheduler.schedule(params.delayAfter(params.rounds() - remaining), this);
            } else if (trains.get(params.timerName()) == this) {
                trains.remove(params.timerName());
            }
        }

        void cancel() {
            if (pending != null) {
                pending.cancel();
                pending = null;
            }
        }
    }

    /**
     * @param scheduler runs the later rounds
     * @param sendRound sends one round of announcements for the given parameters
     */
    public AnnounceTimers(Scheduler scheduler, Consumer<AnnounceParameters> sendRound) {
        this.scheduler = scheduler;
        this.sendRound = sendRound;
    }

    /** {@code qmp_announce_self}: (re)starts the timer named by {@code params}. */
    public void start(AnnounceParameters params) {
        Train old = trains.remove(params.timerName());
        if (old != null) {
            old.cancel();
        }
        if (params.rounds() <= 0) {
            return;
        }
        Train t = new Train(params);
        trains.put(params.timerName(), t);
        t.run();
    }

    /** True while the timer {@code name} has rounds to send. */
    public boolean isRunning(String name) {
        return trains.containsKey(name);
    }

    /** Cancels every timer (fabric close). */
    public void cancelAll() {
        for (Train t : trains.values()) {
            t.cancel();
        }
        trains.clear();
    }
}
