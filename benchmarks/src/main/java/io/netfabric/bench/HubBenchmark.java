package io.netfabric.bench;

import io.netfabric.core.Fabric;
import io.netfabric.core.NetClient;
import io.netfabric.core.Transport;
import io.netfabric.core.options.HubPortOptions;
import io.netfabric.core.options.Netdev;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One frame from a backend through a hub to 1 or 7 other ports, each peered with a sink that
 * releases what it gets: the per-frame cost of the fabric's delivery path (queue check,
 * counters, flooding with retained duplicates). Frames are sent on the fabric's own event loop,
 * as in production, in batches of {@value #BATCH} per task so the hand-off to the loop is
 * amortised; the loop thread matters because Netty recycles duplicate buffers per thread.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar HubBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
public class HubBenchmark {
    static final int BATCH = 10_000;

    @Param({"1", "7"})
    int otherPorts;

    @Param({"64", "1514"})
    int frameSize;

    private Fabric fabric;
    private NetClient source;
    private ByteBuf frame;
    private Runnable batch;

    /** Releases every frame it is given, as a backend that wrote it out would. */
    static final class Sink extends NetClient {
        long bytes;

        Sink(String name) {
            super(name, "sink");
        }

        @Override
        protected int receive(ByteBuf f) {
            int len = f.readableBytes();
            bytes += len;
            f.release();
            return len;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        fabric = Fabric.create(Transport.NIO);
        source = new Sink("src");
        fabric.addClient(source);
        fabric.addNetdev(new Netdev("psrc", new HubPortOptions(0, "src")));
        for (int i = 0; i < otherPorts; i++) {
            Sink s = new Sink("sink" + i);
            fabric.addClient(s);
            fabric.addNetdev(new Netdev("p" + i, new HubPortOptions(0, s.name())));
        }
        frame = PooledByteBufAllocator.DEFAULT.directBuffer(frameSize);
        frame.writeZero(frameSize);
        batch = () -> {
            for (int i = 0; i < BATCH; i++) {
                // send() takes a reference; keep ours so the same bytes go round again.
                source.send(frame.retain());
            }
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        frame.release();
        fabric.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void floodOneFrame() {
        fabric.run(batch);
    }
}
