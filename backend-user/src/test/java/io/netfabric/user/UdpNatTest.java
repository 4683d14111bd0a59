package io.netfabric.user;

import static io.netfabric.user.GuestFrames.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.user.nat.UdpNat;
import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Ipv4Address;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class UdpNatTest {
    @Test
    void theHostAddressMapsToLoopbackAndRepliesComeBackFromIt() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(udp4(GUEST_IP, 5555, HOST, 7000, "ping".getBytes()));
            StackHarness.FakeHostUdp.Sent s = h.host.sent.get(0);
            assertThat(s.to()).isEqualTo(new InetSocketAddress("127.0.0.1", 7000));
            s.socket().reply("pong".getBytes(), new InetSocketAddress("127.0.0.1", 7000), h.now);
            SeenFrame r = h.last();
            assertThat(r.src4()).isEqualTo(HOST);
            assertThat(r.srcPort()).isEqualTo(7000);
            assertThat(r.dst4()).isEqualTo(GUEST_IP);
            assertThat(r.dstPort()).isEqualTo(5555);
            assertThat(new String(r.payload())).isEqualTo("pong");
        }
    }

    /**
     * A guest's broadcasts, to the network's own broadcast address or the limited one, reach the
     * host's loopback (libslirp 4.7 sends 10.0.2.255 on to the host's network unchanged) and
     * answers come from the host address; the IPv6 prefix's addresses are ::1.
     */
    @Test
    void broadcastsAndThePrefixAreTheHostsLoopback() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(udp4(GUEST_IP, 5556, Ipv4Address.parse("10.0.2.255"), 137, new byte[1]));
            StackHarness.FakeHostUdp.Sent b = h.host.sent.get(0);
            assertThat(b.to()).isEqualTo(new InetSocketAddress("127.0.0.1", 137));
            b.socket().reply("b".getBytes(), new InetSocketAddress("127.0.0.1", 137), h.now);
            assertThat(h.last().src4()).isEqualTo(HOST);
            h.send(udp4(GUEST_IP, 5557, Ipv4Address.parse("255.255.255.255"), 7000, new byte[1]));
            assertThat(h.host.sent.get(1).to()).isEqualTo(new InetSocketAddress("127.0.0.1", 7000));
            h.send(ipv6(ROUTER, GUEST6, io.netfabric.wire.Ipv6Address.parse("fec0::99"), IpProtocol.UDP,
                    udp6Segment(5558, 7001, new byte[1]), 64));
            StackHarness.FakeHostUdp.Sent v6 = h.host.sent.get(2);
            assertThat(v6.to()).isEqualTo(new InetSocketAddress("::1", 7001));
            v6.socket().reply("c".getBytes(), new InetSocketAddress("::1", 7001), h.now);
            assertThat(h.last().src6()).isEqualTo(io.netfabric.wire.Ipv6Address.parse("fec0::99"));
        }
    }

    /**
     * An error the flow's socket reports (its IP_RECVERR queue) reaches the guest about the
     * datagram it sent: from the address it wrote to, quoting its ports and its datagram's
     * length. Errors the guest could not use are not forwarded: IPv4's "fragmentation needed"
     * (its MTU field is not carried) and anything but destination unreachable and time exceeded.
     */
    @Test
    void aSocketsReportedErrorReachesTheGuest() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(udp4(GUEST_IP, 5555, HOST, 7000, "hello".getBytes()));
            StackHarness.FakeHostUdp.Sent s = h.host.sent.get(0);
            h.take();
            s.socket().receiver.error(s.to(), false, 3, 3, 0, h.now);
            SeenFrame r = h.last();
            assertThat(r.proto()).isEqualTo(IpProtocol.ICMP);
            assertThat(r.checksumsOk()).isTrue();
            assertThat(r.src4()).isEqualTo(HOST);
            assertThat(r.dst4()).isEqualTo(GUEST_IP);
            assertThat(r.payloadU8(0)).isEqualTo(3);
            assertThat(r.payloadU8(1)).isEqualTo(3);
            assertThat(r.payloadU16(8 + 20)).as("quoted source port").isEqualTo(5555);
            assertThat(r.payloadU16(8 + 22)).as("quoted destination port").isEqualTo(7000);
            assertThat(r.payloadU16(8 + 24)).as("quoted UDP length: the guest's datagram").isEqualTo(8 + 5);
            h.take();
            s.socket().receiver.error(s.to(), false, 3, 4, 0, h.now);
            s.socket().receiver.error(s.to(), false, 12, 0, 0, h.now);
            s.socket().receiver.error(s.to(), true, 1, 4, 0, h.now);
            assertThat(h.take()).isEmpty();
            s.socket().receiver.error(s.to(), false, 11, 0, 0, h.now);
            assertThat(h.last().payloadU8(0)).isEqualTo(11);
        }
    }

    /**
     * To a guest whose tap takes offloads, a host's datagram leaves with a partial checksum (the
     * pseudo-header sum, NEEDS_CSUM at the UDP checksum's offset) that completes to the true
     * sum; one longer than the MTU still leaves in fragments with its sum filled in.
     */
    @Test
    void withOffloadsAnAnswerCarriesAPartialChecksum() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.offloads = true;
            h.send(udp4(GUEST_IP, 5555, HOST, 7000, "ping".getBytes()));
            StackHarness.FakeHostUdp.Sent s = h.host.sent.get(0);
            s.socket().reply("pong".getBytes(), new InetSocketAddress("127.0.0.1", 7000), h.now);
            assertThat(h.offloadsSeen).hasSize(1);
            long o = h.offloadsSeen.get(0);
            assertThat(io.netfabric.wire.virtio.Offload.needsCsum(o)).isTrue();
            assertThat(io.netfabric.wire.virtio.Offload.csumStart(o)).isEqualTo(14 + 20);
            assertThat(io.netfabric.wire.virtio.Offload.csumOffset(o)).isEqualTo(6);
            SeenFrame r = h.last();
            assertThat(new String(r.payload())).isEqualTo("pong");
            io.netty.buffer.ByteBuf f = io.netty.buffer.Unpooled.wrappedBuffer(r.bytes());
            assertThat(io.netfabric.wire.virtio.GsoSegmenter.completeChecksum(f, 14 + 20, 6)).isTrue();
            assertThat(SeenFrame.of(io.netty.buffer.ByteBufUtil.getBytes(f)).checksumsOk()).isTrue();
            s.socket().reply(new byte[3000], new InetSocketAddress("127.0.0.1", 7000), h.now);
            assertThat(h.offloadsSeen).hasSize(1);
            assertThat(h.take()).hasSize(1 + 3).last().satisfies(last -> assertThat(last.checksumsOk()).isTrue());
        }
    }

    @Test
    void oneSocketPerGuestAddressAndPort() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(udp4(GUEST_IP, 5555, HOST, 7000, new byte[1]));
            h.send(udp4(GUEST_IP, 5555, Ipv4Address.parse("192.0.2.9"), 9, new byte[1]));
            h.send(udp4(GUEST_IP, 5556, HOST, 7000, new byte[1]));
            assertThat(h.host.opened).isEqualTo(2);
            assertThat(h.host.sent.get(1).to()).isEqualTo(new InetSocketAddress("192.0.2.9", 9));
        }
    }

    @Test
    void flowsExpireAfter240sOr10sForDns() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(udp4(GUEST_IP, 5555, HOST, 7000, new byte[1]));
            h.send(udp4(GUEST_IP, 5556, Ipv4Address.parse("192.0.2.53"), 53, new byte[1]));
            h.advance(11_000_000_000L);
            assertThat(h.stack.udpNat().flowCount()).isEqualTo(1);
            h.advance(UdpNat.IDLE_NANOS);
            assertThat(h.stack.udpNat().flowCount()).isZero();
            assertThat(h.host.open).isEmpty();
        }
    }

    @Test
    void theTableIsBoundedAndEvictionsAreCounted() {
        try (StackHarness h = new StackHarness(StackHarness.config(""), 100)) {
            for (int i = 0; i < 2000; i++) {
                h.send(udp4(GUEST_IP, 10000 + i, HOST, 7000, new byte[1]));
            }
            assertThat(h.stack.udpNat().flowCount()).isEqualTo(100);
            assertThat(h.stack.counters().natEvictions).isEqualTo(1900);
            assertThat(h.host.open).hasSize(100);
        }
    }

    @Test
    void restrictSendsNothingOut() {
        try (StackHarness h = new StackHarness(StackHarness.config("restrict=on"))) {
            h.send(udp4(GUEST_IP, 5555, Ipv4Address.parse("192.0.2.9"), 7000, new byte[1]));
            h.send(udp4(GUEST_IP, 5555, HOST, 7000, new byte[1]));
            assertThat(h.host.sent).isEmpty();
            assertThat(h.last().proto()).isEqualTo(IpProtocol.ICMP);   // port unreachable from 10.0.2.2
        }
    }

    @Test
    void largeRepliesAreFragmentedToTheMtu() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(udp4(GUEST_IP, 5555, HOST, 7000, new byte[1]));
            h.host.sent.get(0).socket().reply(new byte[4000], new InetSocketAddress("127.0.0.1", 7000), h.now);
            assertThat(h.toGuest).hasSize(3).allMatch(SeenFrame::fragment);
            assertThat(h.toGuest).allMatch(f -> f.bytes().length <= 1514);
        }
    }

    /**
     * IPv6 both ways past the MTU (libslirp drops IPv6 fragments and does not fragment): a guest's
     * 3000-octet datagram in fragments reaches the host whole, and a 4000-octet reply leaves in
     * fragments of at most the MTU.
     */
    @Test
    void ipv6DatagramsLongerThanTheMtuCrossBothWays() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            byte[] data = new byte[3000];
            java.util.Arrays.fill(data, (byte) 'q');
            ipv6Fragments(ROUTER, GUEST6, HOST6, IpProtocol.UDP, udp6Segment(5555, 7000, data), 1448, 42).forEach(h::send);
            StackHarness.FakeHostUdp.Sent s = h.host.sent.get(0);
            assertThat(s.to()).isEqualTo(new InetSocketAddress("::1", 7000));
            assertThat(s.payload()).isEqualTo(data);
            s.socket().reply(new byte[4000], new InetSocketAddress("::1", 7000), h.now);
            assertThat(h.toGuest).hasSize(3).allMatch(f -> f.bytes().length <= 1514)
                    .allMatch(f -> (f.bytes()[20] & 0xFF) == IpProtocol.IPV6_FRAG.value());
        }
    }
}
