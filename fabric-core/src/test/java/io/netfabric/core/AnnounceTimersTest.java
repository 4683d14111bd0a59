package io.netfabric.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;

/** The announce schedule on a manual clock: QEMU's delays, named timers, restarts. */
class AnnounceTimersTest {
    /** A manual clock: tasks run when {@link #advanceTo} passes their due time. */
    static final class ManualScheduler implements AnnounceTimers.Scheduler {
        record Task(long due, long seq, Runnable run, boolean[] cancelled) {
        }

        long now;
        long seq;
        final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) ->
                a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));

        @Override
        public AnnounceTimers.Cancellable schedule(long delayMillis, Runnable task) {
            boolean[] cancelled = {false};
            tasks.add(new Task(now + delayMillis, seq++, task, cancelled));
            return () -> cancelled[0] = true;
        }

        void advanceTo(long t) {
            while (!tasks.isEmpty() && tasks.peek().due <= t) {
                Task k = tasks.poll();
                now = k.due;
                if (!k.cancelled[0]) {
                    k.run.run();
                }
            }
            now = t;
        }
    }

    private final ManualScheduler clock = new ManualScheduler();
    private final List<String> sent = new ArrayList<>();
    private final AnnounceTimers timers = new AnnounceTimers(clock, p -> sent.add(p.timerName() + "@" + clock.now));

    @Test
    void defaultsSendAtQemuTimes() {
        // behaviour notes §8.1: 0, 50, 200, 450, 800 ms for initial 50, max 550, rounds 5, step 100.
        timers.start(AnnounceParameters.defaults());
        assertThat(sent).containsExactly("@0");
        clock.advanceTo(10_000);
        assertThat(sent).containsExactly("@0", "@50", "@200", "@450", "@800");
        assertThat(timers.isRunning("")).isFalse();
    }

    @Test
    void delaysClampToMax() {
        // initial 100, step 300, max 500: delays 100, 400, 500 (700 clamped), 500 (1000 clamped).
        timers.start(new AnnounceParameters(100, 500, 5, 300, null, "a"));
        clock.advanceTo(10_000);
        assertThat(sent).containsExactly("a@0", "a@100", "a@500", "a@1000", "a@1500");
    }

    @Test
    void negativeDelayClampsToMax() {
        timers.start(new AnnounceParameters(-5, 30, 3, 0, null, "n"));
        clock.advanceTo(1_000);
        assertThat(sent).containsExactly("n@0", "n@30", "n@60");
    }

    @Test
    void zeroRoundsSendNothingAndStopTheNamedTimer() {
        timers.start(new AnnounceParameters(50, 550, 5, 100, null, "x"));
        timers.start(new AnnounceParameters(50, 550, 0, 100, null, "x"));
        clock.advanceTo(10_000);
        assertThat(sent).containsExactly("x@0");
        assertThat(timers.isRunning("x")).isFalse();
    }

    @Test
    void sameIdRestartsOtherIdsRunOn() {
        timers.start(new AnnounceParameters(100, 100, 3, 0, null, "a"));
        timers.start(new AnnounceParameters(100, 100, 3, 0, null, "b"));
        clock.advanceTo(150);
        timers.start(new AnnounceParameters(10, 10, 2, 0, null, "a"));
        clock.advanceTo(10_000);
        assertThat(sent).containsExactly("a@0", "b@0", "a@100", "b@100", "a@150", "a@160", "b@200");
    }

    @Test
    void cancelAllStopsEverything() {
        timers.start(AnnounceParameters.defaults());
        timers.cancelAll();
        clock.advanceTo(10_000);
        assertThat(sent).containsExactly("@0");
    }
}
