package io.netfabric.user;

import static io.netfabric.user.GuestFrames.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.user.ip.StackDrop;
import io.netfabric.user.service.DnsForwarder;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DnsForwarderTest {
    static final String UPSTREAMS = "dns-upstream=127.0.0.1:5301,dns-upstream=127.0.0.1:5302";

    @Test
    void aQueryGoesUnchangedToTheFirstUpstreamAndTheAnswerComesBackUnchanged() {
        try (StackHarness h = new StackHarness(StackHarness.config(UPSTREAMS))) {
            byte[] q = dnsQuery(0x1111, "example.org", 1);
            h.send(udp4(GUEST_IP, 40000, DNS, 53, q));
            assertThat(h.host.sent).hasSize(1);
            StackHarness.FakeHostUdp.Sent s = h.host.sent.get(0);
            assertThat(s.to()).isEqualTo(new InetSocketAddress("127.0.0.1", 5301));
            assertThat(s.payload()).isEqualTo(q);
            byte[] answer = Arrays.copyOf(q, q.length + 4);
            answer[2] |= (byte) 0x80;
            s.socket().reply(answer, new InetSocketAddress("127.0.0.1", 5301), h.now);
            SeenFrame r = h.last();
            assertThat(r.src4()).isEqualTo(DNS);
            assertThat(r.srcPort()).isEqualTo(53);
            assertThat(r.dstPort()).isEqualTo(40000);
            assertThat(r.payload()).isEqualTo(answer);
            assertThat(s.socket().closed).isFalse();
            h.send(udp4(GUEST_IP, 40001, DNS, 53, dnsQuery(0x1112, "example.net", 1)));
            assertThat(h.host.sent.get(1).socket()).as("an answered query's socket is reused").isSameAs(s.socket());
        }
    }

    /**
     * A guest's TCP query whose answer the upstream truncated (TC) is asked again over TCP to the
     * same upstream, and the whole answer goes back; when that fails, the truncated one. A query
     * that came over UDP gets the truncated answer as it is (the guest retries over TCP itself).
     */
    @Test
    void aTruncatedAnswerToATcpQueryIsAskedForAgainOverTcp() throws Exception {
        FakeHostTcp tcp = new FakeHostTcp();
        try (StackHarness h = new StackHarness(StackHarness.config(UPSTREAMS), 4096, tcp)) {
            java.util.List<byte[]> answers = new java.util.ArrayList<>();
            DnsForwarder.Reply reply = (m, t) -> answers.add(io.netty.buffer.ByteBufUtil.getBytes(m));
            java.net.InetAddress guest = java.net.InetAddress.getByName("10.0.2.15");
            byte[] q = dnsQuery(0x2222, "big.test", 16);
            h.stack.dns().query(io.netty.buffer.Unpooled.wrappedBuffer(q), 0, q.length, guest, reply, true, h.now);
            StackHarness.FakeHostUdp.Sent s = h.host.sent.get(0);
            byte[] truncated = q.clone();
            truncated[2] |= (byte) 0x82;   // QR, TC
            s.socket().reply(truncated, s.to(), h.now);
            assertThat(answers).isEmpty();
            FakeHostTcp.FakeStream t = tcp.last();
            assertThat(t.remote).isEqualTo(new InetSocketAddress("127.0.0.1", 5301));
            assertThat(t.writtenBytes).as("length, then the question").isEqualTo(2 + q.length);
            byte[] full = Arrays.copyOf(q, q.length + 300);
            full[2] |= (byte) 0x80;
            io.netty.buffer.ByteBuf framed = io.netty.buffer.Unpooled.buffer().writeShort(full.length).writeBytes(full);
            t.events.data(framed.readRetainedSlice(100), h.now);
            assertThat(answers).isEmpty();
            t.events.data(framed.readRetainedSlice(framed.readableBytes()), h.now);
            framed.release();
            assertThat(answers).hasSize(1);
            assertThat(answers.get(0)).isEqualTo(full);
            assertThat(t.closed).isTrue();

            h.stack.dns().query(io.netty.buffer.Unpooled.wrappedBuffer(q), 0, q.length, guest, reply, true, h.now);
            h.host.sent.get(1).socket().reply(truncated, s.to(), h.now);
            tcp.last().events.reset(h.now);
            assertThat(answers).hasSize(2);
            assertThat(answers.get(1)).as("the TCP retry failed: the truncated answer").isEqualTo(truncated);

            int streams = tcp.streams.size();
            h.stack.dns().query(io.netty.buffer.Unpooled.wrappedBuffer(q), 0, q.length, guest, reply, false, h.now);
            h.host.sent.get(2).socket().reply(truncated, s.to(), h.now);
            assertThat(answers).hasSize(3);
            assertThat(answers.get(2)).isEqualTo(truncated);
            assertThat(tcp.streams).hasSize(streams);
            assertThat(h.stack.dns().outstanding()).isZero();
        }
    }

    @Test
    void aSilentUpstreamFailsOverToTheNext() {
        try (StackHarness h = new StackHarness(StackHarness.config(UPSTREAMS))) {
            h.send(udp4(GUEST_IP, 40000, DNS, 53, dnsQuery(7, "example.org", 1)));
            h.advance(DnsForwarder.ATTEMPT_NANOS);
            assertThat(h.host.sent).hasSize(2);
            assertThat(h.host.sent.get(1).to().getPort()).isEqualTo(5302);
            assertThat(h.stack.counters().dnsFailovers).isEqualTo(1);
        }
    }

    @Test
    void anUnreachableUpstreamFailsOverAtOnce() {
        try (StackHarness h = new StackHarness(StackHarness.config(UPSTREAMS))) {
            h.send(udp4(GUEST_IP, 40000, DNS, 53, dnsQuery(7, "example.org", 1)));
            StackHarness.FakeHostUdp.FakeSocket first = h.host.sent.get(0).socket();
            first.receiver.unreachable(first.connected, h.now);
            assertThat(h.host.sent).hasSize(2);
            assertThat(first.closed).isTrue();
        }
    }

    @Test
    void answersFromAnotherAddressOrWithAnotherIdAreIgnored() {
        try (StackHarness h = new StackHarness(StackHarness.config(UPSTREAMS))) {
            byte[] q = dnsQuery(0x2222, "example.org", 1);
            h.send(udp4(GUEST_IP, 40000, DNS, 53, q));
            StackHarness.FakeHostUdp.Sent s = h.host.sent.get(0);
            byte[] forged = q.clone();
            forged[2] |= (byte) 0x80;
            s.socket().reply(forged, new InetSocketAddress("127.0.0.1", 9999), h.now);
            forged[1] ^= 1;
            s.socket().reply(forged, new InetSocketAddress("127.0.0.1", 5301), h.now);
            assertThat(h.toGuest).isEmpty();
        }
    }

    @Test
    void hostNetfabricInternalIsAnsweredLocallyWithTheHostAddress() {
        try (StackHarness h = new StackHarness(StackHarness.config(UPSTREAMS))) {
            h.send(udp4(GUEST_IP, 40000, DNS, 53, dnsQuery(0x3333, "host.netfabric.internal", 1)));
            assertThat(h.host.sent).isEmpty();
            byte[] a = h.last().payload();
            assertThat(a[0] & 0xFF).isEqualTo(0x33);
            assertThat(a[2] & 0x80).isEqualTo(0x80);
            assertThat(a[7]).isEqualTo((byte) 1);
            assertThat(Arrays.copyOfRange(a, a.length - 4, a.length)).containsExactly(10, 0, 2, 2);
        }
    }

    @Test
    void theGuestsHostnameResolvesToItsAddress() {
        try (StackHarness h = new StackHarness(StackHarness.config(UPSTREAMS + ",hostname=vm1"))) {
            h.send(udp4(GUEST_IP, 40000, DNS, 53, dnsQuery(1, "VM1", 1)));
            byte[] a = h.last().payload();
            assertThat(Arrays.copyOfRange(a, a.length - 4, a.length)).containsExactly(10, 0, 2, 15);
        }
    }

    @Test
    void compressionLoopsAndShortQueriesAreDropped() {
        try (StackHarness h = new StackHarness(StackHarness.config(UPSTREAMS))) {
            byte[] loop = {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 12, 0, 1, 0, 1};
            h.send(udp4(GUEST_IP, 40000, DNS, 53, loop));
            h.send(udp4(GUEST_IP, 40000, DNS, 53, new byte[5]));
            assertThat(h.host.sent).isEmpty();
            assertThat(h.stack.counters().drops(StackDrop.MALFORMED)).isEqualTo(2);
        }
    }

    @Test
    void outstandingQueriesAreBounded() {
        try (StackHarness h = new StackHarness(StackHarness.config(UPSTREAMS))) {
            for (int i = 0; i < DnsForwarder.MAX_OUTSTANDING + 10; i++) {
                h.send(udp4(GUEST_IP, 1000 + i, DNS, 53, dnsQuery(i, "example.org", 1)));
            }
            assertThat(h.stack.dns().outstanding()).isEqualTo(DnsForwarder.MAX_OUTSTANDING);
            assertThat(h.stack.counters().drops(StackDrop.TABLE_FULL)).isEqualTo(10);
        }
    }

    @Test
    void queriesGoOnlyToTheConfiguredUpstreams() {
        try (StackHarness h = new StackHarness(StackHarness.config(UPSTREAMS))) {
            for (int i = 0; i < 5; i++) {
                h.send(udp4(GUEST_IP, 1000 + i, DNS, 53, dnsQuery(i, "x" + i + ".org", 28)));
                h.advance(DnsForwarder.ATTEMPT_NANOS);
            }
            assertThat(h.host.sent).allMatch(s -> s.to().getPort() == 5301 || s.to().getPort() == 5302);
        }
    }
    /**
     * Upstreams from resolv.conf follow the file as libslirp's do: a change is seen at the first
     * query a second or more after the last look; a query on its way keeps its upstreams; idle
     * sockets to a dropped resolver close. (192.0.2.0/24 is documentation space: the fake host
     * sends nothing anywhere.)
     */
    @Test
    void upstreamsFromResolvConfFollowTheFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path conf = dir.resolve("resolv.conf");
        java.nio.file.Files.writeString(conf, "# written by a test\nnameserver 192.0.2.1\n");
        io.netfabric.core.options.Netdev n = io.netfabric.core.options.NetdevOptionParser.parseNetdev("user,id=u",
                java.util.Set.of("user"), w -> { });
        UserConfig config = UserConfig.from((io.netfabric.core.options.UserOptions) n.options(), conf);
        try (StackHarness h = new StackHarness(config)) {
            h.send(udp4(GUEST_IP, 40000, DNS, 53, dnsQuery(1, "example.org", 1)));
            StackHarness.FakeHostUdp.Sent first = h.host.sent.get(0);
            assertThat(first.to()).isEqualTo(new InetSocketAddress("192.0.2.1", 53));
            byte[] answer = dnsQuery(1, "example.org", 1);
            answer[2] |= (byte) 0x80;
            first.socket().reply(answer, first.to(), h.now);

            java.nio.file.Files.writeString(conf, "nameserver 192.0.2.7\nnameserver 192.0.2.8\n");
            h.send(udp4(GUEST_IP, 40001, DNS, 53, dnsQuery(2, "example.org", 1)));
            assertThat(h.host.sent.get(1).to()).as("looked at less than a second ago").isEqualTo(first.to());
            h.host.sent.get(1).socket().reply(answerTo(h.host.sent.get(1).payload()), first.to(), h.now);

            h.advance(io.netfabric.user.service.ResolvConfWatch.CHECK_NANOS);
            h.send(udp4(GUEST_IP, 40002, DNS, 53, dnsQuery(3, "example.org", 1)));
            assertThat(h.host.sent.get(2).to()).isEqualTo(new InetSocketAddress("192.0.2.7", 53));
            assertThat(first.socket().closed).as("the idle socket to a resolver no longer named").isTrue();

            // Query 3 is on its way to .7 when the file changes again: it fails over to .8, its
            // own second upstream, while a new query goes to the file's new resolver.
            java.nio.file.Files.writeString(conf, "nameserver 192.0.2.9\n");
            h.advance(io.netfabric.user.service.ResolvConfWatch.CHECK_NANOS);
            h.send(udp4(GUEST_IP, 40003, DNS, 53, dnsQuery(4, "example.org", 1)));
            assertThat(h.host.sent.get(3).to()).isEqualTo(new InetSocketAddress("192.0.2.9", 53));
            h.advance(DnsForwarder.ATTEMPT_NANOS - io.netfabric.user.service.ResolvConfWatch.CHECK_NANOS);
            assertThat(h.host.sent.get(4).to()).isEqualTo(new InetSocketAddress("192.0.2.8", 53));
            assertThat(h.stack.dns().upstreams()).containsExactly(new InetSocketAddress("192.0.2.9", 53));
        }
    }

    /** {@code dns-upstream=} fixes the list: resolv.conf is not looked at. */
    @Test
    void givenUpstreamsDoNotFollowResolvConf() {
        assertThat(StackHarness.config(UPSTREAMS).resolvConf()).isNull();
        assertThat(StackHarness.config("").resolvConf()).isNotNull();
    }

    private static byte[] answerTo(byte[] query) {
        byte[] a = query.clone();
        a[2] |= (byte) 0x80;
        return a;
    }
}
