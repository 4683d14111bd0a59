package io.netfabric.user;

import static io.netfabric.user.GuestFrames.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.MacAddress;
import io.netfabric.wire.dhcp.DhcpPacket;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** udhcpc's exchange, frame by frame, against the DHCP server. */
class DhcpServerTest {
    /** udhcpc's default parameter request list: 1 3 6 12 15 28 42 (+ what -O adds: 26 119). */
    static final byte[] UDHCPC_PRL = {1, 3, 6, 12, 15, 28, 42, 26, 119};

    static Map<Integer, byte[]> options(byte[] dhcp) {
        Map<Integer, byte[]> m = new LinkedHashMap<>();
        int at = DhcpPacket.OPTIONS;
        while (at < dhcp.length && (dhcp[at] & 0xFF) != 255) {
            int code = dhcp[at] & 0xFF;
            if (code == 0) {
                at++;
                continue;
            }
            int len = dhcp[at + 1] & 0xFF;
            byte[] v = java.util.Arrays.copyOfRange(dhcp, at + 2, at + 2 + len);
            m.merge(code, v, (a, b) -> {
                byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
                System.arraycopy(b, 0, c, a.length, b.length);
                return c;
            });
            at += 2 + len;
        }
        return m;
    }

    static DhcpPacket view(SeenFrame f) {
        DhcpPacket p = new DhcpPacket();
        assertThat(p.wrapChecked(Unpooled.wrappedBuffer(f.payload()), 0, f.payload().length)).isTrue();
        return p;
    }

    static Ipv4Address lease(StackHarness h, MacAddress mac, int xid) {
        h.send(udp4(mac, Ipv4Address.ANY, 68, Ipv4Address.BROADCAST, 67, dhcp(1, mac, xid, null, null, UDHCPC_PRL)));
        SeenFrame offer = h.last();
        DhcpPacket o = view(offer);
        assertThat(o.messageType()).isEqualTo(DhcpPacket.OFFER);
        Ipv4Address yi = o.yiaddr();
        Ipv4Address server = o.addressOption(DhcpPacket.OPT_SERVER_ID);
        h.send(udp4(mac, Ipv4Address.ANY, 68, Ipv4Address.BROADCAST, 67, dhcp(3, mac, xid, yi, server, UDHCPC_PRL)));
        DhcpPacket ack = view(h.last());
        assertThat(ack.messageType()).isEqualTo(DhcpPacket.ACK);
        assertThat(ack.yiaddr()).isEqualTo(yi);
        return yi;
    }

    @Test
    void udhcpcGetsTheFirstLeaseWithRouterDnsDomainSearchAndMtu() {
        try (StackHarness h = new StackHarness(StackHarness.config(
                "domainname=example.test,dnssearch=a.example.test,dnssearch=b.example.test,hostname=guest1,mtu=1400"))) {
            assertThat(lease(h, GUEST, 0x1234)).isEqualTo(GUEST_IP);
            SeenFrame ack = h.last();
            assertThat(ack.checksumsOk()).isTrue();
            assertThat(ack.src4()).isEqualTo(HOST);
            assertThat(ack.srcPort()).isEqualTo(67);
            assertThat(ack.dstPort()).isEqualTo(68);
            Map<Integer, byte[]> o = options(ack.payload());
            assertThat(o.get(1)).containsExactly(255, 255, 255, 0);
            assertThat(o.get(3)).containsExactly(10, 0, 2, 2);
            assertThat(o.get(6)).containsExactly(10, 0, 2, 3);
            assertThat(o.get(54)).containsExactly(10, 0, 2, 2);
            assertThat(o.get(51)).containsExactly(0, 1, 0x51, 0x80);
            assertThat(new String(o.get(15))).isEqualTo("example.test");
            assertThat(new String(o.get(12))).isEqualTo("guest1");
            assertThat(o.get(26)).containsExactly(0x05, 0x78);
            // RFC 3397 compression: the second name points at "example.test" of the first.
            assertThat(o.get(119)).containsExactly(1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0,
                    1, 'b', 0xC0, 2);
        }
    }

    @Test
    void aSecondMacGetsTheNextAddressAndTheFirstKeepsItsOwn() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            MacAddress other = MacAddress.parse("52:54:00:00:00:02");
            assertThat(lease(h, GUEST, 1)).isEqualTo(GUEST_IP);
            assertThat(lease(h, other, 2)).isEqualTo(Ipv4Address.parse("10.0.2.16"));
            assertThat(lease(h, GUEST, 3)).isEqualTo(GUEST_IP);
        }
    }

    @Test
    void otherNetworkAndStartAddressesAreFollowed() {
        try (StackHarness h = new StackHarness(StackHarness.config("net=192.168.76.0/24,dhcpstart=192.168.76.100"))) {
            assertThat(lease(h, GUEST, 1)).isEqualTo(Ipv4Address.parse("192.168.76.100"));
            assertThat(options(h.last().payload()).get(3)).containsExactly(192, 168, 76, 2);
        }
    }

    @Test
    void restrictLeavesOutRouterAndDns() {
        try (StackHarness h = new StackHarness(StackHarness.config("restrict=on"))) {
            lease(h, GUEST, 1);
            Map<Integer, byte[]> o = options(h.last().payload());
            assertThat(o).doesNotContainKeys(3, 6);
            assertThat(o).containsKey(1);
        }
    }

    @Test
    void aRequestForSomeoneElsesAddressIsNakedAndReleaseFreesTheLease() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            MacAddress other = MacAddress.parse("52:54:00:00:00:02");
            lease(h, GUEST, 1);
            h.send(udp4(other, Ipv4Address.ANY, 68, Ipv4Address.BROADCAST, 67, dhcp(3, other, 5, GUEST_IP, HOST, null)));
            assertThat(view(h.last()).messageType()).isEqualTo(DhcpPacket.NAK);
            Map<Integer, byte[]> o = options(h.last().payload());
            assertThat(o.get(54)).as("server id, RFC 2131 table 3").isEqualTo(HOST.toBytes());
            assertThat(new String(o.get(56), java.nio.charset.StandardCharsets.US_ASCII)).as("libslirp's message")
                    .isEqualTo("requested address not available");
            h.send(udp4(GUEST, GUEST_IP, 68, HOST, 67, dhcp(7, GUEST, 6, null, HOST, null)));
            assertThat(lease(h, other, 7)).isEqualTo(GUEST_IP);
        }
    }

    @Test
    void theParameterRequestListAndBootfileAreHonoured() {
        try (StackHarness h = new StackHarness(StackHarness.config("bootfile=pxelinux.0,tftp-server-name=boot.example"))) {
            h.send(udp4(GUEST, Ipv4Address.ANY, 68, Ipv4Address.BROADCAST, 67, dhcp(1, GUEST, 1, null, null, new byte[] {1, 66, 67})));
            SeenFrame offer = h.last();
            Map<Integer, byte[]> o = options(offer.payload());
            assertThat(o).doesNotContainKeys(3, 6, 26);
            assertThat(new String(o.get(66))).isEqualTo("boot.example");
            assertThat(new String(o.get(67))).isEqualTo("pxelinux.0");
            assertThat(new String(offer.payload(), DhcpPacket.FILE, 10)).isEqualTo("pxelinux.0");
        }
    }

    @Test
    void informGetsAnAckWithoutAnAddress() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(udp4(GUEST, GUEST_IP, 68, HOST, 67, dhcp(8, GUEST, 9, null, null, null)));
            DhcpPacket ack = view(h.last());
            assertThat(ack.messageType()).isEqualTo(DhcpPacket.ACK);
            assertThat(ack.yiaddr()).isEqualTo(Ipv4Address.ANY);
            assertThat(options(h.last().payload())).doesNotContainKey(51);
        }
    }

    @Test
    void sixteenLeasesAtMost() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            for (int i = 0; i < 16; i++) {
                lease(h, MacAddress.fromLong(0x5254_0000_1000L + i), i);
            }
            h.take();
            MacAddress late = MacAddress.fromLong(0x5254_0000_2000L);
            h.send(udp4(late, Ipv4Address.ANY, 68, Ipv4Address.BROADCAST, 67, dhcp(1, late, 99, null, null, null)));
            assertThat(h.toGuest).isEmpty();
        }
    }

    /**
     * UEFI HTTP boot: with an http:// bootfile the answers carry vendor class "HTTPClient"
     * (option 60), asked for or not, as libslirp 4.7's bootp.c sends it; a TFTP bootfile none.
     */
    @Test
    void anHttpBootfileAnswersAsAnHttpBootServer() {
        MacAddress mac = MacAddress.parse("52:54:00:12:34:56");
        try (StackHarness h = new StackHarness(StackHarness.config("bootfile=http://10.0.2.2/boot.efi"))) {
            h.send(udp4(mac, Ipv4Address.ANY, 68, Ipv4Address.BROADCAST, 67, dhcp(1, mac, 7, null, null, UDHCPC_PRL)));
            Map<Integer, byte[]> o = options(h.last().payload());
            assertThat(new String(o.get(DhcpPacket.OPT_VENDOR_CLASS_ID), java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("HTTPClient");
            byte[] f = h.last().payload();
            assertThat(new String(f, 108, 24, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("http://10.0.2.2/boot.efi");
        }
        try (StackHarness h = new StackHarness(StackHarness.config("bootfile=pxelinux.0"))) {
            h.send(udp4(mac, Ipv4Address.ANY, 68, Ipv4Address.BROADCAST, 67, dhcp(1, mac, 8, null, null, UDHCPC_PRL)));
            assertThat(options(h.last().payload())).doesNotContainKey(DhcpPacket.OPT_VENDOR_CLASS_ID);
        }
    }

    /**
     * As libslirp 4.7 answers, checked side by side with QEMU 7.2 (scapy): a plain BOOTP request
     * whose vendor area has no magic cookie gets a lease; a DISCOVER asking for a free address of
     * the pool is offered that address; a REQUEST naming no address from a client without a
     * lease gets a new one (libslirp's "windows fix"), not a NAK.
     */
    @Test
    void bootpWithoutCookieARequestedFreeAddressAndARequestWithoutAddress() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            MacAddress old = MacAddress.parse("52:54:00:aa:00:01");
            byte[] bootp = new byte[300];   // RFC 951: op, htype, hlen, xid, chaddr; vend all zero
            bootp[0] = 1;
            bootp[1] = 1;
            bootp[2] = 6;
            bootp[4] = 0x12;
            System.arraycopy(old.toBytes(), 0, bootp, 28, 6);
            h.send(udp4(old, Ipv4Address.ANY, 68, Ipv4Address.BROADCAST, 67, bootp));
            DhcpPacket r = view(h.last());
            assertThat(r.op()).isEqualTo(DhcpPacket.OP_REPLY);
            assertThat(r.yiaddr()).isEqualTo(Ipv4Address.parse("10.0.2.15"));

            MacAddress asking = MacAddress.parse("52:54:00:aa:00:02");
            h.send(udp4(asking, Ipv4Address.ANY, 68, Ipv4Address.BROADCAST, 67,
                    dhcp(1, asking, 0x22, Ipv4Address.parse("10.0.2.20"), null, UDHCPC_PRL)));
            assertThat(view(h.last()).yiaddr()).isEqualTo(Ipv4Address.parse("10.0.2.20"));
            h.send(udp4(asking, Ipv4Address.ANY, 68, Ipv4Address.BROADCAST, 67,
                    dhcp(1, asking, 0x23, Ipv4Address.parse("10.0.2.15"), null, UDHCPC_PRL)));
            assertThat(view(h.last()).yiaddr()).as("another client's address is not offered").isEqualTo(Ipv4Address.parse("10.0.2.20"));

            MacAddress remembering = MacAddress.parse("52:54:00:aa:00:05");
            h.send(udp4(remembering, Ipv4Address.ANY, 68, Ipv4Address.BROADCAST, 67,
                    dhcp(3, remembering, 0x55, null, null, UDHCPC_PRL)));
            DhcpPacket ack = view(h.last());
            assertThat(ack.messageType()).isEqualTo(DhcpPacket.ACK);
            assertThat(ack.yiaddr()).isEqualTo(Ipv4Address.parse("10.0.2.16"));
        }
    }
}
