package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two netfabric processes, as users run them, joined by each kind of socket netdev (issue 4):
 * each process has the link netdev and an endpoint ({@code stream} server on a unix socket the
 * test connects to) on hub 0. Each endpoint sends 2,000 numbered frames at a moderate rate; the
 * other must get every one, in order. For {@code stream} the server process is then stopped and
 * started again: the client, with {@code reconnect=1}, comes back and frames flow again.
 * Loopback and the test's own directory only; each process is ended by its pid.
 */
@Timeout(120)
class ProcessPairIT {
    private static final int FRAMES = 2000;

    @TempDir
    static Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A kind: the link netdev of the left and of the right process; whether it reconnects. */
    private record Kind(String name, String left, String right, boolean reconnects) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> kinds() throws IOException {
        int tcp = freePort();
        int tcp2 = freePort();
        int u1 = freeUdpPort();
        int u2 = freeUdpPort();
        int u3 = freeUdpPort();
        int u4 = freeUdpPort();
        int m = freeUdpPort();
        String group = "239.255.77." + (1 + m % 250);
        return Stream.of(
                new Kind("stream unix", "stream,id=link,server=on,addr.type=unix,addr.path=" + dir.resolve("link.sock"),
                        "stream,id=link,server=off,reconnect=1,addr.type=unix,addr.path=" + dir.resolve("link.sock"), true),
                new Kind("stream inet", "stream,id=link,server=on,addr.type=inet,addr.host=127.0.0.1,addr.port=" + tcp,
                        "stream,id=link,server=off,reconnect=1,addr.type=inet,addr.host=127.0.0.1,addr.port=" + tcp, true),
                new Kind("socket tcp", "socket,id=link,listen=127.0.0.1:" + tcp2, "socket,id=link,connect=127.0.0.1:" + tcp2,
                        false),
                new Kind("socket udp", "socket,id=link,udp=127.0.0.1:" + u2 + ",localaddr=127.0.0.1:" + u1,
                        "socket,id=link,udp=127.0.0.1:" + u1 + ",localaddr=127.0.0.1:" + u2, false),
                new Kind("socket mcast", "socket,id=link,mcast=" + group + ":" + m + ",localaddr=127.0.0.1",
                        "socket,id=link,mcast=" + group + ":" + m + ",localaddr=127.0.0.1", false),
                new Kind("dgram inet", "dgram,id=link,local.type=inet,local.host=127.0.0.1,local.port=" + u3
                        + ",remote.type=inet,remote.host=127.0.0.1,remote.port=" + u4,
                        "dgram,id=link,local.type=inet,local.host=127.0.0.1,local.port=" + u4
                        + ",remote.type=inet,remote.host=127.0.0.1,remote.port=" + u3, false),
                new Kind("dgram unix", "dgram,id=link,local.type=unix,local.path=" + dir.resolve("l.dg")
                        + ",remote.type=unix,remote.path=" + dir.resolve("r.dg"),
                        "dgram,id=link,local.type=unix,local.path=" + dir.resolve("r.dg")
                        + ",remote.type=unix,remote.path=" + dir.resolve("l.dg"), false))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void framesCrossBothWaysWithoutLoss(Kind kind) throws Exception {
        Side left = new Side("left", 1, kind.left());
        Side right = new Side("right", 2, kind.right());
        try {
            left.start();
            left.connectEndpoint();   // its netdevs exist: a socket,connect= client would die on a refusal
            right.start();
            right.connectEndpoint();
            awaitLink(left, right);
            exchange(left, right, FRAMES);
            if (kind.reconnects()) {
                left.stop();
                left.start();
                left.connectEndpoint();
                awaitLink(left, right);
                exchange(left, right, 200);
            }
        } finally {
            left.stop();
            right.stop();
        }
        for (Side s : new Side[] {left, right}) {
            assertThat(s.log()).as("%s reported no leaked buffer", s.name).doesNotContain("LEAK:");
        }
    }

    /** Probes until a frame gets across each way (a stream client connects within its reconnect delay). */
    private static void awaitLink(Side a, Side b) throws Exception {
        for (Side[] pair : new Side[][] {{a, b}, {b, a}}) {
            int before = pair[1].received.size();
            boolean through = false;
            for (int i = 0; i < 100 && !through; i++) {
                pair[0].send(-1 - i);
                Thread.sleep(100);
                through = pair[1].received.size() > before;
            }
            assertThat(through).as("a frame from %s reached %s", pair[0].name, pair[1].name).isTrue();
        }
        Thread.sleep(200);   // probes still in flight land before the count starts
    }

    private static void exchange(Side a, Side b, int frames) throws Exception {
        a.received.clear();
        b.received.clear();
        for (int i = 0; i < frames; i++) {
            a.send(i);
            b.send(i);
            if (i % 10 == 9) {
                Thread.sleep(2);   // a moderate rate: bursts of 10 frames, ~5,000 frames/s each way at most
            }
        }
        for (Side s : new Side[] {a, b}) {
            for (int i = 0; i < 100 && s.received.size() < frames; i++) {
                Thread.sleep(50);
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < frames; i++) {
                expected.add(i);
            }
            assertThat(s.received).as("numbers %s got from the other side", s.name).isEqualTo(expected);
        }
    }

    /** One netfabric process: the link netdev and an endpoint on hub 0. */
    private static final class Side {
        final String name;
        final int mac;
        final String link;
        final List<Integer> received = new CopyOnWriteArrayList<>();
        final Path endpoint;
        Process process;
        SocketChannel channel;
        Thread reader;

        Side(String name, int mac, String link) {
            this.name = name;
            this.mac = mac;
            this.link = link;
            this.endpoint = dir.resolve(name + "-ep.sock");
        }

        void start() throws IOException {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // The helper turns the leak detector off unless told; here it samples as
                    // Netty's default does (paranoid tracking slows the process enough that
                    // multicast frames overflow its receive buffer at this test's rate).
                    "-Dio.netty.leakDetection.level=simple", "-cp", System.getProperty("java.class.path"), "io.netfabric.tools.Netfabric", "-nodefaults",
                    "-netdev", link, "-netdev", "hubport,id=h0,hubid=0,netdev=link",
                    "-netdev", "stream,id=ep,server=on,addr.type=unix,addr.path=" + endpoint,
                    "-netdev", "hubport,id=h1,hubid=0,netdev=ep"));
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
        }

        void connectEndpoint() throws Exception {
            for (int i = 0; i < 300 && !Files.exists(endpoint); i++) {
                assertThat(process.isAlive()).as("%s runs: %s", name, log()).isTrue();
                Thread.sleep(50);
            }
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(endpoint));
            DataInputStream in = new DataInputStream(Channels.newInputStream(channel));
            reader = new Thread(() -> {
                try {
                    while (true) {
                        byte[] frame = new byte[in.readInt()];
                        in.readFully(frame);
                        // Ours come back over multicast (loop on, as QEMU): count the other side's only.
                        if (frame.length >= 18 && frame[11] != mac) {
                            received.add(ByteBuffer.wrap(frame, 14, 4).getInt());
                        }
                    }
                } catch (IOException closed) {
                    // the process or the test ended the connection
                }
            }, name + "-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** An Ethernet broadcast from 52:54:00:00:00:MAC, ethertype 0x88b5, carrying {@code n}. */
        void send(int n) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(4 + 60);
            b.putInt(60);
            b.put(new byte[] {-1, -1, -1, -1, -1, -1, 0x52, 0x54, 0, 0, 0, (byte) mac, (byte) 0x88, (byte) 0xb5});
            b.putInt(n);
            b.position(b.limit()).flip();
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }

        String log() {
            try {
                return Files.readString(dir.resolve(name + ".log"));
            } catch (IOException e) {
                return "(no log)";
            }
        }

        void stop() throws Exception {
            if (channel != null) {
                channel.close();
                channel = null;
            }
            if (process != null) {
                process.destroy();   // SIGTERM, by this process's pid
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                process = null;
            }
        }
    }
}
