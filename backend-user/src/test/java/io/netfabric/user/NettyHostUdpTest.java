package io.netfabric.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netfabric.core.Fabric;
import io.netfabric.core.Transport;
import io.netfabric.user.nat.HostUdp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The host UDP adapter against the host's own loopback: an unconnected NAT socket reports the
 * kernel's ICMP and ICMPv6 errors through its error queue (IP_RECVERR), which needs no raw
 * socket, and a datagram sent right after one that drew an error is not lost.
 */
class NettyHostUdpTest {
    private record Seen(InetSocketAddress to, boolean icmpv6, int type, int code) {
    }

    private final BlockingQueue<Seen> errors = new LinkedBlockingQueue<>();
    private Fabric fabric;

    private final HostUdp.Receiver receiver = new HostUdp.Receiver() {
        @Override
        public void received(ByteBuf payload, InetSocketAddress from, long now) {
        }

        @Override
        public void error(InetSocketAddress to, boolean icmpv6, int type, int code, int quotedLength, long now) {
            errors.add(new Seen(to, icmpv6, type, code));
        }
    };

    @AfterEach
    void stop() {
        if (fabric != null) {
            fabric.close();
        }
    }

    private HostUdp.Socket open(Transport transport) {
        fabric = Fabric.create(transport);
        NettyHostUdp host = new NettyHostUdp(fabric, System::nanoTime, () -> { });
        assertThat(host.reportsErrors()).isEqualTo(transport == Transport.EPOLL);
        HostUdp.Socket[] s = new HostUdp.Socket[1];
        fabric.run(() -> s[0] = host.open(true, receiver));
        return s[0];
    }

    private void send(HostUdp.Socket s, String text, InetSocketAddress to) {
        fabric.run(() -> s.send(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII), to));
    }

    private static int closedPort(String address) throws Exception {
        try (DatagramSocket d = new DatagramSocket(0, InetAddress.getByName(address))) {
            return d.getLocalPort();
        }
    }

    @Test
    void closedPortsAreReportedOverIpv4AndIpv6WithoutRawSockets() throws Exception {
        assumeTrue(Transport.best() == Transport.EPOLL, "IP_RECVERR through the epoll transport");
        HostUdp.Socket s = open(Transport.EPOLL);
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), closedPort("127.0.0.1"));
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), closedPort("::1"));
        send(s, "a", v4);
        // RFC 792 destination unreachable, port unreachable (3/3).
        assertThat(errors.poll(5, TimeUnit.SECONDS)).isEqualTo(new Seen(v4, false, 3, 3));
        send(s, "b", v6);
        // RFC 4443 §3.1 destination unreachable, port unreachable (1/4).
        assertThat(errors.poll(5, TimeUnit.SECONDS)).isEqualTo(new Seen(v6, true, 1, 4));
        assertThat(errors.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aDatagramRightAfterARefusedOneStillLeaves() throws Exception {
        assumeTrue(Transport.best() == Transport.EPOLL, "IP_RECVERR through the epoll transport");
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            server.setSoTimeout(5000);
            HostUdp.Socket s = open(Transport.EPOLL);
            InetSocketAddress closed = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), closedPort("127.0.0.1"));
            InetSocketAddress open = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), server.getLocalPort());
            // On loopback the error comes back inside the first send; the next send meets it.
            fabric.run(() -> {
                for (int i = 0; i < 3; i++) {
                    s.send(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII), closed);
                }
                s.send(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII), open);
            });
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            server.receive(p);
            assertThat(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII)).isEqualTo("hello");
            for (int i = 0; i < 3; i++) {
                assertThat(errors.poll(5, TimeUnit.SECONDS)).isEqualTo(new Seen(closed, false, 3, 3));
            }
            assertThat(errors.poll(200, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void nioSocketsLeaveErrorsToRawSockets() throws Exception {
        HostUdp.Socket s = open(Transport.NIO);
        send(s, "a", new InetSocketAddress(InetAddress.getByName("127.0.0.1"), closedPort("127.0.0.1")));
        assertThat(errors.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }
}
