package io.netfabric.core;

import java.util.List;

/**
 * QAPI {@code AnnounceParameters} of {@code announce-self}: delays in milliseconds, the number of
 * rounds, the NICs to announce ({@code interfaces}, null = every NIC) and the timer's name
 * ({@code id}, null = QEMU's unnamed timer {@code ""}).
 */
public record AnnounceParameters(long initial, long max, long rounds, long step, List<String> interfaces, String id) {

    public AnnounceParameters {
        interfaces = interfaces == null ? null : List.copyOf(interfaces);
    }

    /** QEMU's migration defaults ({@code announce-initial/max/rounds/step}: 50, 550, 5, 100). */
    public static AnnounceParameters defaults() {
        return new AnnounceParameters(50, 550, 5, 100, null, null);
    }

    /** The timer's name: {@code id}, or {@code ""} as QEMU's {@code qmp_announce_self} uses. */
    public String timerName() {
        return id == null ? "" : id;
    }

    /**
     * The delay before the round after {@code done} rounds were sent (QEMU net/announce.c
     * {@code qemu_announce_timer_step}): {@code initial + (done - 1) * step}, clamped to
     * {@code max} when negative or above it.
     */
    public long delayAfter(long done) {
        long delay = initial + (done - 1) * step;
        return delay < 0 || delay > max ? max : delay;
    }
}
