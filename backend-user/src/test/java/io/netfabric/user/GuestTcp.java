package io.netfabric.user;

import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.MacAddress;
import io.netfabric.wire.ethernet.EthernetPacket;
import io.netfabric.wire.ipv4.Ipv4Packet;
import io.netfabric.wire.tcp.TcpPacket;
import io.netfabric.wire.tcp.TcpRepr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.util.function.Consumer;

/**
 * A small user-space TCP for the in-process guest: an independent implementation (not the
 * stack's engine) that opens a connection, sends a deterministic stream of {@code toSend} octets
 * with go-back-N on timeout and on three duplicate ACKs, and receives in order only (out-of-order
 * segments are dropped, so the stack's sender must recover), hashing what it got. Window scale
 * shift 4 with a fixed 512 KiB window; no SACK. Frames leave through {@code wire} as byte arrays.
 */
final class GuestTcp {
    static final int PATTERN_LEN = 1_000_003;
    static final byte[] PATTERN = new byte[PATTERN_LEN];

    static {
        new java.util.Random(42).nextBytes(PATTERN);
    }

    final MacAddress mac;
    final MacAddress routerMac;
    final Ipv4Address ip;
    final int port;
    final Ipv4Address remoteIp;
    final int remotePort;
    final Consumer<byte[]> wire;
    final int mss;
    final long rto = 30_000_000L;

    long toSend;
    boolean finAfterData = true;
    final MessageDigest received = FakeHostTcp.sha256();
    long receivedBytes;
    boolean established;
    boolean synAckSeen;
    boolean finReceived;
    boolean finAcked;
    boolean reset;
    int iss = 0x1000_0000;
    long sndUna;
    long sndNxt;
    long peerWnd;
    int peerShift;
    int peerMss = 536;
    long rcvNxt;
    int dupAcks;
    long rtxDeadline = Long.MAX_VALUE;
    long lastAckSent = -1;

    GuestTcp(MacAddress mac, MacAddress routerMac, Ipv4Address ip, int port, Ipv4Address remoteIp, int remotePort,
             int mtu, Consumer<byte[]> wire) {
        this.mac = mac;
        this.routerMac = routerMac;
        this.ip = ip;
        this.port = port;
        this.remoteIp = remoteIp;
        this.remotePort = remotePort;
        this.mss = mtu - 40;
        this.wire = wire;
    }

    void open(long now) {
        sndUna = iss;
        sndNxt = iss + 1;
        segment(new TcpRepr(port, remotePort, iss, 0, TcpPacket.SYN, 65535, mss, 4, false, null, false, 0, 0, 0), null);
        rtxDeadline = now + rto;
    }

    long dataStart() {
        return (iss & 0xFFFF_FFFFL) + 1;
    }

    /** Sends what the peer's window allows. */
    void pump(long now) {
        if (!established) {
            return;
        }
        long end = dataStart() + toSend;
        long limit = sndUna + Math.min(peerWnd, 256 * 1024);
        while (sndNxt < end && sndNxt < limit) {
            int len = (int) Math.min(Math.min(peerMss, end - sndNxt), limit - sndNxt);
            sendData(sndNxt, len);
            sndNxt += len;
            if (rtxDeadline == Long.MAX_VALUE) {
                rtxDeadline = now + rto;
            }
        }
        if (finAfterData && sndNxt == end && toSend >= 0) {
            segment(TcpRepr.of(port, remotePort, (int) sndNxt, (int) rcvNxt, TcpPacket.FIN | TcpPacket.ACK, window(), 0),
                    null);
            sndNxt = end + 1;
            if (rtxDeadline == Long.MAX_VALUE) {
                rtxDeadline = now + rto;
            }
        }
    }

    boolean allAcked() {
        return established && sndUna == dataStart() + toSend + (finAfterData ? 1 : 0);
    }

    private int window() {
        return (512 * 1024) >> 4;
    }

    private void sendData(long seq, int len) {
        byte[] d = new byte[len];
        long off = seq - dataStart();
        for (int i = 0; i < len; i++) {
            d[i] = PATTERN[(int) ((off + i) % PATTERN_LEN)];
        }
        segment(TcpRepr.of(port, remotePort, (int) seq, (int) rcvNxt, TcpPacket.ACK | TcpPacket.PSH, window(), len), d);
    }

    private void ack() {
        segment(TcpRepr.of(port, remotePort, (int) sndNxt, (int) rcvNxt, TcpPacket.ACK, window(), 0), null);
        lastAckSent = rcvNxt;
    }

    private void segment(TcpRepr h, byte[] data) {
        int len = h.headerLength() + (data == null ? 0 : data.length);
        ByteBuf b = Unpooled.buffer(len).writeZero(len);
        TcpPacket t = new TcpPacket().wrap(b, 0, len);
        h.emit(t);
        if (data != null) {
            b.setBytes(h.headerLength(), data);
        }
        t.fillChecksumIpv4(ip.toInt(), remoteIp.toInt());
        byte[] seg = new byte[len];
        b.getBytes(0, seg);
        ByteBuf f = GuestFrames.ipv4(mac, routerMac, ip, remoteIp, IpProtocol.TCP, seg, 1, false, 0);
        byte[] frame = new byte[f.readableBytes()];
        f.readBytes(frame);
        f.release();
        wire.accept(frame);
    }

    void poll(long now) {
        if (now < rtxDeadline || reset) {
            return;
        }
        if (!established) {
            open(now);
            return;
        }
        // Go back N.
        sndNxt = sndUna;
        rtxDeadline = Long.MAX_VALUE;
        pump(now);
        if (rtxDeadline == Long.MAX_VALUE && sndUna < dataStart() + toSend + 1 && finAfterData) {
            rtxDeadline = now + rto;
        }
    }

    long nextDeadline() {
        return reset ? Long.MAX_VALUE : rtxDeadline;
    }

    /** A frame from the stack. */
    void input(byte[] frame, long now) {
        ByteBuf b = Unpooled.wrappedBuffer(frame);
        EthernetPacket e = new EthernetPacket();
        if (!e.wrapChecked(b, 0, frame.length)) {
            throw new AssertionError("bad frame");
        }
        Ipv4Packet ip4 = new Ipv4Packet();
        if (!ip4.wrapChecked(b, e.payloadOffset(), e.payloadLength()) || !ip4.protocol().equals(IpProtocol.TCP)) {
            return;
        }
        TcpPacket t = new TcpPacket();
        if (!t.wrapChecked(b, ip4.payloadOffset(), ip4.payloadLength())) {
            throw new AssertionError("bad TCP from the stack");
        }
        if (!t.verifyChecksumIpv4(ip4.srcInt(), ip4.dstInt())) {
            throw new AssertionError("bad TCP checksum from the stack");
        }
        if (t.dstPort() != port) {
            return;
        }
        TcpRepr h = TcpRepr.parseUnchecked(t).value();
        if (h.has(TcpPacket.RST)) {
            reset = true;
            return;
        }
        if (h.has(TcpPacket.SYN)) {
            if (!h.has(TcpPacket.ACK) || h.ack() != iss + 1) {
                throw new AssertionError("unexpected SYN " + h);
            }
            synAckSeen = true;
            peerMss = h.mss() > 0 ? h.mss() : 536;
            peerShift = Math.max(0, h.windowScale());
            peerWnd = h.window();
            rcvNxt = (h.seq() & 0xFFFF_FFFFL) + 1;
            if (!established) {
                established = true;
                sndUna = iss + 1L;
                sndNxt = sndUna;
                rtxDeadline = Long.MAX_VALUE;
            }
            ack();
            pump(now);
            return;
        }
        if (!established) {
            return;
        }
        long ack = unwrap(h.ack(), sndUna);
        long wnd = (long) h.window() << peerShift;
        if (ack > sndUna && ack <= Math.max(sndNxt, sndUna)) {
            sndUna = ack;
            dupAcks = 0;
            rtxDeadline = sndUna < sndNxt ? now + rto : Long.MAX_VALUE;
            if (finAfterData && sndUna == dataStart() + toSend + 1) {
                finAcked = true;
            }
        } else if (ack == sndUna && h.payloadLength() == 0 && !h.has(TcpPacket.FIN) && sndNxt > sndUna) {
            if (++dupAcks == 3) {
                long save = sndNxt;
                int len = (int) Math.min(peerMss, dataStart() + toSend - sndUna);
                if (len > 0) {
                    sendData(sndUna, len);
                }
                sndNxt = save;
            }
        }
        peerWnd = wnd;
        long seq = unwrap(h.seq(), rcvNxt);
        int n = h.payloadLength();
        if (n > 0) {
            if (seq == rcvNxt) {
                received.update(frame, t.payloadOffset(), n);
                receivedBytes += n;
                rcvNxt += n;
            }
            ack();   // in order or not: a (duplicate) ACK
        }
        if (h.has(TcpPacket.FIN) && seq + n == rcvNxt && !finReceived) {
            finReceived = true;
            rcvNxt++;
            ack();
        } else if (h.has(TcpPacket.FIN) && finReceived) {
            ack();
        }
        if (n == 0 && !h.has(TcpPacket.FIN) && seq < rcvNxt && h.has(TcpPacket.ACK) && h.seq() != (int) rcvNxt) {
            ack();   // a keep-alive or window probe below rcvNxt
        }
        pump(now);
    }

    static long unwrap(int wire, long ref) {
        return ref + (int) (wire - (int) ref);
    }

    /** The digest of the first {@code n} octets of the pattern stream. */
    static byte[] expectedDigest(long n) {
        MessageDigest d = FakeHostTcp.sha256();
        long left = n;
        while (left > 0) {
            int c = (int) Math.min(left, PATTERN_LEN);
            d.update(PATTERN, 0, c);
            left -= c;
        }
        return d.digest();
    }
}
