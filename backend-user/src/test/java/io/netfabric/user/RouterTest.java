package io.netfabric.user;

import static io.netfabric.user.GuestFrames.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.user.ip.Router;
import io.netfabric.user.ip.StackDrop;
import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.ethernet.EtherType;
import io.netfabric.wire.icmpv6.Icmpv6Packet;
import io.netfabric.wire.ipv6.Ipv6FragmentHeader;
import io.netfabric.wire.ipv6.Ipv6Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouterTest {
    @Test
    void arpIsAnsweredForTheHostAndDnsAddressesFromTheirOwnMacs() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(arpRequest(GUEST, GUEST_IP, HOST));
            h.send(arpRequest(GUEST, GUEST_IP, DNS));
            h.send(arpRequest(GUEST, GUEST_IP, Ipv4Address.parse("10.0.2.77")));
            assertThat(h.toGuest).hasSize(2);
            SeenFrame a = h.toGuest.get(0);
            assertThat(a.type()).isEqualTo(EtherType.ARP);
            assertThat(a.dstMac()).isEqualTo(GUEST);
            assertThat(a.srcMac().toString()).isEqualTo("52:55:0a:00:02:02");
            assertThat(h.toGuest.get(1).srcMac().toString()).isEqualTo("52:55:0a:00:02:03");
            assertThat(a.bytes()).hasSize(60);   // padded by the netdev? no: built at 60 with zeros
            assertThat(h.stack.counters().drops(StackDrop.NOT_FOR_US)).isEqualTo(1);
        }
    }

    @Test
    void pingToTheHostIsAnsweredWithTheSameIdSequenceAndData() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            byte[] data = "0123456789abcdef0123456789abcdef".getBytes();
            h.send(ping(GUEST_IP, HOST, 0x4242, 3, data));
            SeenFrame r = h.last();
            assertThat(r.proto()).isEqualTo(IpProtocol.ICMP);
            assertThat(r.src4()).isEqualTo(HOST);
            assertThat(r.dst4()).isEqualTo(GUEST_IP);
            assertThat(r.checksumsOk()).isTrue();
            assertThat(r.payloadU8(0)).isZero();
            assertThat(r.payloadU16(4)).isEqualTo(0x4242);
            assertThat(r.payloadU16(6)).isEqualTo(3);
            assertThat(Arrays.copyOfRange(r.payload(), 8, r.payload().length)).isEqualTo(data);
            assertThat(r.bytes()[22] & 0xFF).as("TTL, libslirp's icmp_reflect").isEqualTo(255);
        }
    }

    /** Sends a two-octet UDP datagram from {@code from}:53 to {@code to}:5000 each time it runs. */
    private static Runnable udpSender(StackHarness h, java.net.InetAddress from, java.net.InetAddress to) {
        byte[] hi = "hi".getBytes();
        return () -> {
            ByteBuf payload = io.netty.buffer.Unpooled.wrappedBuffer(hi);
            h.stack.router().sendUdp(new java.net.InetSocketAddress(from, 53), new java.net.InetSocketAddress(to, 5000),
                    payload, 0, 2);
            payload.release();
        };
    }

    /**
     * libslirp's if_encap and if_output: a frame for a guest address without an ARP entry asks
     * for it, once a second, and waits for the answer.
     */
    @Test
    void aGuestAddressWithoutAnArpEntryIsAskedFor() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            Ipv4Address quiet = Ipv4Address.parse("10.0.2.20");
            Runnable send = udpSender(h, Router.inet(HOST), Router.inet(quiet));
            send.run();
            send.run();
            assertThat(h.toGuest).as("one request for two frames").hasSize(1);
            byte[] a = h.toGuest.get(0).bytes();
            assertThat(h.toGuest.get(0).type()).isEqualTo(EtherType.ARP);
            assertThat(Arrays.copyOfRange(a, 0, 6)).containsOnly((byte) 0xff);
            assertThat(a[21]).as("op: request").isEqualTo((byte) 1);
            assertThat(Arrays.copyOfRange(a, 28, 32)).as("from 10.0.2.2").isEqualTo(HOST.toBytes());
            assertThat(Arrays.copyOfRange(a, 38, 42)).isEqualTo(quiet.toBytes());
            assertThat(h.stack.counters().drops(StackDrop.NO_NEIGHBOUR)).as("both held").isZero();
            io.netfabric.wire.MacAddress quietMac = io.netfabric.wire.MacAddress.parse("52:54:00:00:00:20");
            h.send(arpRequest(quietMac, quiet, HOST));   // its answer, or any frame from it, fills the table
            assertThat(h.toGuest).as("the request, the two held datagrams, the reply to its request").hasSize(4);
            for (SeenFrame f : h.toGuest.subList(1, 3)) {
                assertThat(f.dstMac()).isEqualTo(quietMac);
                assertThat(f.dstPort()).isEqualTo(5000);
                assertThat(f.checksumsOk()).isTrue();
            }
            send.run();
            assertThat(h.toGuest).hasSize(5);
            assertThat(h.last().dstMac()).isEqualTo(quietMac);
        }
    }

    /** What waits for an answer is bounded, and released when the netdev closes. */
    @Test
    void framesWaitingForAnAnswerAreBoundedAndReleasedOnClose() {
        StackHarness h = new StackHarness(StackHarness.config(""));
        try {
            Runnable send = udpSender(h, Router.inet(HOST), Router.inet(Ipv4Address.parse("10.0.2.21")));
            for (int i = 0; i < 10; i++) {
                send.run();
            }
            assertThat(h.stack.counters().drops(StackDrop.NO_NEIGHBOUR)).as("8 held, the 2 oldest dropped").isEqualTo(2);
            for (int i = 0; i < 20; i++) {   // one address more than is held for
                udpSender(h, Router.inet(HOST), Router.inet(Ipv4Address.parse("10.0.2." + (100 + i)))).run();
            }
            assertThat(h.stack.counters().drops(StackDrop.NO_NEIGHBOUR)).isEqualTo(2 + 5);
        } finally {
            h.close();   // the held frames are pooled buffers: the leak detector sees any left
        }
    }

    /** libslirp's ndp_send_ns: an IPv6 guest address without a neighbour entry is solicited. */
    @Test
    void anIpv6GuestAddressWithoutAnEntryIsSolicited() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            io.netfabric.wire.Ipv6Address quiet = io.netfabric.wire.Ipv6Address.parse("fec0::1:2:3:4");
            Runnable send = udpSender(h, Router.inet(HOST6), Router.inet(quiet));
            send.run();
            send.run();
            assertThat(h.toGuest).as("one solicitation for two frames").hasSize(1);
            SeenFrame ns = h.toGuest.get(0);
            assertThat(ns.dstMac().toString()).isEqualTo("33:33:ff:03:00:04");
            assertThat(ns.dst()).isEqualTo(io.netfabric.wire.Ipv6Address.parse("ff02::1:ff03:4"));
            assertThat(ns.payloadU8(0)).isEqualTo(135);
            assertThat(Arrays.copyOfRange(ns.payload(), 8, 24)).isEqualTo(quiet.toBytes());
            assertThat(ns.checksumsOk()).isTrue();
            byte[] na = new byte[24];
            na[0] = (byte) 136;
            na[4] = 0x60;
            System.arraycopy(quiet.toBytes(), 0, na, 8, 16);
            h.send(ipv6(ROUTER, quiet, HOST6, IpProtocol.ICMPV6, na, 255));   // its answer fills the table
            assertThat(h.toGuest).as("the solicitation and the two held datagrams").hasSize(3);
            assertThat(h.last().dstMac()).as("the MAC it answered from").isEqualTo(GUEST);
            assertThat(h.last().dstPort()).isEqualTo(5000);
            send.run();
            assertThat(h.last().dstPort()).isEqualTo(5000);
        }
    }

    /** libslirp's ip_input: a datagram that arrives with TTL 0 gets time exceeded, quoting it. */
    @Test
    void aDatagramArrivingWithTtlZeroGetsTimeExceeded() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            ByteBuf req = ping(GUEST_IP, HOST, 1, 1, "x".getBytes());
            io.netfabric.wire.ipv4.Ipv4Packet ip = new io.netfabric.wire.ipv4.Ipv4Packet().wrap(req, 14, req.readableBytes() - 14);
            ip.setTtl(0);
            ip.fillChecksum();
            h.send(req);
            SeenFrame r = h.last();
            assertThat(r.proto()).isEqualTo(IpProtocol.ICMP);
            assertThat(r.payloadU8(0)).isEqualTo(11);
            assertThat(r.payloadU8(1)).isZero();
            assertThat(r.payloadU8(8 + 8)).as("quoted TTL").isZero();
            assertThat(r.checksumsOk()).isTrue();
            assertThat(h.stack.counters().drops(StackDrop.MALFORMED)).isEqualTo(1);
        }
    }

    /** A request reassembled from fragments gets its reply in MTU-sized fragments (libslirp's ip_output). */
    @Test
    void aPingLargerThanTheMtuIsAnsweredInFragments() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            byte[] data = new byte[3000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) i;
            }
            ByteBuf whole = ping(GUEST_IP, HOST, 9, 1, data);
            byte[] icmp = new byte[whole.readableBytes() - 34];
            whole.getBytes(34, icmp);
            whole.release();
            for (int off = 0; off < icmp.length; off += 1480) {
                int n = Math.min(1480, icmp.length - off);
                h.send(ipv4(GUEST, ROUTER, GUEST_IP, HOST, IpProtocol.ICMP, Arrays.copyOfRange(icmp, off, off + n), 77,
                        off + n < icmp.length, off / 8));
            }
            assertThat(h.toGuest).hasSize(3);
            java.io.ByteArrayOutputStream reply = new java.io.ByteArrayOutputStream();
            int expectedOffset = 0;
            for (SeenFrame f : h.toGuest) {
                byte[] b = f.bytes();
                assertThat(b.length).isLessThanOrEqualTo(14 + 1500);
                int flagsAndOffset = ((b[20] & 0xFF) << 8) | (b[21] & 0xFF);
                assertThat((flagsAndOffset & 0x1FFF) * 8).isEqualTo(expectedOffset);
                assertThat((flagsAndOffset & 0x2000) != 0).isEqualTo(f != h.last());
                int len = ((b[16] & 0xFF) << 8) | (b[17] & 0xFF);
                reply.write(b, 34, len - 20);
                expectedOffset += len - 20;
            }
            byte[] r = reply.toByteArray();
            assertThat(r[0]).isZero();   // echo reply
            assertThat(Arrays.copyOfRange(r, 8, r.length)).isEqualTo(data);
        }
    }

    /** libslirp (icmp_reflect, ip_output): TTL 255, the request's TOS and DF bit kept; QEMU 7.2 checked. */
    @Test
    void pingRepliesKeepTheRequestsTosAndDontFragment() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            io.netty.buffer.ByteBuf req = ping(GUEST_IP, HOST, 1, 1, "x".getBytes());
            io.netfabric.wire.ipv4.Ipv4Packet ip = new io.netfabric.wire.ipv4.Ipv4Packet().wrap(req, 14, req.readableBytes() - 14);
            ip.setDscpEcn(4, 0);
            ip.setFlagsAndFragmentOffset(true, false, 0);
            ip.fillChecksum();
            h.send(req);
            byte[] f = h.last().bytes();
            assertThat(f[15] & 0xFF).as("TOS").isEqualTo(0x10);
            assertThat(f[20] & 0xE0).as("flags").isEqualTo(0x40);
            assertThat(f[22] & 0xFF).as("TTL").isEqualTo(255);
            assertThat(h.last().checksumsOk()).isTrue();
        }
    }

    @Test
    void framesToTheDnsAddressesMacReachTheRouter() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(ipv4(GUEST, io.netfabric.wire.MacAddress.parse("52:55:0a:00:02:03"), GUEST_IP, DNS, IpProtocol.UDP,
                    udpSegment(GUEST_IP, 1234, DNS, 53, dnsQuery(1, "host.netfabric.internal", 1)), 1, false, 0));
            assertThat(h.last().srcPort()).isEqualTo(53);
        }
    }

    @Test
    void pingToAnOutsideAddressIsNeverAnsweredByUs() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(ping(GUEST_IP, Ipv4Address.parse("192.0.2.1"), 1, 1, new byte[8]));
            assertThat(h.toGuest).isEmpty();
        }
    }

    @Test
    void fragmentsAreReassembledBeforeDelivery() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            byte[] data = new byte[64];
            Arrays.fill(data, (byte) 'x');
            ByteBuf whole = ping(GUEST_IP, HOST, 9, 1, data);
            byte[] icmp = new byte[72];
            whole.getBytes(34, icmp);
            whole.release();
            h.send(ipv4(GUEST, ROUTER, GUEST_IP, HOST, IpProtocol.ICMP, Arrays.copyOfRange(icmp, 40, 72), 99, false, 5));
            assertThat(h.toGuest).isEmpty();
            h.send(ipv4(GUEST, ROUTER, GUEST_IP, HOST, IpProtocol.ICMP, Arrays.copyOfRange(icmp, 0, 40), 99, true, 0));
            assertThat(h.toGuest).hasSize(1);
            assertThat(h.last().payloadU16(4)).isEqualTo(9);
        }
    }

    @Test
    void overlappingFragmentsDropTheDatagram() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(ipv4(GUEST, ROUTER, GUEST_IP, HOST, IpProtocol.ICMP, new byte[40], 5, true, 0));
            h.send(ipv4(GUEST, ROUTER, GUEST_IP, HOST, IpProtocol.ICMP, new byte[40], 5, false, 2));
            assertThat(h.toGuest).isEmpty();
            assertThat(h.stack.counters().drops(StackDrop.BAD_FRAGMENT)).isEqualTo(1);
        }
    }

    @Test
    void incompleteFragmentsExpire() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(ipv4(GUEST, ROUTER, GUEST_IP, HOST, IpProtocol.ICMP, new byte[40], 5, true, 0));
            h.advance(31_000_000_000L);
            assertThat(h.stack.counters().drops(StackDrop.REASSEMBLY_LIMIT)).isEqualTo(1);
        }
    }

    @Test
    void udpToAClosedHostPortGetsPortUnreachableUnderRestrict() {
        try (StackHarness h = new StackHarness(StackHarness.config("restrict=on"))) {
            h.send(udp4(GUEST_IP, 5000, DNS, 9999, new byte[4]));
            SeenFrame r = h.last();
            assertThat(r.proto()).isEqualTo(IpProtocol.ICMP);
            assertThat(r.payloadU8(0)).isEqualTo(3);
            assertThat(r.payloadU8(1)).isEqualTo(3);
        }
    }

    /** libslirp's ip_input takes an IPv4 datagram of any length (no fragmentation needed); the reply is fragmented. */
    @Test
    void datagramsOverTheMtuAreTakenAndAnsweredInFragments() {
        try (StackHarness h = new StackHarness(StackHarness.config("mtu=576"))) {
            ByteBuf f = ping(GUEST_IP, HOST, 1, 1, new byte[1000]);
            f.setShort(14 + 6, 0x4000);
            f.setShort(14 + 10, 0);
            io.netfabric.wire.ipv4.Ipv4Packet ip = new io.netfabric.wire.ipv4.Ipv4Packet().wrap(f, 14, f.readableBytes() - 14);
            ip.fillChecksum();
            h.send(f);
            assertThat(h.toGuest).hasSize(2).allMatch(r -> r.bytes().length <= 14 + 576);
            assertThat(h.toGuest.get(0).payloadU8(0)).as("echo reply").isZero();
            assertThat(h.stack.counters().drops(StackDrop.TOO_BIG)).isZero();
        }
    }

    /** libslirp's ip6_input: Packet Too Big (with the MTU) above the MTU, time exceeded for hop limit 0. */
    @Test
    void ipv6AboveTheMtuGetsPacketTooBigAndHopLimitZeroTimeExceeded() {
        try (StackHarness h = new StackHarness(StackHarness.config("mtu=1280"))) {
            byte[] echo = new byte[1400];
            echo[0] = (byte) 128;
            h.send(ipv6(ROUTER, GUEST6, HOST6, IpProtocol.ICMPV6, echo, 64));
            SeenFrame r = h.last();
            assertThat(r.payloadU8(0)).isEqualTo(2);
            assertThat(r.payloadU16(4) << 16 | r.payloadU16(6)).isEqualTo(1280);
            assertThat(r.bytes().length).isLessThanOrEqualTo(14 + 1280);
            assertThat(r.checksumsOk()).isTrue();
            byte[] small = {(byte) 128, 0, 0, 0, 0, 1, 0, 1};
            h.send(ipv6(ROUTER, GUEST6, HOST6, IpProtocol.ICMPV6, small, 0));
            assertThat(h.last().payloadU8(0)).isEqualTo(3);
            assertThat(h.last().checksumsOk()).isTrue();
        }
    }

    /**
     * RFC 8200 §4.5, which libslirp does not implement (its ip6_input drops fragments): Linux's
     * {@code ping -6 -s 3000} arrives in three fragments (here the last first), is answered, and
     * the answer leaves in fragments of at most the MTU that reassemble to the echo reply.
     */
    @Test
    void anIpv6PingLargerThanTheMtuIsReassembledAndAnsweredInFragments() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            byte[] echo = new byte[3008];
            echo[0] = (byte) 128;
            echo[5] = 7;   // identifier 7
            for (int i = 8; i < echo.length; i++) {
                echo[i] = (byte) i;
            }
            List<ByteBuf> frags = ipv6Fragments(ROUTER, GUEST6, HOST6, IpProtocol.ICMPV6, echo, 1448, 0x1234);
            Collections.reverse(frags);
            frags.forEach(h::send);
            assertThat(h.toGuest).hasSize(3).allMatch(f -> f.bytes().length <= 14 + 1500);
            java.io.ByteArrayOutputStream reply = new java.io.ByteArrayOutputStream();
            Set<Integer> ids = new HashSet<>();
            for (SeenFrame f : h.toGuest) {
                ByteBuf b = Unpooled.wrappedBuffer(f.bytes());
                Ipv6Packet ip = new Ipv6Packet();
                assertThat(ip.wrapChecked(b, 14, b.readableBytes() - 14)).isTrue();
                assertThat(ip.nextHeader()).isEqualTo(IpProtocol.IPV6_FRAG);
                Ipv6FragmentHeader fh = new Ipv6FragmentHeader();
                assertThat(fh.wrapChecked(b, ip.payloadOffset(), ip.payloadLength())).isTrue();
                assertThat(fh.nextHeader()).isEqualTo(IpProtocol.ICMPV6);
                assertThat(fh.fragmentOffset() * 8).isEqualTo(reply.size());
                assertThat(fh.moreFragments()).isEqualTo(f != h.last());
                ids.add(fh.identification());
                reply.write(f.bytes(), fh.dataOffset(), fh.dataLength());
            }
            assertThat(ids).hasSize(1);
            byte[] r = reply.toByteArray();
            assertThat(r[0] & 0xFF).as("echo reply").isEqualTo(129);
            assertThat(Arrays.copyOfRange(r, 4, r.length)).isEqualTo(Arrays.copyOfRange(echo, 4, echo.length));
            ByteBuf whole = Unpooled.wrappedBuffer(r);
            assertThat(new Icmpv6Packet().wrap(whole, 0, r.length).verifyChecksum(HOST6, GUEST6)).isTrue();
        }
    }

    /** RFC 5722: overlapping IPv6 fragments drop the whole packet. */
    @Test
    void overlappingIpv6FragmentsDropThePacket() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            List<ByteBuf> frags = echo6Fragments(32, 9);
            List<ByteBuf> overlap = echo6Fragments(16, 9);
            h.send(frags.get(0));
            h.send(overlap.get(1));   // octets 16-31, inside the first piece
            frags.get(1).release();
            overlap.get(0).release();
            overlap.get(2).release();
            overlap.get(3).release();
            assertThat(h.toGuest).isEmpty();
            assertThat(h.stack.counters().drops(StackDrop.BAD_FRAGMENT)).isEqualTo(1);
        }
    }

    /** A 64-octet echo request to fec0::2 in fragments of {@code piece} octets. */
    private static List<ByteBuf> echo6Fragments(int piece, int id) {
        byte[] echo = new byte[64];
        echo[0] = (byte) 128;
        return ipv6Fragments(ROUTER, GUEST6, HOST6, IpProtocol.ICMPV6, echo, piece, id);
    }

    /** An atomic fragment (offset 0, no more) is taken alone, and a packet in progress under its identification goes on (RFC 6946 §4). */
    @Test
    void anAtomicIpv6FragmentIsTakenAlone() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            List<ByteBuf> frags = echo6Fragments(32, 5);
            h.send(frags.get(0));
            h.send(echo6Fragments(64, 5).get(0));
            assertThat(h.toGuest).as("the atomic fragment's answer").hasSize(1);
            h.send(frags.get(1));
            assertThat(h.toGuest).as("then the fragmented packet's").hasSize(2).allMatch(f -> f.payloadU8(0) == 129);
        }
    }

    /**
     * A first fragment without the whole upper-layer header is dropped (RFC 7112 §5), and so is a
     * packet with a piece that is no multiple of 8 octets before its last (RFC 8200 §4.5).
     */
    @Test
    void aShortFirstIpv6FragmentOrAMisalignedPieceIsDropped() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            byte[] udp = udp6Segment(5000, 7000, new byte[40]);
            List<ByteBuf> frags = ipv6Fragments(ROUTER, GUEST6, HOST6, IpProtocol.UDP, udp, 8, 1);
            ByteBuf first = frags.get(0);
            first.setShort(14 + 4, 8 + 4);   // 4 octets of the UDP header only
            h.send(first.writerIndex(14 + 40 + 8 + 4));
            frags.subList(1, frags.size()).forEach(ByteBuf::release);
            assertThat(h.stack.counters().drops(StackDrop.BAD_FRAGMENT)).isEqualTo(1);

            List<ByteBuf> odd = ipv6Fragments(ROUTER, GUEST6, HOST6, IpProtocol.UDP, udp, 8, 2);
            h.send(odd.get(0));
            ByteBuf second = odd.get(1);
            second.setShort(14 + 4, 8 + 5);   // 5 octets with M set
            h.send(second.writerIndex(14 + 40 + 8 + 5));
            odd.subList(2, odd.size()).forEach(h::send);
            assertThat(h.stack.counters().drops(StackDrop.BAD_FRAGMENT)).isEqualTo(2);
            assertThat(h.host.sent).isEmpty();
        }
    }

    /** An incomplete IPv6 packet waits 60 s (RFC 8200 §4.5), an IPv4 one 30 s (libslirp's IPFRAGTTL). */
    @Test
    void incompleteIpv6FragmentsExpireAfterSixtySeconds() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            List<ByteBuf> frags = echo6Fragments(32, 3);
            h.send(frags.get(0));
            h.advance(31_000_000_000L);
            assertThat(h.stack.counters().drops(StackDrop.REASSEMBLY_LIMIT)).isZero();
            h.advance(30_000_000_000L);
            assertThat(h.stack.counters().drops(StackDrop.REASSEMBLY_LIMIT)).isEqualTo(1);
            h.send(frags.get(1));
            assertThat(h.toGuest.stream().filter(f -> f.payloadU8(0) == 129)).isEmpty();
        }
    }

    @Test
    void badChecksumsAndTruncationsAreCountedNotThrown() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            ByteBuf f = ping(GUEST_IP, HOST, 1, 1, new byte[8]);
            f.setByte(14 + 10, f.getByte(14 + 10) ^ 1);
            h.send(f);
            ByteBuf g = ping(GUEST_IP, HOST, 1, 1, new byte[8]);
            h.send(g.writerIndex(30));
            assertThat(h.toGuest).isEmpty();
            assertThat(h.stack.counters().drops(StackDrop.BAD_CHECKSUM)).isEqualTo(1);
            assertThat(h.stack.counters().drops(StackDrop.MALFORMED)).isEqualTo(1);
        }
    }
}
