package io.netfabric.core;

/**
 * Per-client traffic counters. Plain fields, written only on the fabric's event loop (DESIGN.md:
 * no locks on the frame path); other threads read them through the fabric's command proxy.
 */
public final class ClientCounters {
    long txFrames;
    long txBytes;
    long rxFrames;
    long rxBytes;
    private final long[] drops = new long[DropReason.VALUES.length];

    /** Frames this client sent that were handed to its peer (delivered or queued). */
    public long txFrames() {
        return txFrames;
    }

    public long txBytes() {
        return txBytes;
    }

    /** Frames delivered to this client's {@code receive}. */
    public long rxFrames() {
        return rxFrames;
    }

    public long rxBytes() {
        return rxBytes;
    }

    public long drops(DropReason reason) {
        return drops[reason.ordinal()];
    }

    public long totalDrops() {
        long sum = 0;
        for (long d : drops) {
            sum += d;
        }
        return sum;
    }

    /** Counts one dropped frame; backends call it for frames their own parsers reject. */
    public void drop(DropReason reason) {
        drops[reason.ordinal()]++;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder()
                .append("tx=").append(txFrames).append('/').append(txBytes).append('B')
                .append(" rx=").append(rxFrames).append('/').append(rxBytes).append('B');
        for (DropReason r : DropReason.VALUES) {
            if (drops[r.ordinal()] != 0) {
                sb.append(' ').append(r.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(drops[r.ordinal()]);
            }
        }
        return sb.toString();
    }
}
