package io.netfabric.bench;

import io.netfabric.nic.E1000RxFilter;
import io.netfabric.nic.RxFilter;
import io.netfabric.nic.Rtl8139RxFilter;
import io.netfabric.nic.VirtioNetRxFilter;
import io.netfabric.wire.MacAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The receive filter's decision for one frame, per NIC model, in the state a running guest
 * driver leaves it (not promiscuous, broadcast on, a few multicast groups, a VLAN):
 * <ul>
 *   <li>{@code exact}: unicast to the NIC's own MAC (the common case; goal: at most 20 ns);</li>
 *   <li>{@code miss}: unicast to another MAC, refused after the whole check;</li>
 *   <li>{@code multicast}: a subscribed group (virtio-net: 4th of 4 table entries; e1000: MTA
 *       hash; rtl8139: CRC-32 and MAR);</li>
 *   <li>{@code broadcast}; {@code vlan}: tagged to the own MAC on an allowed VLAN.</li>
 * </ul>
 * The frame is a pooled direct buffer, as frames are on the data path.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar NicFilterBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
public class NicFilterBenchmark {
    static final String OWN = "52:54:00:12:34:56";

    @Param({"virtio-net", "e1000", "rtl8139"})
    String model;

    @Param({"exact", "miss", "multicast", "broadcast", "vlan"})
    String frame;

    private RxFilter filter;
    private ByteBuf buf;

    @Setup
    public void setUp() {
        MacAddress own = MacAddress.parse(OWN);
        List<MacAddress> groups = new ArrayList<>();
        for (String g : new String[] {"01:00:5e:00:00:01", "01:00:5e:00:00:fb", "33:33:00:00:00:01", "33:33:ff:12:34:56"}) {
            groups.add(MacAddress.parse(g));
        }
        switch (model) {
            case "virtio-net" -> {
                VirtioNetRxFilter v = new VirtioNetRxFilter(own);
                v.setFeatures(1L << VirtioNetRxFilter.F_CTRL_VLAN);
                v.setRxMode(VirtioNetRxFilter.RX_PROMISC, false);
                v.setMacTable(List.of(), groups);
                v.addVlan(100);
                filter = v;
            }
            case "e1000" -> {
                E1000RxFilter e = new E1000RxFilter(own);
                e.writeRegister(E1000RxFilter.RCTL, E1000RxFilter.RCTL_EN | E1000RxFilter.RCTL_BAM | E1000RxFilter.RCTL_VFE);
                e.writeRegister(E1000RxFilter.VFTA + 4 * (100 >> 5), 1 << (100 & 31));
                for (MacAddress g : groups) {
                    long m = g.toLong();
                    int h = (int) ((((m & 0xFF) << 8) | ((m >>> 8) & 0xFF)) >>> 4) & 0xFFF;   // RCTL.MO = 0
                    int off = E1000RxFilter.MTA + 4 * (h >>> 5);
                    e.writeRegister(off, e.readRegister(off) | (1 << (h & 31)));
                }
                filter = e;
            }
            case "rtl8139" -> {
                Rtl8139RxFilter r = new Rtl8139RxFilter(own);
                r.writeRegister32(Rtl8139RxFilter.RX_CONFIG, Rtl8139RxFilter.ACCEPT_MY_PHYS
                        | Rtl8139RxFilter.ACCEPT_BROADCAST | Rtl8139RxFilter.ACCEPT_MULTICAST);
                // MAR bit 2: 33:33:ff:12:34:56 (net_crc32 >> 26 = 2, see Rtl8139RxFilterTest).
                r.writeRegister8(Rtl8139RxFilter.MAR0, 0x04);
                filter = r;
            }
            default -> throw new IllegalArgumentException(model);
        }
        String dst = switch (frame) {
            case "exact", "vlan" -> OWN;
            case "miss" -> "52:54:00:ab:cd:ef";
            case "multicast" -> "33:33:ff:12:34:56";
            case "broadcast" -> "ff:ff:ff:ff:ff:ff";
            default -> throw new IllegalArgumentException(frame);
        };
        buf = PooledByteBufAllocator.DEFAULT.directBuffer(64).writeZero(64);
        MacAddress.parse(dst).write(buf, 0);
        MacAddress.parse("02:00:00:00:00:99").write(buf, 6);
        if (frame.equals("vlan")) {
            buf.setShort(12, 0x8100);
            buf.setShort(14, 100);
            buf.setShort(16, 0x0800);
        } else {
            buf.setShort(12, 0x0800);
        }
        boolean expected = !frame.equals("miss");
        if (filter.accepts(buf) != expected) {
            throw new IllegalStateException(model + "/" + frame + ": filter says " + !expected);
        }
    }

    @TearDown
    public void tearDown() {
        buf.release();
    }

    @Benchmark
    public boolean decide() {
        return filter.accepts(buf);
    }
}
