package io.netfabric.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.testkit.sockets.TcpCongestion;
import io.netfabric.user.nat.HostTcp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EpollTcpStream} against real loopback peers (java.net sockets on 127.0.0.1), on a real
 * epoll loop: the connect outcomes the engine turns into SYN-ACK or RST, both half-closes, the
 * back-pressure both ways, and the two ways of closing.
 */
class EpollTcpStreamTest {
    private MultiThreadIoEventLoopGroup group;
    private IoEventLoop loop;
    private ServerSocket server;
    private final Recorder events = new Recorder();
    private EpollTcpStream stream;

    @BeforeEach
    void start() throws IOException {
        Assumptions.assumeTrue(Epoll.isAvailable(), "needs the epoll transport");
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = (IoEventLoop) group.next();
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws Exception {
        if (stream != null) {
            onLoop(() -> stream.close(true));
        }
        if (server != null) {
            server.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        events.drain();
    }

    @Test
    void aLoopbackConnectIsReportedOnceAfterConnectReturns() throws Exception {
        stream = on(() -> {
            EpollTcpStream s = EpollTcpStream.connect(loop, local(server.getLocalPort()), events,
                    PooledByteBufAllocator.DEFAULT, System::nanoTime, () -> { });
            // The engine installs the stream before any outcome reaches it.
            assertThat(events.log).isEmpty();
            return s;
        });
        assertThat(events.next()).isEqualTo("connected");
        try (Socket peer = server.accept()) {
            assertThat(on(() -> stream.fd())).isPositive();
        }
    }

    @Test
    void aConnectThatOutlastsConnectIsReportedByEpoll() throws Exception {
        // A full accept queue drops the SYN: the connect stays pending past connect(2) and its
        // outcome comes through EPOLLOUT when the SYN is sent again (after about a second).
        server.close();
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        java.util.List<Socket> fillers = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket f = new Socket();
                try {
                    f.connect(local(server.getLocalPort()), 200);
                } catch (IOException full) {
                    // the queue is full: what we wanted
                }
                fillers.add(f);
            }
            stream = on(() -> EpollTcpStream.connect(loop, local(server.getLocalPort()), events,
                    PooledByteBufAllocator.DEFAULT, System::nanoTime, () -> { }));
            assertThat(events.queue.poll(300, TimeUnit.MILLISECONDS)).as("nothing while the SYN waits").isNull();
            // Make room: take what is queued.
            server.setSoTimeout(200);
            for (int i = 0; i < 4; i++) {
                try {
                    fillers.add(server.accept());
                } catch (java.net.SocketTimeoutException empty) {
                    break;
                }
            }
            assertThat(events.next()).isEqualTo("connected");
            server.setSoTimeout(5000);
            try (Socket peer = server.accept()) {
                onLoop(() -> stream.write(Unpooled.directBuffer().writeBytes("late".getBytes())));
                assertThat(new String(peer.getInputStream().readNBytes(4))).isEqualTo("late");
            }
        } finally {
            for (Socket f : fillers) {
                f.close();
            }
        }
    }

    @Test
    void aClosedPortIsRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        stream = on(() -> EpollTcpStream.connect(loop, local(port), events, PooledByteBufAllocator.DEFAULT,
                System::nanoTime, () -> { }));
        assertThat(events.next()).isEqualTo("failed REFUSED");
        assertThat(on(() -> stream.fd())).isEqualTo(-1);
    }

    @Test
    void dataBothWaysThenHalfClosesInEitherOrder() throws Exception {
        stream = connect();
        try (Socket peer = server.accept()) {
            onLoop(() -> stream.write(Unpooled.directBuffer().writeBytes("ping".getBytes())));
            assertThat(new String(peer.getInputStream().readNBytes(4))).isEqualTo("ping");
            peer.getOutputStream().write("pong".getBytes());
            assertThat(events.next()).isEqualTo("data pong");
            // The host shuts its side first: EOF; our output stays open for the guest's data.
            peer.shutdownOutput();
            assertThat(events.next()).isEqualTo("eof");
            onLoop(() -> {
                stream.write(Unpooled.wrappedBuffer("late".getBytes()));   // heap: copied to direct
                stream.shutdownOutput();
            });
            InputStream in = peer.getInputStream();
            assertThat(new String(in.readNBytes(4))).isEqualTo("late");
            assertThat(in.read()).isEqualTo(-1);
            // Both directions done: the socket is closed without waiting for the engine.
            awaitTrue(() -> stream.fd() == -1);
        }
    }

    @Test
    void theGuestsFinGoesAfterItsDataAndTheHostsEofClosesTheSocket() throws Exception {
        stream = connect();
        try (Socket peer = server.accept()) {
            onLoop(() -> {
                stream.write(Unpooled.directBuffer().writeBytes("bye".getBytes()));
                stream.shutdownOutput();
            });
            InputStream in = peer.getInputStream();
            assertThat(new String(in.readNBytes(3))).isEqualTo("bye");
            assertThat(in.read()).isEqualTo(-1);
            peer.getOutputStream().write("last".getBytes());
            peer.close();
            assertThat(events.next()).isEqualTo("data last");
            assertThat(events.next()).isEqualTo("eof");
            awaitTrue(() -> stream.fd() == -1);
        }
    }

    @Test
    void aSlowHostReaderQueuesInUserSpaceAndEverythingArrives() throws Exception {
        stream = connect();
        byte[] data = new byte[24 << 20];
        new Random(1).nextBytes(data);
        try (Socket peer = server.accept()) {
            peer.setReceiveBufferSize(64 << 10);
            onLoop(() -> {
                for (int off = 0; off < data.length; off += 60_000) {
                    int n = Math.min(60_000, data.length - off);
                    stream.write(PooledByteBufAllocator.DEFAULT.directBuffer(n).writeBytes(data, off, n));
                }
            });
            // Nobody reads yet: the kernel's buffers fill and the rest waits in user space.
            Thread.sleep(200);
            assertThat(on(() -> stream.pendingBytes())).isPositive();
            byte[] got = peer.getInputStream().readNBytes(data.length);
            assertThat(MessageDigest.getInstance("SHA-256").digest(got))
                    .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
            awaitTrue(() -> stream.pendingBytes() == 0);
            assertThat(events.log).contains("written");
        }
    }

    /** Where the system's default paces (BBR, as on the CI machines): see SameHostCongestion. */
    @Test
    void aConnectionLeavesAPacingDefaultOnceItCarriesBulk() throws Exception {
        String system = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).trim();
        Assumptions.assumeTrue(system.startsWith("bbr"), "the system's default does not pace: " + system);
        stream = connect();
        byte[] data = new byte[300 << 10];
        try (Socket peer = server.accept()) {
            int fd = on(() -> stream.fd());
            onLoop(() -> stream.write(PooledByteBufAllocator.DEFAULT.directBuffer(1000).writeBytes(data, 0, 1000)));
            peer.getInputStream().readNBytes(1000);
            // On the loop, after its flush: the switch, if any, would have been made by then.
            assertThat(on(() -> TcpCongestion.of(fd))).as("a short exchange pays no system call").isEqualTo(system);
            onLoop(() -> stream.write(PooledByteBufAllocator.DEFAULT.directBuffer(data.length).writeBytes(data)));
            peer.getInputStream().readNBytes(data.length);
            awaitTrue(() -> TcpCongestion.of(fd).equals("cubic"));
        }
    }

    @Test
    void pausedReadingLeavesTheHostsDataInTheKernel() throws Exception {
        stream = connect();
        try (Socket peer = server.accept()) {
            onLoop(() -> stream.setReading(false));
            peer.getOutputStream().write(new byte[1000]);
            Thread.sleep(200);
            assertThat(events.log).doesNotContain("data");
            onLoop(() -> stream.setReading(true));
            assertThat(events.next()).startsWith("data ");
            awaitTrue(() -> events.received.get() == 1000);
        }
    }

    @Test
    void anAbortResetsTheHostPeer() throws Exception {
        stream = connect();
        try (Socket peer = server.accept()) {
            onLoop(() -> stream.close(true));
            peer.setSoTimeout(5000);
            try {
                int r = peer.getInputStream().read();
                throw new AssertionError("read " + r + " instead of a reset");
            } catch (SocketException e) {
                assertThat(e.getMessage()).containsIgnoringCase("reset");
            }
        }
        assertThat(events.log).containsExactly("connected");
    }

    @Test
    void anOrderlyCloseSendsWhatWasQueuedFirst() throws Exception {
        stream = connect();
        byte[] data = new byte[8 << 20];
        new Random(2).nextBytes(data);
        try (Socket peer = server.accept()) {
            peer.setReceiveBufferSize(64 << 10);
            onLoop(() -> {
                stream.write(PooledByteBufAllocator.DEFAULT.directBuffer(data.length).writeBytes(data));
                stream.close(false);
            });
            byte[] got = peer.getInputStream().readAllBytes();
            assertThat(got).isEqualTo(data);
            awaitTrue(() -> stream.fd() == -1);
        }
        assertThat(events.log).containsExactly("connected");
    }

    @Test
    void aFailingEngineResetsItsConnectionAndTheLoopGoesOn() throws Exception {
        stream = connect();
        events.failOnData = true;
        try (Socket peer = server.accept()) {
            peer.getOutputStream().write("boom".getBytes());
            assertThat(events.next()).isEqualTo("reset");
            awaitTrue(() -> stream.fd() == -1);
        }
        // The loop still serves other connections at once.
        events.failOnData = false;
        EpollTcpStream other = on(() -> EpollTcpStream.connect(loop, local(server.getLocalPort()), events,
                PooledByteBufAllocator.DEFAULT, System::nanoTime, () -> { }));
        assertThat(events.next()).isEqualTo("connected");
        onLoop(() -> other.close(true));
    }

    @Test
    void aHostResetIsReported() throws Exception {
        stream = connect();
        try (Socket peer = server.accept()) {
            peer.setSoLinger(true, 0);
        }
        assertThat(events.next()).isEqualTo("reset");
        awaitTrue(() -> stream.fd() == -1);
    }

    private EpollTcpStream connect() throws Exception {
        EpollTcpStream s = on(() -> EpollTcpStream.connect(loop, local(server.getLocalPort()), events,
                PooledByteBufAllocator.DEFAULT, System::nanoTime, () -> { }));
        assertThat(events.next()).isEqualTo("connected");
        return s;
    }

    private static InetSocketAddress local(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    private void onLoop(Runnable r) throws Exception {
        loop.submit(r).get(5, TimeUnit.SECONDS);
    }

    private <T> T on(Callable<T> c) throws Exception {
        return loop.submit(c).get(5, TimeUnit.SECONDS);
    }

    private void awaitTrue(Callable<Boolean> c) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!on(c)) {
            assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(end);
            Thread.sleep(10);
        }
    }

    /** The events as text, in order; data is released on arrival (its bytes counted). */
    private static final class Recorder implements HostTcp.Events {
        final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        final java.util.List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicLong received = new AtomicLong();
        volatile boolean failOnData;

        private void add(String e) {
            if (!e.equals("written")) {
                queue.add(e);
            }
            log.add(e);
        }

        String next() throws InterruptedException {
            String e = queue.poll(5, TimeUnit.SECONDS);
            assertThat(e).as("an event within 5 s").isNotNull();
            return e;
        }

        void drain() {
            queue.clear();
        }

        @Override
        public void connected(long now) {
            add("connected");
        }

        @Override
        public void failed(HostTcp.Failure failure, long now) {
            add("failed " + failure);
        }

        @Override
        public void data(ByteBuf data, long now) {
            if (failOnData) {
                data.release();
                throw new IllegalStateException("an engine bug");
            }
            received.addAndGet(data.readableBytes());
            String text = data.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
            data.release();
            add("data " + text);
        }

        @Override
        public void eof(long now) {
            add("eof");
        }

        @Override
        public void reset(long now) {
            add("reset");
        }

        @Override
        public void written(long now) {
            add("written");
        }
    }
}
