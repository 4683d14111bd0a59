package io.netfabric.bench;

import io.netfabric.core.Fabric;
import io.netfabric.core.HelperNettyDefaults;
import io.netfabric.core.options.NetdevOptionParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * End-to-end L2TPv3/UDP relay benchmark (benchmarks/scripts/l2tpv3-relay.sh drives it).
 *
 * <pre>
 * load: generator --l2tpv3 session 1--> relay netdev a ==hub 0== relay netdev b --l2tpv3 session 2--> sink
 * </pre>
 * {@code relay ARGS...}: a netfabric process with the given {@code -netdev} option strings, each
 * joined to hub 0 (what {@code qemu -netdev l2tpv3 ... -netdev hubport} does on the QEMU side).
 * {@code load RELAY_IN_PORT SINK_PORT FRAME_OCTETS SECONDS}: sends session-1 datagrams as fast as
 * one thread can to 127.0.0.1:RELAY_IN_PORT and counts the session-2 datagrams arriving at
 * 127.0.0.1:SINK_PORT during SECONDS after one second of warm-up. Loopback only.
 */
public final class L2tpv3Relay {
    private L2tpv3Relay() {
    }

    public static void main(String[] args) throws Exception {
        HelperNettyDefaults.apply();   // as the helper process runs its fabric
        switch (args[0]) {
            case "relay" -> relay(args);
            case "load" -> load(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]));
            default -> throw new IllegalArgumentException("relay|load");
        }
    }

    private static void relay(String[] args) throws Exception {
        Fabric fabric = Fabric.create();
        for (int i = 1; i < args.length; i++) {
            var n = fabric.addNetdev(NetdevOptionParser.parseNetdev(args[i], fabric.availableTypes()));
            fabric.addNetdev(NetdevOptionParser.parseNetdev("hubport,id=hp" + i + ",hubid=0,netdev=" + n.name(),
                    fabric.availableTypes()));
        }
        System.out.println("ready");
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(fabric::close));
        Thread.currentThread().join();
    }

    private static void load(int relayIn, int sinkPort, int frameOctets, int seconds) throws Exception {
        ByteBuffer datagram = ByteBuffer.allocateDirect(8 + frameOctets);
        datagram.putInt(0x00030000).putInt(1);
        for (int i = 0; i < frameOctets; i++) {
            datagram.put((byte) (i < 6 ? 0xff : i));
        }
        datagram.flip();
        DatagramChannel sink = DatagramChannel.open();
        sink.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
        sink.bind(new InetSocketAddress("127.0.0.1", sinkPort));
        DatagramChannel gen = DatagramChannel.open();
        gen.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        gen.connect(new InetSocketAddress("127.0.0.1", relayIn));
        AtomicBoolean running = new AtomicBoolean(true);
        long[] sent = new long[1];
        Thread sender = new Thread(() -> {
            ByteBuffer d = datagram.duplicate();
            while (running.get()) {
                d.clear();
                try {
                    gen.write(d);
                    sent[0]++;
                } catch (IOException e) {
                    // ECONNREFUSED from an earlier ICMP while the relay starts: keep going
                }
            }
        }, "generator");
        long[] counted = new long[2];
        long[] window = new long[2];
        Thread receiver = new Thread(() -> {
            ByteBuffer b = ByteBuffer.allocateDirect(70000);
            try {
                while (running.get()) {
                    b.clear();
                    if (sink.receive(b) != null && b.position() > 8 && b.getInt(4) == 2) {
                        counted[0]++;
                        counted[1] += b.position() - 8;
                    }
                }
            } catch (IOException closed) {
                // end of the run
            }
        }, "sink");
        sender.start();
        receiver.start();
        Thread.sleep(1000);
        long f0 = counted[0];
        long b0 = counted[1];
        long s0 = sent[0];
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long f1 = counted[0];
        long b1 = counted[1];
        long s1 = sent[0];
        double dt = (System.nanoTime() - t0) / 1e9;
        running.set(false);
        sender.join();
        sink.close();
        receiver.join();
        gen.close();
        window[0] = f1 - f0;
        window[1] = b1 - b0;
        double fps = window[0] / dt;
        double gbps = window[1] * 8 / dt / 1e9;
        double offered = (s1 - s0) / dt;
        System.out.printf("frame=%d offered_fps=%.0f relayed_fps=%.0f gbps=%.3f loss=%.1f%%%n", frameOctets,
                offered, fps, gbps, offered == 0 ? 0 : 100.0 * (1 - fps / offered));
    }
}
