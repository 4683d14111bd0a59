package io.netfabric.user;

import static io.netfabric.user.GuestFrames.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.core.Fabric;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.hubport.Hubs;
import io.netfabric.wire.dhcp.DhcpPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user netdev in a real fabric: a guest client on hub 0 with {@code -netdev user} behind a
 * {@code hubport}, real host sockets on the fabric's loop, and servers on 127.0.0.1 only.
 */
class UserNetdevTest {
    /** A guest stand-in on a hub port: records what reaches it. */
    static final class Guest extends NetClient {
        final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();

        Guest() {
            super("guest", "test");
        }

        @Override
        protected int receive(ByteBuf frame) {
            int n = frame.readableBytes();
            frames.add(ByteBufUtil.getBytes(frame));
            frame.release();
            return n;
        }

        SeenFrame await(Predicate<SeenFrame> p) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < end) {
                byte[] f = frames.poll(100, TimeUnit.MILLISECONDS);
                if (f != null) {
                    SeenFrame s = SeenFrame.of(f);
                    if (p.test(s)) {
                        return s;
                    }
                }
            }
            throw new AssertionError("no matching frame within 5 s");
        }
    }

    Fabric fabric;
    Guest guest;
    DatagramSocket server;
    Thread serverThread;

    void start(String userOpts) {
        fabric = Fabric.create();
        fabric.addNetdev(NetdevOptionParser.parseNetdev("user,id=u0" + userOpts, fabric.availableTypes(), w -> { }));
        fabric.addNetdev(NetdevOptionParser.parseNetdev("hubport,id=h0,hubid=0,netdev=u0", fabric.availableTypes(), w -> { }));
        guest = new Guest();
        fabric.run(() -> {
            NetClient port = Hubs.of(fabric).newPort(0, "h1", guest);
            fabric.addClient(port);
            fabric.addClient(guest);
        });
    }

    void send(ByteBuf frame) {
        fabric.run(() -> guest.send(frame));
    }

    /** A loopback server answering each datagram with {@code answer(query)}. */
    void serve(java.util.function.UnaryOperator<byte[]> answer) throws Exception {
        server = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        serverThread = new Thread(() -> {
            byte[] buf = new byte[65536];
            while (!server.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    server.receive(p);
                    byte[] out = answer.apply(Arrays.copyOf(p.getData(), p.getLength()));
                    server.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                } catch (java.io.IOException e) {
                    return;
                }
            }
        });
        serverThread.setDaemon(true);
        serverThread.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (fabric != null) {
            fabric.close();
        }
        if (server != null) {
            server.close();
            serverThread.join(2000);
        }
    }

    @Test
    void dhcpArpAndPingThroughTheHub() throws Exception {
        start("");
        send(udp4(GUEST, io.netfabric.wire.Ipv4Address.ANY, 68, io.netfabric.wire.Ipv4Address.BROADCAST, 67,
                dhcp(1, GUEST, 42, null, null, DhcpServerTest.UDHCPC_PRL)));
        SeenFrame offer = guest.await(f -> f.dstPort() == 68);
        assertThat(DhcpServerTest.view(offer).yiaddr()).isEqualTo(GUEST_IP);
        assertThat(DhcpServerTest.view(offer).messageType()).isEqualTo(DhcpPacket.OFFER);
        send(arpRequest(GUEST, GUEST_IP, HOST));
        SeenFrame arp = guest.await(f -> f.type().equals(io.netfabric.wire.ethernet.EtherType.ARP));
        assertThat(arp.bytes()).hasSize(60);
        send(ping(GUEST_IP, HOST, 1, 1, new byte[4]));
        SeenFrame echo = guest.await(f -> io.netfabric.wire.IpProtocol.ICMP.equals(f.proto()));
        assertThat(echo.bytes()).hasSize(60);   // 42 octets padded as slirp pads
    }

    /**
     * A datagram whose checksum the guest's kernel left to the "hardware" (a tap with offloads:
     * NEEDS_CSUM at offset 6, the field holding only the pseudo-header sum) is taken as it is, as
     * Linux takes CHECKSUM_PARTIAL packets delivered locally; the same bytes without the offload
     * descriptor are a bad checksum and dropped.
     */
    @Test
    void aDatagramWithAPartialChecksumIsTakenAsItIs() throws Exception {
        serve(q -> q);
        start("");
        ByteBuf plain = udp4(GUEST_IP, 5555, HOST, server.getLocalPort(), "partial".getBytes());
        int csum = 14 + 20 + 6;
        plain.setShort(csum, plain.getUnsignedShort(csum) ^ 0x5a5a);   // no longer the datagram's sum
        ByteBuf partial = plain.copy();
        long offload = io.netfabric.wire.virtio.Offload.of(io.netfabric.wire.virtio.VirtioNetHeader.FLAG_NEEDS_CSUM,
                io.netfabric.wire.virtio.VirtioNetHeader.GSO_NONE, 0, 14 + 20, 6);
        send(plain);
        fabric.run(() -> guest.sendAsync(partial, offload, null));
        SeenFrame echo = guest.await(f -> f.srcPort() == server.getLocalPort());
        assertThat(new String(echo.payload())).isEqualTo("partial");
        assertThat(fabric.call(() -> ((UserNetdev) fabric.findNetdev("u0")).stack().counters().dropsByReason()))
                .containsEntry(io.netfabric.user.ip.StackDrop.BAD_CHECKSUM, 1L);
    }

    @Test
    void dnsGoesToTheConfiguredUpstreamOnLoopback() throws Exception {
        serve(q -> {
            byte[] a = q.clone();
            a[2] |= (byte) 0x80;
            return a;
        });
        start(",dns-upstream=127.0.0.1:1,dns-upstream=127.0.0.1:" + server.getLocalPort());
        byte[] q = dnsQuery(0x5151, "example.org", 1);
        send(udp4(GUEST_IP, 33333, DNS, 53, q));
        SeenFrame r = guest.await(f -> f.srcPort() == 53);
        assertThat(r.payload()[0] & 0xFF).isEqualTo(0x51);
        assertThat(r.payload()[2] & 0x80).isEqualTo(0x80);
    }

    @Test
    void udpThroughTheHostAddressReachesLoopbackAndComesBack() throws Exception {
        serve(q -> q);
        start("");
        send(udp4(GUEST_IP, 22222, HOST, server.getLocalPort(), "echo me".getBytes()));
        SeenFrame r = guest.await(f -> f.dstPort() == 22222);
        assertThat(new String(r.payload())).isEqualTo("echo me");
        assertThat(r.src4()).isEqualTo(HOST);
    }

    /** Netty reads 2048 octets of a datagram by default; a host answer of 5000 (EDNS DNS, say) must arrive whole. */
    @Test
    void aHostDatagramLongerThan2048OctetsReachesTheGuestWhole() throws Exception {
        serve(q -> new byte[5000]);
        start("");
        send(udp4(GUEST_IP, 22223, HOST, server.getLocalPort(), "big please".getBytes()));
        SeenFrame first = guest.await(f -> f.fragment() && (f.bytes()[20] & 0x1F) == 0 && f.bytes()[21] == 0);
        byte[] b = first.bytes();
        int udpLength = ((b[14 + 20 + 4] & 0xFF) << 8) | (b[14 + 20 + 5] & 0xFF);
        assertThat(udpLength).isEqualTo(8 + 5000);
    }

    @Test
    void tftpServesAFileOverTheHub(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("f"), new byte[700]);
        start(",tftp=" + dir);
        send(udp4(GUEST_IP, 1069, HOST, 69, tftpRrq("f", "octet")));
        SeenFrame d1 = guest.await(f -> f.dstPort() == 1069);
        assertThat(d1.payloadU16(0)).isEqualTo(3);
        send(udp4(GUEST_IP, 1069, HOST, d1.srcPort(), tftpAck(1)));
        SeenFrame d2 = guest.await(f -> f.dstPort() == 1069);
        assertThat(d2.payload()).hasSize(4 + 188);
        send(udp4(GUEST_IP, 1069, HOST, d1.srcPort(), tftpAck(2)));
    }

    @Test
    void restrictKeepsTheGuestOffTheHost() throws Exception {
        serve(q -> q);
        start(",restrict=on");
        send(udp4(GUEST_IP, 22222, HOST, server.getLocalPort(), "x".getBytes()));
        SeenFrame r = guest.await(f -> io.netfabric.wire.IpProtocol.ICMP.equals(f.proto()));
        assertThat(r.payloadU8(0)).isEqualTo(3);
        server.setSoTimeout(200);
        assertThat(InetSocketAddress.class).isNotNull();
    }

    @Test
    void echoToAnOutsideAddressIsForwardedThroughAHostIcmpSocket() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(canOpenIcmpSocket(),
                "needs a ping socket (net.ipv4.ping_group_range) or CAP_NET_RAW");
        start("");
        io.netfabric.wire.Ipv4Address loop2 = io.netfabric.wire.Ipv4Address.parse("127.0.0.2");
        send(ping(GUEST_IP, loop2, 0x77, 5, "hello icmp".getBytes()));
        SeenFrame r = guest.await(f -> io.netfabric.wire.IpProtocol.ICMP.equals(f.proto()));
        assertThat(r.src4()).isEqualTo(loop2);
        assertThat(r.payloadU8(0)).isZero();
        assertThat(r.payloadU16(4)).isEqualTo(0x77);
        assertThat(r.payloadU16(6)).isEqualTo(5);
        assertThat(new String(r.payload(), 8, 10)).isEqualTo("hello icmp");
        assertThat(r.bytes()[22] & 0xFF).as("TTL, as libslirp reflects every echo reply").isEqualTo(255);
        assertThat(r.checksumsOk()).isTrue();
    }

    static boolean canOpenIcmpSocket() throws Exception {
        if (io.netfabric.testkit.netns.NetnsExtension.isRoot()) {
            return true;
        }
        java.util.Scanner r = new java.util.Scanner(Path.of("/proc/sys/net/ipv4/ping_group_range"));
        long low = r.nextLong();
        long high = r.nextLong();
        return low <= high;
    }

    @Test
    void aClosedHostPortComesBackAsPortUnreachable() throws Exception {
        // Under epoll the NAT socket's own error queue (IP_RECVERR) holds them; under NIO only a
        // raw ICMP socket (CAP_NET_RAW) sees them.
        org.junit.jupiter.api.Assumptions.assumeTrue(io.netfabric.core.Transport.best() == io.netfabric.core.Transport.EPOLL
                || io.netfabric.testkit.netns.NetnsExtension.isRoot(), "no error queue and no raw socket");
        int closedPort;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        start("");
        send(udp4(GUEST_IP, 23456, HOST, closedPort, "x".getBytes()));
        Thread.sleep(300);   // a raw socket (NIO) opens with the first flow: the second datagram's error is seen
        send(udp4(GUEST_IP, 23456, HOST, closedPort, "y".getBytes()));
        SeenFrame r = guest.await(f -> io.netfabric.wire.IpProtocol.ICMP.equals(f.proto()));
        assertThat(r.src4()).isEqualTo(HOST);
        assertThat(r.payloadU8(0)).isEqualTo(3);
        assertThat(r.payloadU8(1)).isEqualTo(3);
        assertThat(r.payloadU16(8 + 2)).as("quoted IP total length: the guest's datagram").isEqualTo(20 + 8 + 1);
        assertThat(r.payloadU16(8 + 20 + 4)).as("quoted UDP length").isEqualTo(8 + 1);
        assertThat(r.checksumsOk()).isTrue();
    }
}
