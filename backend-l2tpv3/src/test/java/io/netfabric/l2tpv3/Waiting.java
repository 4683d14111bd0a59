package io.netfabric.l2tpv3;

import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or the time is up (then fails with {@code what}). */
final class Waiting {
    private Waiting() {
    }

    static void until(long millis, String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
