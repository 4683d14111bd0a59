package io.netfabric.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.core.Fabric;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.core.testing.RecordingClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two fabrics in one JVM joined by each kind of socket netdev: each side's endpoint sends
 * numbered frames at a moderate rate and the other side must get every one, in order. Multicast
 * members also hear themselves (loop on, as QEMU): only the other side's frames are counted.
 */
@Timeout(30)
class FabricPairTest {
    private static final int FRAMES = 2000;

    @TempDir
    static Path dir;

    private Fabric left;
    private Fabric right;
    private RecordingClient leftEnd;
    private RecordingClient rightEnd;

    @BeforeEach
    void start() {
        left = Fabric.create();
        right = Fabric.create();
        leftEnd = new RecordingClient("ep");
        rightEnd = new RecordingClient("ep");
        left.addClient(leftEnd);
        right.addClient(rightEnd);
    }

    @AfterEach
    void stop() {
        left.close();
        right.close();
    }

    /** name, left netdev, right netdev; the right one is added second. */
    static Stream<Arguments> kinds() {
        int tcp = FreePorts.tcp();
        int tcp2 = FreePorts.tcp();
        int tcp3 = FreePorts.tcp();
        int u1 = FreePorts.udp();
        int u2 = FreePorts.udp();
        int u3 = FreePorts.udp();
        int u4 = FreePorts.udp();
        int mc = FreePorts.udp();
        int mc2 = FreePorts.udp();
        String group = "239.255." + ThreadLocalRandom.current().nextInt(1, 255) + "." + ThreadLocalRandom.current().nextInt(1, 255);
        Function<String, String> sock = name -> dir.resolve(name).toString();
        return Stream.of(
                Arguments.of("socket tcp", "socket,id=s0,listen=127.0.0.1:" + tcp, "socket,id=s0,connect=127.0.0.1:" + tcp),
                Arguments.of("socket udp", "socket,id=s0,udp=127.0.0.1:" + u2 + ",localaddr=127.0.0.1:" + u1,
                        "socket,id=s0,udp=127.0.0.1:" + u1 + ",localaddr=127.0.0.1:" + u2),
                Arguments.of("socket mcast", "socket,id=s0,mcast=" + group + ":" + mc + ",localaddr=127.0.0.1",
                        "socket,id=s0,mcast=" + group + ":" + mc + ",localaddr=127.0.0.1"),
                // Any 127/8 address is lo's to the kernel (QEMU passes localaddr to IP_ADD_MEMBERSHIP),
                // though no interface lists 127.0.0.2.
                Arguments.of("socket mcast 127/8", "socket,id=s0,mcast=" + group + ":" + mc2 + ",localaddr=127.0.0.2",
                        "socket,id=s0,mcast=" + group + ":" + mc2 + ",localaddr=127.0.0.3"),
                Arguments.of("stream inet", "stream,id=s0,server=on,addr.type=inet,addr.host=127.0.0.1,addr.port=" + tcp2,
                        "stream,id=s0,addr.type=inet,addr.host=127.0.0.1,addr.port=" + tcp2),
                Arguments.of("stream unix", "stream,id=s0,server=on,addr.type=unix,addr.path=" + sock.apply("st.sock"),
                        "stream,id=s0,addr.type=unix,addr.path=" + sock.apply("st.sock")),
                Arguments.of("stream inet reconnect", "stream,id=s0,server=on,addr.type=inet,addr.host=127.0.0.1,addr.port=" + tcp3,
                        "stream,id=s0,reconnect=1,addr.type=inet,addr.host=127.0.0.1,addr.port=" + tcp3),
                Arguments.of("dgram inet", "dgram,id=s0,local.type=inet,local.host=127.0.0.1,local.port=" + u3
                                + ",remote.type=inet,remote.host=127.0.0.1,remote.port=" + u4,
                        "dgram,id=s0,local.type=inet,local.host=127.0.0.1,local.port=" + u4
                                + ",remote.type=inet,remote.host=127.0.0.1,remote.port=" + u3),
                Arguments.of("dgram unix", "dgram,id=s0,local.type=unix,local.path=" + sock.apply("a.dg")
                                + ",remote.type=unix,remote.path=" + sock.apply("b.dg"),
                        "dgram,id=s0,local.type=unix,local.path=" + sock.apply("b.dg")
                                + ",remote.type=unix,remote.path=" + sock.apply("a.dg")));
    }

    static void join(Fabric f, String netdev) {
        f.addNetdev(NetdevOptionParser.parseNetdev(netdev, f.availableTypes()));
        f.addNetdev(NetdevOptionParser.parseNetdev("hubport,id=h0,hubid=0,netdev=s0", f.availableTypes()));
        f.addNetdev(NetdevOptionParser.parseNetdev("hubport,id=h1,hubid=0,netdev=ep", f.availableTypes()));
    }

    /** A 1000-byte frame whose source MAC names the side and whose payload carries {@code seq}. */
    static ByteBuf frame(int side, int seq) {
        ByteBuf f = PooledByteBufAllocator.DEFAULT.directBuffer(1000);
        f.writeBytes(new byte[] {-1, -1, -1, -1, -1, -1, 0x52, 0x54, 0, 0, 0, (byte) side});
        f.writeShort(0x88b5);   // local experimental EtherType
        f.writeInt(seq);
        f.writeZero(1000 - f.writerIndex());
        return f;
    }

    static List<Integer> sequencesFrom(RecordingClient ep, int side) {
        return ep.received().stream().filter(b -> b[11] == side).map(b -> ByteBuffer.wrap(b).getInt(14)).toList();
    }

    /** Sends {@code n} frames from {@code f}'s endpoint in bursts of 50, with a pause between bursts. */
    static void sendFrames(Fabric f, RecordingClient ep, int side, int n) throws InterruptedException {
        for (int i = 0; i < n; i += 50) {
            int from = i;
            f.run(() -> {
                for (int k = from; k < Math.min(from + 50, n); k++) {
                    ep.send(frame(side, k));
                }
            });
            Thread.sleep(2);
        }
    }

    private static void burst(RecordingClient ep, int side, int from, int n) {
        for (int k = from; k < from + n; k++) {
            ep.send(frame(side, k));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void framesPassBothWaysWithoutLoss(String kind, String leftNetdev, String rightNetdev) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(!kind.equals("dgram unix") || left.transport().domainDatagramChannel() != null,
                "unix datagram sockets need the epoll transport");
        join(left, leftNetdev);
        join(right, rightNetdev);
        awaitUp();
        // Both ways at once, 10 frames each way every 2 ms: a moderate rate that a datagram
        // socket's receive buffer absorbs while the other loop is busy sending.
        for (int i = 0; i < FRAMES; i += 10) {
            int from = i;
            left.run(() -> burst(leftEnd, 1, from, 10));
            right.run(() -> burst(rightEnd, 2, from, 10));
            Thread.sleep(2);
        }
        long end = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < end
                && (sequencesFrom(rightEnd, 1).size() < FRAMES || sequencesFrom(leftEnd, 2).size() < FRAMES)) {
            Thread.sleep(20);
        }
        List<Integer> expected = Stream.iterate(0, i -> i + 1).limit(FRAMES).toList();
        assertThat(sequencesFrom(rightEnd, 1)).as("left to right over %s", kind).isEqualTo(expected);
        assertThat(sequencesFrom(leftEnd, 2)).as("right to left over %s", kind).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void aStreamClientWithReconnectResumesAfterItsServerGoesAndComesBack() throws Exception {
        int port = FreePorts.tcp();
        String server = "stream,id=s0,server=on,addr.type=inet,addr.host=127.0.0.1,addr.port=" + port;
        java.util.List<io.netfabric.core.FabricEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        right.addEventListener(events::add);
        join(left, server);
        join(right, "stream,id=s0,reconnect=1,addr.type=inet,addr.host=127.0.0.1,addr.port=" + port);
        awaitUp();
        sendFrames(left, leftEnd, 1, 100);
        assertThat(rightEnd.waitForCount(100, 5000)).isEqualTo(100);

        left.close();   // the server goes away
        awaitEvents(events, "NETDEV_STREAM_DISCONNECTED", 1);
        assertThat(right.call(() -> right.findNetdev("s0").info())).isEmpty();

        left = Fabric.create();   // and comes back on the same port
        leftEnd = new RecordingClient("ep");
        left.addClient(leftEnd);
        join(left, server);
        awaitEvents(events, "NETDEV_STREAM_CONNECTED", 2);
        sendFrames(right, rightEnd, 2, 100);
        sendFrames(left, leftEnd, 1, 100);
        assertThat(leftEnd.waitForCount(100, 5000)).isEqualTo(100);
        assertThat(rightEnd.waitForCount(200, 5000)).isEqualTo(200);
    }

    private static void awaitEvents(java.util.List<io.netfabric.core.FabricEvent> events, String name, int n)
            throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (events.stream().filter(e -> e.event().equals(name)).count() >= n) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("expected " + n + " " + name + " events, got " + events);
    }

    /** Streams connect asynchronously: wait until both sides show a connection in their info. */
    private void awaitUp() throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            String l = left.call(() -> left.findNetdev("s0").info());
            String r = right.call(() -> right.findNetdev("s0").info());
            if (!l.isEmpty() && !r.isEmpty() && !l.equals("connecting") && !r.equals("connection error")) {
                return;
            }
            Thread.sleep(10);
        }
    }
}
