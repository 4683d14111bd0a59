package io.netfabric.user;

import static io.netfabric.user.GuestFrames.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.tcp.TcpPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** dig +tcp's exchange against the DNS forwarder's TCP side. */
class DnsTcpServerTest {
    static ByteBuf segment(long seq, long ack, int flags, byte[] data) {
        byte[] seg = new byte[20 + data.length];
        ByteBuf b = Unpooled.wrappedBuffer(seg);
        TcpPacket t = new TcpPacket().wrap(b, 0, seg.length);
        t.setHeader(40000, 53, seq, ack, 20, flags, 65535);
        System.arraycopy(data, 0, seg, 20, data.length);
        t.fillChecksumIpv4(GUEST_IP.toInt(), DNS.toInt());
        return ipv4(GUEST, ROUTER, GUEST_IP, DNS, IpProtocol.TCP, seg, 1, false, 0);
    }

    static TcpPacket view(SeenFrame f) {
        TcpPacket t = new TcpPacket();
        assertThat(t.wrapChecked(Unpooled.wrappedBuffer(f.payload()), 0, f.payload().length)).isTrue();
        return t;
    }

    @Test
    void aQueryOverTcpIsForwardedAndAnsweredWithItsLengthPrefix() {
        try (StackHarness h = new StackHarness(StackHarness.config("dns-upstream=127.0.0.1:5301"))) {
            h.send(segment(1000, 0, TcpPacket.SYN, new byte[0]));
            TcpPacket synAck = view(h.last());
            assertThat(synAck.flags()).isEqualTo(TcpPacket.SYN | TcpPacket.ACK);
            assertThat(synAck.ack()).isEqualTo(1001);
            assertThat(synAck.mss()).isEqualTo(1460);
            long iss = synAck.seq();
            h.send(segment(1001, iss + 1, TcpPacket.ACK, new byte[0]));
            byte[] q = dnsQuery(0x4444, "example.org", 1);
            byte[] framed = new byte[2 + q.length];
            framed[0] = (byte) (q.length >> 8);
            framed[1] = (byte) q.length;
            System.arraycopy(q, 0, framed, 2, q.length);
            h.send(segment(1001, iss + 1, TcpPacket.ACK | TcpPacket.PSH, framed));
            assertThat(view(h.last()).ack()).isEqualTo(1001 + framed.length);
            StackHarness.FakeHostUdp.Sent s = h.host.sent.get(0);
            assertThat(s.payload()).isEqualTo(q);
            byte[] answer = q.clone();
            answer[2] |= (byte) 0x80;
            h.take();
            s.socket().reply(answer, new InetSocketAddress("127.0.0.1", 5301), h.now);
            SeenFrame data = h.last();
            TcpPacket d = view(data);
            assertThat(d.seq()).isEqualTo(iss + 1);
            byte[] got = Arrays.copyOfRange(data.payload(), 20, data.payload().length);
            assertThat(got[1] & 0xFF).isEqualTo(answer.length);
            assertThat(Arrays.copyOfRange(got, 2, got.length)).isEqualTo(answer);
            // The guest acknowledges and closes; we close too.
            h.send(segment(1001 + framed.length, iss + 1 + got.length, TcpPacket.ACK | TcpPacket.FIN, new byte[0]));
            TcpPacket fin = view(h.last());
            assertThat(fin.has(TcpPacket.FIN)).isTrue();
            h.send(segment(1002 + framed.length, fin.seq() + 1, TcpPacket.ACK, new byte[0]));
            assertThat(h.stack.dnsTcp().connectionCount()).isZero();
        }
    }

    @Test
    void unansweredDataIsRetransmittedAndIdleConnectionsReset() {
        try (StackHarness h = new StackHarness(StackHarness.config("dns-upstream=127.0.0.1:5301"))) {
            h.send(segment(1, 0, TcpPacket.SYN, new byte[0]));
            long iss = view(h.last()).seq();
            h.take();
            h.advance(1_000_000_000L);
            assertThat(view(h.last()).flags()).isEqualTo(TcpPacket.SYN | TcpPacket.ACK);
            h.send(segment(2, iss + 1, TcpPacket.ACK, new byte[0]));
            h.advance(31_000_000_000L);
            assertThat(view(h.last()).has(TcpPacket.RST)).isTrue();
            assertThat(h.stack.dnsTcp().connectionCount()).isZero();
        }
    }

    @Test
    void aStrayAckGetsAReset() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(segment(5, 77, TcpPacket.ACK, new byte[0]));
            TcpPacket rst = view(h.last());
            assertThat(rst.has(TcpPacket.RST)).isTrue();
            assertThat(rst.seq()).isEqualTo(77);
        }
    }
}
