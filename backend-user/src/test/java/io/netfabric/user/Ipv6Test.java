package io.netfabric.user;

import static io.netfabric.user.GuestFrames.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Ipv6Address;
import io.netfabric.wire.MacAddress;
import io.netfabric.wire.icmpv6.Icmpv6Packet;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Ipv6Test {
    static final Ipv6Address GUEST_LL = Ipv6Address.parse("fe80::5054:ff:fe12:3456");
    static final MacAddress ROUTER_MCAST = MacAddress.parse("33:33:00:00:00:02");

    @Test
    void aRouterSolicitationGetsAnAdvertisementWithPrefixMtuRdnssAndDnssl() {
        try (StackHarness h = new StackHarness(StackHarness.config("dnssearch=example.test,mtu=1400"))) {
            byte[] rs = {(byte) 133, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56};
            h.send(ipv6(ROUTER_MCAST, GUEST_LL, Ipv6Address.parse("ff02::2"), IpProtocol.ICMPV6, rs, 255));
            SeenFrame ra = h.last();
            assertThat(ra.checksumsOk()).isTrue();
            assertThat(ra.src6()).isEqualTo(Ipv6Address.parse("fe80::2"));
            byte[] p = ra.payload();
            assertThat(p[0] & 0xFF).isEqualTo(134);
            Icmpv6Packet v = new Icmpv6Packet();
            v.wrapChecked(io.netty.buffer.Unpooled.wrappedBuffer(p), 0, p.length);
            assertThat(v.ndpOptionsValid(Icmpv6Packet.RA_LEN)).isTrue();
            int prefix = v.findNdpOption(Icmpv6Packet.RA_LEN, Icmpv6Packet.OPT_PREFIX_INFO);
            assertThat(p[prefix + 2]).isEqualTo((byte) 64);
            assertThat(Arrays.copyOfRange(p, prefix + 16, prefix + 18)).containsExactly(0xfe, 0xc0);
            int mtu = v.findNdpOption(Icmpv6Packet.RA_LEN, Icmpv6Packet.OPT_MTU);
            assertThat(((p[mtu + 6] & 0xFF) << 8) | (p[mtu + 7] & 0xFF)).isEqualTo(1400);
            int rdnss = v.findNdpOption(Icmpv6Packet.RA_LEN, Icmpv6Packet.OPT_RDNSS);
            assertThat(Arrays.copyOfRange(p, rdnss + 8, rdnss + 24)).isEqualTo(Ipv6Address.parse("fec0::3").toBytes());
            assertThat(v.findNdpOption(Icmpv6Packet.RA_LEN, Icmpv6Packet.OPT_DNSSL)).isPositive();
        }
    }

    /**
     * Once the guest has been heard, advertisements keep coming unasked every 200 to 600 s
     * (libslirp's ra_timer), so the 1800 s router lifetime never runs out under a guest that
     * solicits once at boot; before it has sent anything, nothing is sent.
     */
    @Test
    void unsolicitedAdvertisementsFollowTheFirstSolicitationEveryTwoToTenMinutes() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.advance(3_600_000_000_000L);
            assertThat(h.toGuest).as("no guest has been heard yet").isEmpty();
            byte[] rs = {(byte) 133, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56};
            h.send(ipv6(ROUTER_MCAST, GUEST_LL, Ipv6Address.parse("ff02::2"), IpProtocol.ICMPV6, rs, 255));
            assertThat(h.toGuest).hasSize(1);
            h.advance(199_000_000_000L);
            assertThat(h.toGuest).as("none sooner than 200 s").hasSize(1);
            for (int n = 2; n <= 10; n++) {
                h.advance(401_000_000_000L);
                assertThat(h.toGuest).as("one more in every 600 s").hasSizeGreaterThanOrEqualTo(n);
                h.advance(199_000_000_000L);
            }
            assertThat(h.toGuest).hasSizeLessThanOrEqualTo(1 + 6000 / 200);
            assertThat(h.toGuest).allMatch(f -> (f.payload()[0] & 0xFF) == 134 && f.checksumsOk()
                    && f.dst6().equals(Ipv6Address.parse("ff02::1")));
        }
    }

    /** A guest that solicited before this stack started (a helper restarted under it) still gets them. */
    @Test
    void unsolicitedAdvertisementsAlsoFollowAGuestThatNeverSolicits() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(ping(GUEST_IP, HOST, 1, 1, new byte[8]));
            h.toGuest.clear();
            h.advance(600_000_000_000L);
            assertThat(h.toGuest).hasSizeBetween(1, 3).allMatch(f -> (f.payload()[0] & 0xFF) == 134);
        }
    }

    @Test
    void neighborSolicitationsForTheHostAreAnsweredButNotForTheGuestsOwnAddress() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(ipv6(MacAddress.parse("33:33:ff:00:00:02"), GUEST6, Ipv6Address.parse("ff02::1:ff00:2"),
                    IpProtocol.ICMPV6, ns(HOST6), 255));
            SeenFrame na = h.last();
            assertThat(na.payload()[0] & 0xFF).isEqualTo(136);
            assertThat(na.checksumsOk()).isTrue();
            h.take();
            h.send(ipv6(MacAddress.parse("33:33:ff:12:34:56"), Ipv6Address.UNSPECIFIED, Ipv6Address.parse("ff02::1:ff12:3456"),
                    IpProtocol.ICMPV6, ns(GUEST6), 255));
            assertThat(h.toGuest).isEmpty();
        }
    }

    static byte[] ns(Ipv6Address target) {
        byte[] m = new byte[24];
        m[0] = (byte) 135;
        System.arraycopy(target.toBytes(), 0, m, 8, 16);
        return m;
    }

    @Test
    void pingToTheIpv6HostIsAnswered() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            byte[] echo = {(byte) 128, 0, 0, 0, 0, 5, 0, 1, 'h', 'i'};
            h.send(ipv6(ROUTER, GUEST6, HOST6, IpProtocol.ICMPV6, echo, 64));
            SeenFrame r = h.last();
            assertThat(r.payload()[0] & 0xFF).isEqualTo(129);
            assertThat(r.checksumsOk()).isTrue();
            assertThat(r.src6()).isEqualTo(HOST6);
            assertThat(r.bytes()[14 + 7] & 0xFF).as("hop limit, libslirp's ip6_output").isEqualTo(255);
        }
    }

    @Test
    void statelessDhcpv6AnswersDnsAndSearchList() {
        try (StackHarness h = new StackHarness(StackHarness.config("dnssearch=example.test"))) {
            byte[] inforeq = {11, 1, 2, 3, 0, 1, 0, 4, 9, 9, 9, 9, 0, 6, 0, 4, 0, 23, 0, 24};
            h.send(ipv6(MacAddress.parse("33:33:00:01:00:02"), GUEST_LL, Ipv6Address.parse("ff02::1:2"), IpProtocol.UDP,
                    udp6Segment(546, 547, inforeq), 1));
            SeenFrame r = h.last();
            assertThat(r.checksumsOk()).isTrue();
            assertThat(r.srcPort()).isEqualTo(547);
            byte[] p = r.payload();
            assertThat(p[0]).isEqualTo((byte) 7);
            assertThat(Arrays.copyOfRange(p, 1, 4)).containsExactly(1, 2, 3);
            String hex = io.netty.buffer.ByteBufUtil.hexDump(p);
            assertThat(hex).contains("00010004" + "09090909");   // client id echoed
            assertThat(hex).contains("00170010" + "fec00000000000000000000000000003");
        }
    }

    /**
     * The boot file URL (RFC 5970) for an IPv6 network boot, when the Option Request option asks
     * for it: libslirp's tftp://[fec0::2]/FILE, or an http:// bootfile as it is.
     */
    @Test
    void dhcpv6GivesTheBootFileUrlWhenAskedFor() {
        for (String[] c : new String[][] {{"bootfile=pxe.efi", "tftp://[fec0::2]/pxe.efi"},
                {"bootfile=http://10.0.2.2/boot.efi", "http://10.0.2.2/boot.efi"}}) {
            try (StackHarness h = new StackHarness(StackHarness.config(c[0]))) {
                byte[] asking = {11, 1, 2, 3, 0, 6, 0, 4, 0, 23, 0, 59};
                h.send(ipv6(MacAddress.parse("33:33:00:01:00:02"), GUEST_LL, Ipv6Address.parse("ff02::1:2"),
                        IpProtocol.UDP, udp6Segment(546, 547, asking), 1));
                String hex = io.netty.buffer.ByteBufUtil.hexDump(h.last().payload());
                byte[] url = c[1].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                assertThat(hex).contains(String.format("003b%04x", url.length) + io.netty.buffer.ByteBufUtil.hexDump(url));
                byte[] notAsking = {11, 1, 2, 4, 0, 6, 0, 2, 0, 23};
                h.send(ipv6(MacAddress.parse("33:33:00:01:00:02"), GUEST_LL, Ipv6Address.parse("ff02::1:2"),
                        IpProtocol.UDP, udp6Segment(546, 547, notAsking), 1));
                assertThat(io.netty.buffer.ByteBufUtil.hexDump(h.last().payload())).doesNotContain("003b");
            }
        }
    }

    @Test
    void udpOverIpv6ToTheHostGoesToLoopback() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(ipv6(ROUTER, GUEST6, HOST6, IpProtocol.UDP, udp6Segment(6000, 7000, "x".getBytes()), 64));
            assertThat(h.host.sent.get(0).to()).isEqualTo(new InetSocketAddress("::1", 7000));
            h.host.sent.get(0).socket().reply("y".getBytes(), new InetSocketAddress("::1", 7000), h.now);
            SeenFrame r = h.last();
            assertThat(r.src6()).isEqualTo(HOST6);
            assertThat(r.checksumsOk()).isTrue();
        }
    }

    /**
     * The host's ICMPv6 port unreachable about the NAT's datagram to ::1 (as a raw ICMPv6 socket
     * hands it over: the quoted IPv6 and UDP headers) reaches the guest about the datagram it
     * sent: from fec0::2, quoting its own addresses, ports and length.
     */
    @Test
    void theHostsPortUnreachableOverIpv6ReachesTheGuest() throws Exception {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(ipv6(ROUTER, GUEST6, HOST6, IpProtocol.UDP, udp6Segment(6001, 7001, "hello".getBytes()), 64));
            int natPort = h.host.sent.get(0).socket().localPort();
            java.nio.ByteBuffer q = java.nio.ByteBuffer.allocate(48).putInt(0x60000000).putShort((short) 13).put((byte) 17)
                    .put((byte) 64).put(java.net.InetAddress.getByName("::1").getAddress())
                    .put(java.net.InetAddress.getByName("::1").getAddress())
                    .putShort((short) natPort).putShort((short) 7001).putShort((short) 13).putShort((short) 0);
            h.take();
            h.stack.udpNat().hostError(java.net.InetAddress.getByName("::1"), 1, 4, q.array(), h.now);
            SeenFrame r = h.last();
            assertThat(r.proto()).isEqualTo(IpProtocol.ICMPV6);
            assertThat(r.checksumsOk()).isTrue();
            assertThat(r.src6()).isEqualTo(HOST6);
            assertThat(r.dst6()).isEqualTo(GUEST6);
            byte[] m = r.payload();
            assertThat(m[0]).isEqualTo((byte) 1);
            assertThat(m[1]).isEqualTo((byte) 4);
            assertThat(Ipv6Address.fromBytes(Arrays.copyOfRange(m, 8 + 8, 8 + 24))).isEqualTo(GUEST6);
            assertThat(Ipv6Address.fromBytes(Arrays.copyOfRange(m, 8 + 24, 8 + 40))).isEqualTo(HOST6);
            assertThat(io.netty.buffer.ByteBufUtil.hexDump(Arrays.copyOfRange(m, 48, 54))).isEqualTo("17711b59000d");
            // One about an IPv4 flow's port, or a quote of something else, reaches nobody.
            h.stack.udpNat().hostError(java.net.InetAddress.getByName("::1"), 1, 4, Arrays.copyOf(q.array(), 40), h.now);
            assertThat(h.take()).hasSize(1);
        }
    }

    /**
     * libslirp takes an ipv6-dns equal to the host's address (QEMU 7.2 accepts it, checked with
     * netdev_add), and a prefix ending in 1 gives fec0::3 to both: the stack is built and the
     * address still answers as the host.
     */
    @Test
    void theDnsAndHostAddressesMayBeOne() {
        for (String options : new String[] {"ipv6-dns=fec0::2", "ipv6-prefix=fec0::1,ipv6-prefixlen=64"}) {
            try (StackHarness h = new StackHarness(StackHarness.config(options))) {
                Ipv6Address both = h.stack.config().host6();
                assertThat(h.stack.config().dns6()).as(options).isEqualTo(both);
                byte[] echo = {(byte) 128, 0, 0, 0, 0, 5, 0, 1, 'h', 'i'};
                h.send(ipv6(ROUTER, GUEST6, both, IpProtocol.ICMPV6, echo, 64));
                SeenFrame r = h.last();
                assertThat(r.payload()[0] & 0xFF).as(options).isEqualTo(129);
                assertThat(r.src6()).isEqualTo(both);
            }
        }
    }
}
