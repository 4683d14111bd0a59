package io.netfabric.bench;

import io.netfabric.core.Fabric;
import io.netfabric.core.HelperNettyDefaults;
import io.netfabric.core.NetClient;
import io.netfabric.core.SentCallback;
import io.netfabric.core.options.NetdevOptionParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Load for the VDE relay benchmark (benchmarks/scripts/vde-relay.sh drives it):
 * <pre>
 * generator -vde-> switch 1 -> relay (vde a == hub 0 == vde b) -> switch 2 -vde-> sink
 * </pre>
 * {@code VdeLoad SWITCH1 SWITCH2 FRAME_OCTETS SECONDS}: a generator plugged into switch 1 sends
 * broadcast frames as fast as the switch takes them (it waits when the socket is full); a sink
 * plugged into switch 2 counts what arrives during SECONDS after one second of warm-up. Generator
 * and sink are netfabric vde netdevs on fabrics of their own, the same for every relay.
 */
public final class VdeLoad {
    private VdeLoad() {
    }

    public static void main(String[] args) throws Exception {
        HelperNettyDefaults.apply();   // as the helper process runs its fabric
        String sw1 = args[0];
        String sw2 = args[1];
        int octets = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        try (Fabric gf = Fabric.create(); Fabric sf = Fabric.create()) {
            Sink sink = new Sink();
            NetClient sv = sf.addNetdev(NetdevOptionParser.parseNetdev("vde,id=s,sock=" + sw2, sf.availableTypes()));
            sf.addClient(sink);
            sf.run(() -> NetClient.connect(sv, sink));
            Generator gen = new Generator(octets);
            NetClient gv = gf.addNetdev(NetdevOptionParser.parseNetdev("vde,id=g,sock=" + sw1, gf.availableTypes()));
            gf.addClient(gen);
            gf.run(() -> NetClient.connect(gv, gen));
            gf.execute(gen::schedule);
            Thread.sleep(1000);
            long f0 = sf.call(() -> sink.frames);
            long s0 = gf.call(() -> gen.sent);
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long f1 = sf.call(() -> sink.frames);
            long s1 = gf.call(() -> gen.sent);
            double dt = (System.nanoTime() - t0) / 1e9;
            gf.run(() -> gen.stopped = true);
            System.out.printf("%5d octets: %,12.0f frames/s delivered (%,.0f sent, %.1f%% lost)%n", octets,
                    (f1 - f0) / dt, (s1 - s0) / dt, 100.0 * Math.max(0, (s1 - s0) - (f1 - f0)) / Math.max(1, s1 - s0));
        }
    }

    /**
     * Sends until its peer is busy, then waits for the sent callback. One pump task at a time:
     * the callback only reschedules when the generator was waiting.
     */
    private static final class Generator extends NetClient {
        private final byte[] frame;
        long sent;
        boolean stopped;
        private boolean waiting;
        private boolean scheduled;
        private final SentCallback resume = (c, len) -> resumed();

        Generator(int octets) {
            super("generator", "bench");
            frame = new byte[octets];
            for (int i = 0; i < octets; i++) {
                frame[i] = (byte) (i < 6 ? 0xff : i);
            }
            frame[12] = (byte) 0x88;
            frame[13] = (byte) 0xb5;
        }

        private void resumed() {
            if (waiting) {
                waiting = false;
                schedule();
            }
        }

        void schedule() {
            if (!scheduled && !stopped) {
                scheduled = true;
                fabric().execute(this::pump);
            }
        }

        void pump() {
            scheduled = false;
            for (int i = 0; i < 256 && !stopped; i++) {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(frame.length).writeBytes(frame);
                sent++;
                if (sendAsync(b, resume) == 0) {
                    waiting = true;
                    return;
                }
            }
            schedule();
        }

        @Override
        protected int receive(ByteBuf f) {
            int len = f.readableBytes();
            f.release();
            return len;
        }
    }

    private static final class Sink extends NetClient {
        long frames;

        Sink() {
            super("sink", "bench");
        }

        @Override
        protected int receive(ByteBuf f) {
            frames++;
            int len = f.readableBytes();
            f.release();
            return len;
        }
    }
}
