package io.netfabric.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.core.DropReason;
import io.netfabric.core.Fabric;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.NetdevOptionParser;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Back-pressure through a relay (two socket netdevs on one hub): when the receiving peer stops
 * reading, the relay stops reading from the sender instead of queueing; nothing is dropped and
 * when the receiver reads again every frame arrives, in order.
 */
@Timeout(60)
class SlowPeerTest {
    private static final int FRAMES = 20_000;
    private static final int SIZE = 1000;

    @Test
    void aSlowReceiverStopsTheSenderInsteadOfGrowingMemory() throws Exception {
        int in = FreePorts.tcp();
        int out = FreePorts.tcp();
        try (Fabric fabric = Fabric.create()) {
            for (String a : new String[] {"socket,id=s0,listen=127.0.0.1:" + in, "socket,id=s1,listen=127.0.0.1:" + out,
                    "hubport,id=h0,hubid=0,netdev=s0", "hubport,id=h1,hubid=0,netdev=s1"}) {
                fabric.addNetdev(NetdevOptionParser.parseNetdev(a, fabric.availableTypes()));
            }
            try (Socket receiver = new Socket(InetAddress.getLoopbackAddress(), out);
                 Socket sender = new Socket(InetAddress.getLoopbackAddress(), in)) {
                receiver.setReceiveBufferSize(64 * 1024);
                while (fabric.call(() -> fabric.findNetdev("s1").info()).isEmpty()
                        || fabric.call(() -> fabric.findNetdev("s0").info()).isEmpty()) {
                    Thread.sleep(5);
                }
                AtomicInteger written = new AtomicInteger();
                Thread writer = new Thread(() -> {
                    try {
                        DataOutputStream o = new DataOutputStream(new BufferedOutputStream(sender.getOutputStream(), 65536));
                        byte[] frame = new byte[SIZE];
                        for (int i = 0; i < FRAMES; i++) {
                            frame[0] = (byte) (i >>> 8);
                            frame[1] = (byte) i;
                            o.writeInt(SIZE);
                            o.write(frame);
                            written.incrementAndGet();
                        }
                        o.flush();
                    } catch (Exception e) {
                        // the test fails on the count below
                    }
                }, "slow-peer-writer");
                writer.setDaemon(true);
                writer.start();

                // Wait until the writer is stuck: the relay stopped reading.
                int last = -1;
                while (written.get() != last) {
                    last = written.get();
                    Thread.sleep(300);
                }
                assertThat(written.get()).as("the sender is held back").isLessThan(FRAMES);
                int queued = fabric.call(() -> {
                    int n = 0;
                    for (NetClient c : fabric.clients()) {
                        n += c.queuedFrames();
                    }
                    return n;
                });
                assertThat(queued).as("frames held in the fabric's queues").isLessThan(200);

                DataInputStream r = new DataInputStream(receiver.getInputStream());
                byte[] frame = new byte[SIZE];
                for (int i = 0; i < FRAMES; i++) {
                    assertThat(r.readInt()).isEqualTo(SIZE);
                    r.readFully(frame);
                    assertThat(((frame[0] & 0xff) << 8) | (frame[1] & 0xff)).isEqualTo(i & 0xffff);
                }
                writer.join(5000);
                assertThat(written.get()).isEqualTo(FRAMES);
                long drops = fabric.call(() -> {
                    long d = 0;
                    for (NetClient c : fabric.clients()) {
                        d += c.counters().totalDrops();
                    }
                    return d;
                });
                assertThat(drops).isZero();
                assertThat(fabric.call(() -> fabric.findNetdev("s1").counters().drops(DropReason.QUEUE_FULL))).isZero();
            }
        }
    }
}
