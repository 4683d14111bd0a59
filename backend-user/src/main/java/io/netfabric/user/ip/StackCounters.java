package io.netfabric.user.ip;

import java.util.EnumMap;
import java.util.Map;

/** Drop counters by {@link StackDrop}, plus events worth counting. Loop thread only. */
public final class StackCounters {
    private final long[] drops = new long[StackDrop.VALUES.length];
    /** NAT flows evicted because the table was full. */
    public long natEvictions;
    public long natFlowsOpened;
    public long dnsQueriesForwarded;
    public long dnsFailovers;
    public long dnsLocalAnswers;
    public long dhcpLeases;
    public long tftpTransfers;

    public void drop(StackDrop reason) {
        drops[reason.ordinal()]++;
    }

    public long drops(StackDrop reason) {
        return drops[reason.ordinal()];
    }

    public long totalDrops() {
        long n = 0;
        for (long d : drops) {
            n += d;
        }
        return n;
    }

    /** The non-zero drop counters. */
    public Map<StackDrop, Long> dropsByReason() {
        Map<StackDrop, Long> m = new EnumMap<>(StackDrop.class);
        for (StackDrop r : StackDrop.VALUES) {
            if (drops[r.ordinal()] != 0) {
                m.put(r, drops[r.ordinal()]);
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "drops " + dropsByReason() + ", nat flows " + natFlowsOpened + ", nat evictions " + natEvictions
                + ", dns forwarded " + dnsQueriesForwarded + ", dns failovers " + dnsFailovers + ", dns local "
                + dnsLocalAnswers + ", dhcp leases " + dhcpLeases + ", tftp transfers " + tftpTransfers;
    }
}
