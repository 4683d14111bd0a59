package io.netfabric.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.user.nat.HostTcp;
import io.netfabric.user.tcp.TcpConnection;
import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.ethernet.EthernetPacket;
import io.netfabric.wire.icmp.IcmpPacket;
import io.netfabric.wire.ipv4.Ipv4Packet;
import io.netfabric.wire.tcp.TcpPacket;
import io.netfabric.wire.tcp.TcpRepr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The TCP NAT's scripted exchanges under a manual clock with a fake host: when the SYN-ACK goes
 * out, what a refused or unreachable host gives the guest, segments for no connection, the
 * bounded table, the window that follows the host's backlog, zero-window probes, TIME-WAIT and
 * keep-alive.
 */
class TcpNatTest {
    static final TcpConnection.Timers FAST = new TcpConnection.Timers(1_000_000_000L, 200_000_000L,
            60_000_000_000L, 1_000_000_000L, 10_000_000_000L, 1_000_000_000L, 3, 12, 1_000_000L);

    final TcpSim sim = new TcpSim(StackHarness.config(""), 1, 2, FAST);

    /** Sends one segment from the guest 10.0.2.15:port to 10.0.2.2:dport. */
    void send(int port, int dport, int seq, int ack, int flags, int window, TcpRepr options, byte[] data) {
        send(port, dport, seq, ack, flags, window, options, data, false);
    }

    /**
     * With {@code tso}, as a tap with TSO hands it over: the checksum field holds only the
     * pseudo-header sum and the frame goes to {@code UserStack#inputOffloaded}.
     */
    void send(int port, int dport, int seq, int ack, int flags, int window, TcpRepr options, byte[] data, boolean tso) {
        send(GuestFrames.HOST, port, dport, seq, ack, flags, window, options, data, tso);
    }

    void send(io.netfabric.wire.Ipv4Address to, int port, int dport, int seq, int ack, int flags, int window, TcpRepr options,
              byte[] data, boolean tso) {
        TcpRepr h = options != null ? options : TcpRepr.of(port, dport, seq, ack, flags, window, data == null ? 0 : data.length);
        int len = h.headerLength() + (data == null ? 0 : data.length);
        ByteBuf b = Unpooled.buffer(len).writeZero(len);
        TcpPacket t = new TcpPacket().wrap(b, 0, len);
        h.emit(t);
        if (data != null) {
            b.setBytes(h.headerLength(), data);
        }
        if (tso) {
            b.setShort(16, io.netfabric.wire.InetChecksum.pseudoHeaderIpv4(GuestFrames.GUEST_IP.toInt(),
                    to.toInt(), IpProtocol.TCP.value(), len));
        } else {
            t.fillChecksumIpv4(GuestFrames.GUEST_IP.toInt(), to.toInt());
        }
        byte[] seg = new byte[len];
        b.getBytes(0, seg);
        b.release();
        ByteBuf frame = GuestFrames.ipv4(GuestFrames.GUEST, GuestFrames.ROUTER, GuestFrames.GUEST_IP, to,
                IpProtocol.TCP, seg, 1, false, 0);
        if (tso) {
            sim.stack.inputOffloaded(frame, sim.now);
        } else {
            sim.stack.input(frame, sim.now);
        }
    }

    void syn(int port) {
        send(port, 80, 1000, 0, TcpPacket.SYN, 65535,
                new TcpRepr(port, 80, 1000, 0, TcpPacket.SYN, 65535, 1460, 7, true, null, false, 0, 0, 0), null);
    }

    /** The TCP segments (or ICMP messages, as null-header entries) sent to the guest since the last call. */
    List<TcpRepr> out() {
        List<TcpRepr> l = new ArrayList<>();
        for (byte[] f : sim.toGuestLog) {
            ByteBuf b = Unpooled.wrappedBuffer(f);
            Ipv4Packet ip = new Ipv4Packet();
            ip.wrapChecked(b, EthernetPacket.HEADER_LEN, f.length - EthernetPacket.HEADER_LEN);
            if (ip.protocol().equals(IpProtocol.TCP)) {
                TcpPacket t = new TcpPacket();
                assertThat(t.wrapChecked(b, ip.payloadOffset(), ip.payloadLength())).isTrue();
                assertThat(t.verifyChecksumIpv4(ip.srcInt(), ip.dstInt())).isTrue();
                l.add(TcpRepr.parseUnchecked(t).value());
            } else if (ip.protocol().equals(IpProtocol.ICMP)) {
                IcmpPacket m = new IcmpPacket();
                m.wrapChecked(b, ip.payloadOffset(), ip.payloadLength());
                l.add(TcpRepr.of(0, 0, m.type(), m.code(), 0, 0, 0));   // ICMP type/code in seq/ack
            }
        }
        sim.toGuestLog.clear();
        return l;
    }

    @org.junit.jupiter.api.AfterEach
    void close() {
        sim.close();
    }

    TcpNatTest() {
        sim.keepLog = true;
        sim.delay = 0;
        sim.host.now = sim.now;
    }

    @Test
    void theSynAckWaitsForTheHostConnectAndCarriesOurOptions() {
        sim.host.connectAtOnce = false;
        syn(40000);
        assertThat(out()).isEmpty();
        sim.host.last().connect();
        List<TcpRepr> o = out();
        assertThat(o).hasSize(1);
        TcpRepr sa = o.get(0);
        assertThat(sa.flags()).isEqualTo(TcpPacket.SYN | TcpPacket.ACK);
        assertThat(sa.ack()).isEqualTo(1001);
        assertThat(sa.mss()).isEqualTo(1460);
        assertThat(sa.windowScale()).isEqualTo(7);   // 4 MiB does not fit in 0xFFFF << 6
        assertThat(sa.sackPermitted()).isTrue();
        assertThat(sim.host.last().remote.getAddress().isLoopbackAddress()).isTrue();
        // Handshake, data both ways, the host backlog shrinks the window.
        send(40000, 80, 1001, sa.seq() + 1, TcpPacket.ACK, 512, null, null);
        FakeHostTcp.FakeStream s = sim.host.last();
        s.pendingLimit = 0;
        send(40000, 80, 1001, sa.seq() + 1, TcpPacket.ACK | TcpPacket.PSH, 512, null, new byte[1000]);
        send(40000, 80, 2001, sa.seq() + 1, TcpPacket.ACK | TcpPacket.PSH, 512, null, new byte[1000]);
        assertThat(s.writtenBytes).isEqualTo(2000);
        TcpRepr ack = out().get(0);
        assertThat(ack.ack()).isEqualTo(3001);
        assertThat((long) ack.window() << 7).isBetween((4L << 20) - 2000 - 127, (4L << 20) - 2000);
        s.drain(2000);
        s.events.data(Unpooled.wrappedBuffer("hello".getBytes()), sim.now);
        TcpRepr d = out().get(0);
        assertThat(d.payloadLength()).isEqualTo(5);
        assertThat(d.has(TcpPacket.PSH)).isTrue();
    }

    /** A TSO frame is one large segment; so is an ordinary frame over the MTU (libslirp takes any size). */
    @Test
    void aTsoFrameFromTheGuestIsOneLargeSegmentAndSoIsAnOrdinaryFrameOverTheMtu() {
        syn(40001);
        TcpRepr sa = out().get(0);
        send(40001, 80, 1001, sa.seq() + 1, TcpPacket.ACK, 512, null, null);
        FakeHostTcp.FakeStream s = sim.host.last();
        byte[] big = new byte[20000];
        java.util.Arrays.fill(big, (byte) 7);
        send(40001, 80, 1001, sa.seq() + 1, TcpPacket.ACK, 512, null, big, false);
        assertThat(s.writtenBytes).isEqualTo(20000);
        send(40001, 80, 21001, sa.seq() + 1, TcpPacket.ACK | TcpPacket.PSH, 512, null, big, true);
        assertThat(s.writtenBytes).isEqualTo(40000);
        TcpRepr ack = out().stream().filter(r -> r.has(TcpPacket.ACK) && r.payloadLength() == 0)
                .reduce((a, b) -> b).orElseThrow();
        assertThat(ack.ack()).isEqualTo(41001);
    }

    @Test
    void withOffloadsTheStackSendsWholeWindowsAsGsoFrames() {
        sim.offloads = true;
        syn(40002);
        TcpRepr sa = out().get(0);
        send(40002, 80, 1001, sa.seq() + 1, TcpPacket.ACK, 65535, null, null);
        FakeHostTcp.FakeStream s = sim.host.last();
        s.events.data(Unpooled.wrappedBuffer(new byte[100_000]), sim.now);
        // The initial window (10 segments) leaves as one GSO frame, cut into MSS segments by the link.
        List<TcpRepr> o = out();
        assertThat(sim.offloadedFrames).isEqualTo(1);
        assertThat(o).hasSize(10).allSatisfy(r -> assertThat(r.payloadLength()).isEqualTo(1460));
        for (int i = 1; i < o.size(); i++) {
            assertThat(o.get(i).seq() - o.get(i - 1).seq()).isEqualTo(1460);
        }
        assertThat(o.get(9).has(TcpPacket.PSH)).isFalse();   // more data waits: no PSH on the last either
    }

    @Test
    void withOffloadsALoneDataSegmentCarriesAPartialChecksum() {
        // The guest's kernel trusts CHECKSUM_PARTIAL: we leave the sum to whoever needs it.
        sim.offloads = true;
        syn(40003);
        TcpRepr sa = out().get(0);
        assertThat(sim.partialChecksumFrames).isZero();   // no payload, no offload
        send(40003, 80, 1001, sa.seq() + 1, TcpPacket.ACK, 65535, null, null);
        FakeHostTcp.FakeStream s = sim.host.last();
        s.events.data(Unpooled.wrappedBuffer(new byte[100]), sim.now);
        List<TcpRepr> o = out();
        assertThat(o).hasSize(1);
        assertThat(o.get(0).payloadLength()).isEqualTo(100);
        assertThat(sim.partialChecksumFrames).isEqualTo(1);
    }

    @Test
    void aGuestFinIsAckedWithOurOwnFinWhenTheHostClosesInTime() {
        syn(40006);
        TcpRepr sa = out().get(0);
        int us = sa.seq() + 1;
        send(40006, 80, 1001, us, TcpPacket.ACK, 512, null, null);
        FakeHostTcp.FakeStream s = sim.host.last();
        send(40006, 80, 1001, us, TcpPacket.ACK | TcpPacket.FIN, 512, null, null);
        assertThat(s.shutdownOutput).isTrue();
        assertThat(out()).as("the ACK of the FIN waits for ours").isEmpty();
        s.events.eof(sim.now);   // the host closes too, well within the delayed-ACK time
        List<TcpRepr> o = out();
        assertThat(o).hasSize(1);
        assertThat(o.get(0).flags()).isEqualTo(TcpPacket.FIN | TcpPacket.ACK);
        assertThat(o.get(0).ack()).isEqualTo(1002);

        // A host that stays open: the ACK leaves on its own after the delayed-ACK time.
        out();
        syn(40007);
        TcpRepr sa2 = out().get(0);
        send(40007, 80, 1001, sa2.seq() + 1, TcpPacket.ACK, 512, null, null);
        send(40007, 80, 1001, sa2.seq() + 1, TcpPacket.ACK | TcpPacket.FIN, 512, null, null);
        assertThat(out()).isEmpty();
        sim.run(() -> false, 2_000_000L, () -> { });
        List<TcpRepr> late = out();
        assertThat(late).hasSize(1);
        assertThat(late.get(0).flags()).isEqualTo(TcpPacket.ACK);
        assertThat(late.get(0).ack()).isEqualTo(1002);
    }

    @Test
    void refusedGivesRstAndUnreachableGivesIcmp() {
        sim.host.failures.put(80, HostTcp.Failure.REFUSED);
        syn(40001);
        TcpRepr rst = out().get(0);
        assertThat(rst.flags()).isEqualTo(TcpPacket.RST | TcpPacket.ACK);
        assertThat(rst.ack()).isEqualTo(1001);
        sim.host.failures.put(80, HostTcp.Failure.UNREACHABLE);
        syn(40002);
        TcpRepr icmp = out().get(0);
        assertThat(icmp.seq()).isEqualTo(IcmpPacket.TYPE_DEST_UNREACHABLE);
        assertThat(icmp.ack()).isEqualTo(IcmpPacket.CODE_HOST_UNREACHABLE);
        assertThat(sim.stack.tcpNat().flowCount()).isZero();
    }

    @Test
    void segmentsForNoConnectionAndAFullTableGetRst() {
        send(40003, 80, 5, 77, TcpPacket.ACK, 100, null, null);
        TcpRepr r = out().get(0);
        assertThat(r.flags()).isEqualTo(TcpPacket.RST);
        assertThat(r.seq()).isEqualTo(77);
        // A RST for no connection is dropped (RFC 9293 §3.10.7.1; libslirp 4.7 answers it), a
        // SYN+FIN opens nothing and is reset, its SYN and FIN both acknowledged.
        send(40005, 80, 5, 0, TcpPacket.RST, 100, null, null);
        assertThat(out()).isEmpty();
        send(40006, 80, 1000, 0, TcpPacket.SYN | TcpPacket.FIN, 100, null, null);
        TcpRepr synFin = out().get(0);
        assertThat(synFin.flags()).isEqualTo(TcpPacket.RST | TcpPacket.ACK);
        assertThat(synFin.ack()).isEqualTo(1002);
        assertThat(sim.host.streams).isEmpty();
        // RFC 1122 §4.2.3.10: a SYN to a broadcast address is discarded without an answer.
        for (String b : new String[] {"10.0.2.255", "255.255.255.255"}) {
            send(io.netfabric.wire.Ipv4Address.parse(b), 40007, 80, 1000, 0, TcpPacket.SYN, 100, null, null, false);
            assertThat(out()).as(b).isEmpty();
        }
        assertThat(sim.host.streams).isEmpty();
        syn(1);
        syn(2);
        out();
        syn(3);   // the table holds 2
        assertThat(out().get(0).has(TcpPacket.RST)).isTrue();
        assertThat(sim.stack.tcpNat().refusals()).isEqualTo(1);
    }

    @Test
    void zeroWindowProbesThenTimeWaitAndKeepalive() {
        syn(40004);
        TcpRepr sa = out().get(0);
        int us = sa.seq() + 1;
        send(40004, 80, 1001, us, TcpPacket.ACK, 0, null, null);   // a closed window
        FakeHostTcp.FakeStream s = sim.host.last();
        s.events.data(Unpooled.wrappedBuffer(new byte[100]), sim.now);
        assertThat(out()).isEmpty();
        assertThat(sim.stack.tcpNat().flows().get(0).recvQ()).as("info usernet's RecvQ").isEqualTo(100);
        sim.run(() -> false, 250_000_000L, () -> { });   // RTO floor passes: a one-octet probe
        List<TcpRepr> probes = out();
        assertThat(probes).as(() -> sim.stack.tcpNat().debug() + " now " + sim.now).isNotEmpty();
        assertThat(probes.get(0).payloadLength()).isEqualTo(1);
        assertThat(probes.get(0).seq()).isEqualTo(us);
        send(40004, 80, 1001, us, TcpPacket.ACK, 512, null, null);   // the window opens
        TcpRepr data = out().get(0);
        assertThat(data.payloadLength()).isEqualTo(100);
        // Host closes first: FIN, the guest ACKs and FINs, we ACK and sit in TIME-WAIT, bounded.
        s.events.eof(sim.now);
        send(40004, 80, 1001, us + 100, TcpPacket.ACK, 512, null, null);
        TcpRepr fin = out().get(0);
        assertThat(fin.has(TcpPacket.FIN)).isTrue();
        send(40004, 80, 1001, fin.seq() + 1, TcpPacket.ACK | TcpPacket.FIN, 512, null, null);
        assertThat(sim.stack.tcpNat().flows().get(0).state()).isEqualTo("TIME_WAIT");
        assertThat(s.closed).isTrue();
        sim.run(() -> false, 1_100_000_000L, () -> { });
        assertThat(sim.stack.tcpNat().flowCount()).isZero();

        // Keep-alive: idle past keepIdle, three unanswered probes, then a reset.
        out();
        syn(40005);
        TcpRepr sa2 = out().get(0);
        send(40005, 80, 1001, sa2.seq() + 1, TcpPacket.ACK, 512, null, null);
        sim.run(() -> false, 10_500_000_000L, () -> { });
        List<TcpRepr> kas = out();
        TcpRepr ka = kas.get(0);
        assertThat(ka.seq()).as(kas::toString).isEqualTo(sa2.seq());   // SND.NXT - 1
        sim.run(() -> false, 5_000_000_000L, () -> { });
        List<TcpRepr> rest = out();
        assertThat(rest.get(rest.size() - 1).has(TcpPacket.RST)).isTrue();
        assertThat(sim.host.last().aborted).isTrue();
    }
}
