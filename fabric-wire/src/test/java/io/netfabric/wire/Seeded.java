package io.netfabric.wire;

import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs a property over seeded random cases. The base seed comes from {@code -Dwire.seed} or the
 * clock; a failure names it, and the failing case's own seed, so the run can be repeated.
 */
public final class Seeded {
    private Seeded() {
    }

    public static void check(int cases, Consumer<SplittableRandom> property) {
        String fixed = System.getProperty("wire.seed");
        long base = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
        SplittableRandom seeds = new SplittableRandom(base);
        for (int i = 0; i < cases; i++) {
            long seed = seeds.nextLong();
            try {
                property.accept(new SplittableRandom(seed));
            } catch (Throwable t) {
                throw new AssertionError("property failed at case " + i + " (case seed " + seed
                        + "); repeat with -Dwire.seed=" + base + ": " + t.getMessage(), t);
            }
        }
    }
}
