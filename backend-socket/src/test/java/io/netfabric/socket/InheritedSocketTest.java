package io.netfabric.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricEvent;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.Transport;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.core.testing.RecordingClient;
import io.netty.buffer.Unpooled;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.FileDescriptor;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sockets given by descriptor ({@code socket,fd=}, {@code stream} {@code addr.type=fd},
 * {@code dgram} {@code local.type=fd}): descriptors made here, handed over by number (or by a
 * monitor name), frames both ways through a hub to a test endpoint; the wrong kind of descriptor
 * gives QEMU 7.2's message (checked against qemu-system-x86_64 7.2 by hand, see the README) and
 * is closed; the fabric stays up; no descriptor or buffer leaks.
 */
@Timeout(30)
class InheritedSocketTest {
    private Fabric fabric;
    private RecordingClient endpoint;
    private long fdsBefore;
    private final List<Integer> testFds = new ArrayList<>();

    @BeforeAll
    static void warmUp() throws Exception {
        // Native code, JNR's generated classes and the jars they come from open once, not per test.
        Fabric f = Fabric.create();
        Descriptors.close(Descriptors.socketpair(Descriptors.SOCK_STREAM)[0]);
        Libc.Holder.LIBC.strerror(9);
        f.close();
    }

    @BeforeEach
    void start() throws IOException {
        fdsBefore = openFds();
        fabric = Fabric.create();
        Assumptions.assumeTrue(fabric.transport() == Transport.EPOLL, "fd= needs the epoll transport");
        endpoint = new RecordingClient("ep");
        fabric.addClient(endpoint);
    }

    @AfterEach
    void stop() throws Exception {
        fabric.close();
        testFds.forEach(Descriptors::close);
        long after = openFds();
        for (int i = 0; i < 50 && after > fdsBefore; i++) {
            Thread.sleep(20);
            after = openFds();
        }
        assertThat(after).as("open descriptors after the fabric closed").isLessThanOrEqualTo(fdsBefore);
    }

    private static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private NetClient join(String netdev) {
        NetClient c = fabric.addNetdev(NetdevOptionParser.parseNetdev(netdev, fabric.availableTypes()));
        fabric.addNetdev(NetdevOptionParser.parseNetdev("hubport,id=h0,hubid=0,netdev=s0", fabric.availableTypes()));
        fabric.addNetdev(NetdevOptionParser.parseNetdev("hubport,id=h1,hubid=0,netdev=ep", fabric.availableTypes()));
        return c;
    }

    private FabricException refused(String netdev) {
        FabricException e = catchThrowableOfType(() -> fabric.addNetdev(
                NetdevOptionParser.parseNetdev(netdev, fabric.availableTypes())), FabricException.class);
        assertThat(e).as("%s is refused", netdev).isNotNull();
        assertThat(fabric.clients()).as("a refused netdev leaves nothing behind").containsExactly(endpoint);
        return e;
    }

    private String info(String id) {
        return fabric.call(() -> fabric.findNetdev(id).info());
    }

    private static byte[] frame(int tag) {
        byte[] f = new byte[60];
        for (int i = 0; i < 6; i++) {
            f[i] = -1;
        }
        f[6] = 0x52;
        f[11] = (byte) tag;
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xb5;
        f[59] = (byte) tag;
        return f;
    }

    private void fromEndpoint(byte[] f) {
        fabric.run(() -> endpoint.send(Unpooled.directBuffer(f.length).writeBytes(f)));
    }

    private static byte[] framed(byte[] f) {
        return ByteBuffer.allocate(4 + f.length).putInt(f.length).put(f).array();
    }

    /** A unix socketpair: the first end for the netdev (blocking, as a parent passes it), the second for the test. */
    private int[] pair(int type) {
        int[] sv = Descriptors.socketpair(type);
        testFds.add(sv[1]);
        Descriptors.setNonBlocking(sv[1]);
        return sv;
    }

    /** A TCP connection to a server here: the client end's descriptor, for the netdev. */
    private static int tcpClientOf(ServerSocket server) throws IOException {
        LinuxSocket s = LinuxSocket.newSocketStream(SocketProtocolFamily.INET);
        s.connect(server.getLocalSocketAddress());   // completes with the accept below
        return s.intValue();
    }

    // ---------------------------------------------------------------- frames both ways

    @Test
    void socketFdOverTcpCarriesLengthFramedFramesBothWays() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int fd = tcpClientOf(server);
            try (Socket peer = server.accept()) {
                join("socket,id=s0,fd=" + fd);
                assertThat(info("s0")).isEqualTo("socket: fd=" + fd);
                peer.getOutputStream().write(framed(frame(1)));
                assertThat(endpoint.waitForCount(1, 5000)).isEqualTo(1);
                assertThat(endpoint.received().get(0)).isEqualTo(frame(1));

                fromEndpoint(frame(2));
                peer.setSoTimeout(5000);
                DataInputStream in = new DataInputStream(peer.getInputStream());
                assertThat(in.readInt()).isEqualTo(60);
                byte[] got = new byte[60];
                in.readFully(got);
                assertThat(got).isEqualTo(frame(2));
            }
            // The peer went: the netdev stays, its link down, as QEMU's (no reconnect for a given socket).
            for (int i = 0; i < 100 && !info("s0").isEmpty(); i++) {
                Thread.sleep(10);
            }
            assertThat(info("s0")).isEmpty();
        }
    }

    @Test
    void socketFdOverAUnixSocketpairIsAStreamAndIsMadeNonBlocking() throws Exception {
        int[] sv = pair(Descriptors.SOCK_STREAM);
        assertThat(Descriptors.isNonBlocking(sv[0])).isFalse();
        join("socket,id=s0,fd=" + sv[0]);
        assertThat(Descriptors.isNonBlocking(sv[0])).as("qemu_socket_try_set_nonblock").isTrue();
        assertThat(info("s0")).isEqualTo("socket: fd=" + sv[0]);
        Descriptors.send(sv[1], framed(frame(3)));
        assertThat(endpoint.waitForCount(1, 5000)).isEqualTo(1);
        assertThat(endpoint.received().get(0)).isEqualTo(frame(3));
        fromEndpoint(frame(4));
        assertThat(Descriptors.recvExactly(sv[1], 64, 5000)).isEqualTo(framed(frame(4)));
    }

    @Test
    void socketFdOverAUnixDatagramSocketpairSendsOneDatagramPerFrame() throws Exception {
        int[] sv = pair(Descriptors.SOCK_DGRAM);
        join("socket,id=s0,fd=" + sv[0]);
        assertThat(info("s0")).isEqualTo("socket: fd=" + sv[0] + " unix");
        Descriptors.send(sv[1], frame(5));
        assertThat(endpoint.waitForCount(1, 5000)).isEqualTo(1);
        assertThat(endpoint.received().get(0)).isEqualTo(frame(5));
        fromEndpoint(frame(6));
        assertThat(Descriptors.recv(sv[1], 2048, 5000)).isEqualTo(frame(6));
    }

    @Test
    void dgramLocalFdOverConnectedUdpSendsToThePeer() throws Exception {
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            LinuxSocket s = LinuxSocket.newSocketDgram(SocketProtocolFamily.INET);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            s.connect(peer.getLocalSocketAddress());
            int fd = s.intValue();
            InetSocketAddress netdevAddress = s.localAddress();
            join("dgram,id=s0,local.type=fd,local.str=" + fd);
            assertThat(info("s0")).isEqualTo("fd=" + fd + " inet");
            peer.send(new DatagramPacket(frame(7), 60, netdevAddress));
            assertThat(endpoint.waitForCount(1, 5000)).isEqualTo(1);
            assertThat(endpoint.received().get(0)).isEqualTo(frame(7));
            fromEndpoint(frame(8));
            peer.setSoTimeout(5000);
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            peer.receive(p);
            assertThat(java.util.Arrays.copyOf(p.getData(), p.getLength())).isEqualTo(frame(8));
        }
    }

    @Test
    void streamAddrFdIsAConnectedClientWithItsEvent() throws Exception {
        List<FabricEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        fabric.addEventListener(events::add);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int fd = tcpClientOf(server);
            try (Socket peer = server.accept()) {
                join("stream,id=s0,addr.type=fd,addr.str=" + fd);
                assertThat(info("s0")).isEqualTo("tcp:127.0.0.1:" + server.getLocalPort());
                assertThat(events).anySatisfy(e -> {
                    assertThat(e.event()).isEqualTo("NETDEV_STREAM_CONNECTED");
                    assertThat(e.data()).containsEntry("addr",
                            Map.of("type", "inet", "host", "127.0.0.1", "port", Integer.toString(server.getLocalPort()),
                                    "ipv4", true));
                });
                DataOutputStream out = new DataOutputStream(peer.getOutputStream());
                out.write(framed(frame(9)));
                assertThat(endpoint.waitForCount(1, 5000)).isEqualTo(1);
                fromEndpoint(frame(10));
                peer.setSoTimeout(5000);
                byte[] got = new byte[64];
                new DataInputStream(peer.getInputStream()).readFully(got);
                assertThat(got).isEqualTo(framed(frame(10)));
            }
            for (int i = 0; i < 100 && events.stream().noneMatch(e -> e.event().equals("NETDEV_STREAM_DISCONNECTED")); i++) {
                Thread.sleep(10);
            }
            assertThat(events).extracting(FabricEvent::event).contains("NETDEV_STREAM_DISCONNECTED");
        }
    }

    @Test
    void streamAddrFdOverASocketpairShowsAnUnnamedUnixPeer() throws Exception {
        int[] sv = pair(Descriptors.SOCK_STREAM);
        join("stream,id=s0,addr.type=fd,addr.str=" + sv[0]);
        assertThat(info("s0")).isEqualTo("unix:");   // as QEMU 7.2 shows a socketpair
        Descriptors.send(sv[1], framed(frame(11)));
        assertThat(endpoint.waitForCount(1, 5000)).isEqualTo(1);
    }

    @Test
    void streamServerAddrFdAcceptsOnAGivenListeningSocket() throws Exception {
        LinuxSocket listening = LinuxSocket.newSocketStream(SocketProtocolFamily.INET);
        listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = listening.localAddress().getPort();
        join("stream,id=s0,server=on,addr.type=fd,addr.str=" + listening.intValue());
        try (Socket peer = new Socket(InetAddress.getLoopbackAddress(), port)) {
            peer.getOutputStream().write(framed(frame(12)));
            assertThat(endpoint.waitForCount(1, 5000)).isEqualTo(1);
            assertThat(info("s0")).startsWith("tcp:127.0.0.1:");
        }
    }

    /** Netty's unix server channel made from a descriptor took it as inactive and never accepted. */
    @Test
    void streamServerAddrFdAcceptsOnAGivenUnixListeningSocket() throws Exception {
        Path dir = Files.createTempDirectory("nf-inherited");
        Path path = dir.resolve("l.sock");
        LinuxSocket listening = LinuxSocket.newSocketDomain();
        try {
            listening.bind(new io.netty.channel.unix.DomainSocketAddress(path.toFile()));
            join("stream,id=s0,server=on,addr.type=fd,addr.str=" + listening.intValue());
            try (java.nio.channels.SocketChannel peer = java.nio.channels.SocketChannel.open(
                    java.net.UnixDomainSocketAddress.of(path))) {
                peer.write(ByteBuffer.wrap(framed(frame(13))));
                assertThat(endpoint.waitForCount(1, 5000)).isEqualTo(1);
                assertThat(info("s0")).isEqualTo("unix:" + path);   // QEMU 7.2 shows the listener's path
            }
        } finally {
            Files.deleteIfExists(path);
            Files.delete(dir);
        }
    }

    @Test
    void aMonitorNameResolvesToItsDescriptor() throws Exception {
        int[] sv = pair(Descriptors.SOCK_DGRAM);
        fabric.addNetdev(NetdevOptionParser.parseNetdev("socket,id=s0,fd=mine", fabric.availableTypes()),
                name -> name.equals("mine") ? sv[0] : -1);
        assertThat(info("s0")).isEqualTo("socket: fd=" + sv[0] + " unix");
        FabricException e = catchThrowableOfType(() -> fabric.addNetdev(
                NetdevOptionParser.parseNetdev("socket,id=s1,fd=theirs", fabric.availableTypes()),
                io.netfabric.core.MonitorFds.NONE), FabricException.class);
        assertThat(e.getMessage()).isEqualTo("File descriptor named 'theirs' has not been found");
    }

    // ---------------------------------------------------------------- the wrong descriptors (QEMU 7.2's words)

    @Test
    void aPipeIsNoSocketAndIsClosed() throws IOException {
        FileDescriptor[] p = FileDescriptor.pipe();
        testFds.add(p[1].intValue());
        int fd = p[0].intValue();
        String pipe = Descriptors.identity(fd);
        assertThat(refused("socket,id=s0,fd=" + fd).getMessage()).isEqualTo("can't get socket option SO_TYPE");
        assertThat(Descriptors.isOpen(fd, pipe)).as("QEMU closes the descriptor it was given").isFalse();
        FileDescriptor[] q = FileDescriptor.pipe();
        testFds.add(q[1].intValue());
        assertThat(refused("dgram,id=s0,local.type=fd,local.str=" + q[0].intValue()).getMessage())
                .isEqualTo("Unable to query local socket address: Socket operation on non-socket");
    }

    @Test
    void aSeqpacketSocketIsNeitherDgramNorStream() {
        int[] sv = pair(Descriptors.SOCK_SEQPACKET);
        String socket = Descriptors.identity(sv[0]);
        assertThat(refused("socket,id=s0,fd=" + sv[0]).getMessage())
                .isEqualTo("socket type=5 for fd=" + sv[0] + " must be either SOCK_DGRAM or SOCK_STREAM");
        assertThat(Descriptors.isOpen(sv[0], socket)).isFalse();
    }

    @Test
    void badNumbersAndClosedDescriptorsGetQemusMessages() throws IOException {
        assertThat(refused("socket,id=s0,fd=abc").getMessage()).isEqualTo("Invalid file descriptor number 'abc'");
        assertThat(refused("dgram,id=s0,local.type=fd,local.str=abc").getMessage())
                .isEqualTo("Invalid file descriptor number 'abc'");
        FileDescriptor[] p = FileDescriptor.pipe();   // two numbers that are free once closed
        int closed = p[0].intValue();
        p[0].close();
        p[1].close();
        assertThat(refused("socket,id=s0,fd=" + closed).getMessage())
                .isEqualTo("s0: Can't use file descriptor " + closed + ": Bad file descriptor");
        assertThat(refused("dgram,id=s0,local.type=fd,local.str=" + closed).getMessage())
                .isEqualTo("s0: Can't use file descriptor " + closed + ": Bad file descriptor");
    }

    @Test
    void multicastWithAGivenSocketIsRefusedAsIn72() {
        int[] sv = pair(Descriptors.SOCK_DGRAM);
        assertThat(refused("socket,id=s0,fd=" + sv[0] + ",mcast=239.192.168.1:1102").getMessage())
                .isEqualTo("exactly one of listen=, connect=, mcast= or udp= is required");
        assertThat(refused("dgram,id=s0,local.type=fd,local.str=" + sv[0]
                + ",remote.type=inet,remote.host=239.192.168.1,remote.port=1102").getMessage())
                .isEqualTo("port number '(null)' is invalid");
    }

    @Test
    void aStreamOnABadDescriptorIsCreatedWithConnectionError() throws Exception {
        FileDescriptor[] p = FileDescriptor.pipe();
        testFds.add(p[1].intValue());
        String pipe = Descriptors.identity(p[0].intValue());
        join("stream,id=s0,addr.type=fd,addr.str=" + p[0].intValue());
        assertThat(info("s0")).isEqualTo("connection error");
        assertThat(Descriptors.isOpen(p[0].intValue(), pipe)).isFalse();
        fromEndpoint(frame(13));   // dropped: nobody is connected
        int[] sv = pair(Descriptors.SOCK_STREAM);
        fabric.deleteNetdev("h0");
        fabric.deleteNetdev("s0");
        fabric.addNetdev(NetdevOptionParser.parseNetdev("stream,id=s0,server=on,addr.type=fd,addr.str=" + sv[0],
                fabric.availableTypes()));
        assertThat(info("s0")).as("a connected socket cannot listen").isEqualTo("connection error");
    }
}
