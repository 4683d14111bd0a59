package io.netfabric.user.tcp;

import io.netfabric.wire.tcp.TcpPacket;
import io.netfabric.wire.tcp.TcpRepr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection between the guest and the user-mode stack (RFC 9293), the stack's end of
 * it: a pure state machine. Segments from the guest come in through {@link #segment}, data
 * from the host through {@link #hostData}; segments to the guest leave through
 * {@link GuestSide#emit}, data to the host through {@link HostSide#write}. Time is passed in;
 * {@link #nextDeadline()} reports the earliest timer and {@link #poll} runs it.
 *
 * <p>Sequence numbers are kept as 64-bit counters that never wrap, unwrapped from the 32-bit
 * wire values against the nearest expected value, so comparisons are plain {@code <}.
 *
 * <p>What it implements: MSS from the MTU (RFC 9293 §3.7.1), window scaling (RFC 7323 §2),
 * SACK both ways (RFC 2018; loss recovery guided by the scoreboard as RFC 6675 does, a hole
 * lost once more than two segments above it are SACKed, whatever the duplicate ACKs counted),
 * retransmission timer (RFC 6298, with a 200 ms floor as Linux uses instead of 1 s: the guest
 * is one link away), a tail loss probe (RFC 8985 §7) so that a flight whose last ACKs went
 * missing costs milliseconds, slow start and congestion avoidance counting bytes (RFC 3465,
 * as Linux counts segments: a guest receiving TSO frames sends one ACK per frame), fast
 * retransmit and recovery (RFC 5681, RFC 6582), sender and receiver silly-window avoidance,
 * zero-window probes (RFC 9293 §3.8.6.1), half-close, RST both ways with RFC 5961's challenge
 * ACK, a bounded TIME-WAIT and keep-alive (RFC 1122 §4.2.3.6).
 *
 * <p>Back-pressure: the window advertised to the guest is the receive buffer less what the host
 * side has not written yet, so the guest's sender never gets more window than the host path
 * absorbs; the host is read only while the send buffer has room, and nothing is sent while the
 * link to the guest is busy. Loop thread only.
 */
public final class TcpConnection {
    private static final Logger log = LoggerFactory.getLogger(TcpConnection.class);

    /** RFC 9293 §3.3.2 states. */
    public enum State {
        /**
         * The guest's SYN is held while the host's connect() runs; the SYN-ACK is sent only once
         * it succeeds (libslirp tcp_input: the socket is SS_ISFCONNECTING).
         */
        LISTEN,
        SYN_SENT,
        SYN_RECEIVED,
        ESTABLISHED,
        FIN_WAIT_1,
        FIN_WAIT_2,
        CLOSE_WAIT,
        CLOSING,
        LAST_ACK,
        TIME_WAIT,
        CLOSED;

        boolean synchronized_() {
            return compareTo(ESTABLISHED) >= 0 && this != CLOSED;
        }
    }

    /** The guest's side: where segments go. Implemented by the flow that knows the addresses. */
    public interface GuestSide {
        /**
         * Sends one segment: {@code header} then {@code len} octets of {@code data} from
         * {@code index} (borrowed). Answers false when it could not (no neighbour).
         */
        boolean emit(TcpRepr header, ByteBuf data, int index, int len, int segmentSize);

        /**
         * True when the link takes TCP segmentation offload: {@link #emit} may then carry up to
         * 64 KiB cut into {@code segmentSize} pieces by whoever receives it (a tap with TSO, or
         * the fabric for a peer without it).
         */
        default boolean offloads() {
            return false;
        }

        /** True while the link to the guest queues frames. */
        boolean busy();

        /** Calls {@code r} once the link drains. */
        void whenWritable(Runnable r);

        ByteBufAllocator alloc();
    }

    /** The host's side: a socket (or a process, or a chardev). */
    public interface HostSide {
        /** Writes the guest's data; takes the reference. */
        void write(ByteBuf data);

        /** The host socket's descriptor, for {@code info usernet}; -1 when it has none. */
        default int fd() {
            return -1;
        }

        /** Octets written but not yet taken by the host (the socket's backlog in user space). */
        long pendingBytes();

        /** The guest sent FIN: shut the host's output down once the written data has gone. */
        void shutdownOutput();

        /** Pauses or resumes reading from the host. */
        void setReading(boolean reading);

        /** The connection is over; {@code abort} closes with a reset (SO_LINGER 0). */
        void close(boolean abort);
    }

    /** Timer settings; the defaults are the RFCs'. Tests shorten them. */
    public record Timers(long rtoInitial, long rtoMin, long rtoMax, long timeWait, long keepIdle, long keepInterval,
                         int keepProbes, int maxRetries, long delayedAck) {
        public static final Timers DEFAULT = new Timers(1_000_000_000L, 200_000_000L, 60_000_000_000L,
                10_000_000_000L, 7_200_000_000_000L, 75_000_000_000L, 9, 12, 1_000_000L);
    }

    private static final long NONE = Long.MAX_VALUE;
    private static final int[] NO_BLOCKS = new int[0];
    /** RFC 9293 §3.7.1: the MSS assumed when the peer sends none. */
    private static final int DEFAULT_MSS_V4 = 536;
    private static final int DEFAULT_MSS_V6 = 1220;
    private static final int MAX_SEND_BUFFER = 8 << 20;
    /** Host reads shorter than this on average are merged once the send buffer has many. */
    private static final int SHORT_READ = 4096;
    /** The most payload one offloaded frame carries: the IPv4 total length (and IPv6 payload length) limit less headers. */
    static final int MAX_OFFLOAD_PAYLOAD = 65535 - 60 - 60;
    /** The shortest probe timeout (Linux: 2 ms); a guest only slow to be scheduled should not draw probes. */
    static final long PROBE_MIN = 5_000_000L;
    /** RFC 8985 WCDelAckT: a guest may hold the ACK of a lone segment this long (Linux: 40 ms minimum, 200 ms at most). */
    static final long DELAYED_ACK_ALLOWANCE = 200_000_000L;

    private final GuestSide guest;
    private HostSide host;
    private final Timers timers;
    private final boolean ipv6;
    private final int localPort;
    private final int guestPort;
    /** Our MSS as sent in our SYN: the MTU less IP and TCP headers. */
    private final int ourMss;
    private final int rcvBufSize;
    /** RFC 7323 §2.3: the smallest shift that lets our whole buffer be advertised. */
    private final int ourShift;
    /** The latest time passed in, for callbacks that carry none (the link drained). */
    private long lastNow;

    private State state = State.CLOSED;

    // send side (towards the guest)
    private long iss;
    private long sndUna;
    private long sndNxt;
    private long sndMax;
    private long sndWnd;
    private long sndWl1;
    private long sndWl2;
    private int sndShift;
    private int sndMss;
    private boolean sackOk;
    /** Bytes from the host not yet acknowledged by the guest; the first is at {@link #bufStart}. */
    private final CompositeByteBuf sendBuf;
    private long bufStart;
    private boolean hostEof;
    private long finSeq = -1;
    private boolean reading = true;
    private boolean waitingWritable;

    // congestion control
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE / 4;
    private int dupAcks;
    private boolean inRecovery;
    private long recover;
    /** SACK scoreboard: blocks the guest holds above sndUna, start to end. */
    private final TreeMap<Long, Long> sacked = new TreeMap<>();
    private long rescueRtx;

    // retransmission timer (RFC 6298)
    private long srtt = -1;
    private long rttvar;
    private long rto;
    private long rttSeq = -1;
    private long rttStart;
    private int retries;

    // receive side (from the guest)
    private long irs;
    private long rcvNxt;
    private long rcvAdv;
    private int rcvShift;
    private final TreeMap<Long, ByteBuf> outOfOrder = new TreeMap<>();
    private long outOfOrderBytes;
    private long lastSackStart = -1;
    private long guestFinSeq = -1;
    private int unackedSegments;
    private boolean ackNow;

    // timers
    private long rtxDeadline = NONE;
    /** RFC 8985 §7 tail loss probe: when the ACKs of a flight's tail stop coming. */
    private long probeDeadline = NONE;
    private boolean probeSent;
    private long persistDeadline = NONE;
    private long delayedAckDeadline = NONE;
    private long keepaliveDeadline = NONE;
    private long timeWaitDeadline = NONE;
    private int keepaliveSent;
    private long persistBackoff;

    // accounting for the flow query
    private long bytesFromGuest;
    private long bytesToGuest;
    private long lastActivity;
    private long retransmits;
    private long timeouts;

    /**
     * @param ipv6       the family, for the default MSS
     * @param mtu        the link MTU; our MSS is the MTU less 40 (IPv4) or 60 (IPv6) octets
     * @param rcvBufSize the receive window at most advertised
     */
    public TcpConnection(GuestSide guest, Timers timers, boolean ipv6, int localPort, int guestPort, int mtu,
                         int rcvBufSize, long iss) {
        this.guest = guest;
        this.timers = timers;
        this.ipv6 = ipv6;
        this.localPort = localPort;
        this.guestPort = guestPort;
        this.ourMss = Math.min(0xFFFF, mtu - (ipv6 ? 60 : 40));
        this.rcvBufSize = rcvBufSize;
        this.iss = iss & 0xFFFF_FFFFL;
        this.sendBuf = guest.alloc().compositeBuffer(Integer.MAX_VALUE);
        this.rto = timers.rtoInitial;
        int shift = 0;
        while (shift < 14 && (0xFFFFL << shift) < rcvBufSize) {
            shift++;
        }
        this.ourShift = shift;
    }

    public void setHost(HostSide host) {
        this.host = host;
    }

    public State state() {
        return state;
    }

    public long bytesFromGuest() {
        return bytesFromGuest;
    }

    public long bytesToGuest() {
        return bytesToGuest;
    }

    /** Octets from the host not yet acknowledged by the guest (libslirp's so_rcv.sb_cc). */
    public int hostBytesQueued() {
        return sendBuf.readableBytes();
    }

    /** Octets from the guest the host socket has not taken yet (libslirp's so_snd.sb_cc). */
    public long guestBytesQueued() {
        return host == null ? 0 : host.pendingBytes();
    }

    public int localPort() {
        return localPort;
    }

    public int guestPort() {
        return guestPort;
    }

    /** Segments sent again (fast retransmit, recovery, timeout). */
    public long retransmits() {
        return retransmits;
    }

    public long timeouts() {
        return timeouts;
    }

    public long lastActivity() {
        return lastActivity;
    }

    /** The one transition: every state change passes here and is traced. */
    private void setState(State next) {
        if (log.isTraceEnabled()) {
            log.trace("tcp {} <-> guest {}: {} -> {}", localPort, guestPort, state, next);
        }
        state = next;
    }

    // ---------------------------------------------------------------- opening

    /**
     * The guest's SYN opened a connection: hold it until the host connect() completes
     * ({@link #hostConnected}) or fails ({@link #hostRefused}).
     */
    public void guestSyn(TcpRepr syn, long now) {
        irs = syn.seq() & 0xFFFF_FFFFL;
        rcvNxt = irs + 1;
        takeSynOptions(syn);
        sndWnd = syn.window();   // RFC 7323 §2.2: the window in a SYN is never scaled
        sndWl1 = irs;
        lastActivity = now;
        setState(State.LISTEN);
    }

    /** The host connect() succeeded: answer the guest's SYN with our SYN-ACK. */
    public void hostConnected(long now) {
        if (state != State.LISTEN) {
            return;
        }
        sndUna = iss;
        sndNxt = iss;
        sndMax = iss;
        bufStart = iss + 1;
        setState(State.SYN_RECEIVED);
        sendSyn(now);
    }

    /** The host refused: RFC 9293 §3.10.7.2-like answer to the held SYN, a RST (libslirp: tcp_input, ECONNREFUSED). */
    public void hostRefused(long now) {
        if (state != State.LISTEN) {
            return;
        }
        sendRst(0, rcvNxt, true);
        closeDown(false, now);
    }

    /** Closes a held SYN silently (the NAT sent an ICMP error instead). */
    public void abandon(long now) {
        closeDown(true, now);
    }

    /** Opens towards the guest (hostfwd): sends our SYN. */
    public void connect(long now) {
        sndUna = iss;
        sndNxt = iss;
        sndMax = iss;
        bufStart = iss + 1;
        sndMss = ipv6 ? DEFAULT_MSS_V6 : DEFAULT_MSS_V4;
        lastActivity = now;
        setState(State.SYN_SENT);
        sendSyn(now);
    }

    private void takeSynOptions(TcpRepr syn) {
        int peerMss = syn.mss() > 0 ? syn.mss() : (ipv6 ? DEFAULT_MSS_V6 : DEFAULT_MSS_V4);
        sndMss = Math.max(64, Math.min(peerMss, ourMss));
        if (syn.windowScale() >= 0) {
            sndShift = syn.windowScale();
            rcvShift = ourShift;
        } else {
            sndShift = 0;
            rcvShift = -1;   // no scaling: windows capped at 65535
        }
        sackOk = syn.sackPermitted();
        // RFC 5681 §3.1 / RFC 6928: initial window of 10 segments.
        cwnd = 10L * sndMss;
    }

    private void sendSyn(long now) {
        boolean synAck = state == State.SYN_RECEIVED;
        int ws = synAck ? rcvShift : ourShift;
        boolean sack = synAck ? sackOk : true;
        long w = Math.min(0xFFFF, rcvBufSize);
        rcvAdv = rcvNxt + w;
        TcpRepr h = new TcpRepr(localPort, guestPort, (int) iss, synAck ? (int) rcvNxt : 0,
                TcpPacket.SYN | (synAck ? TcpPacket.ACK : 0), (int) w, ourMss, ws, sack, null, false, 0, 0, 0);
        guest.emit(h, sendBuf, 0, 0, 0);
        sndNxt = iss + 1;
        sndMax = Math.max(sndMax, sndNxt);
        if (rttSeq < 0) {
            rttSeq = iss;
            rttStart = now;
        }
        armRtx(now);
    }

    // ---------------------------------------------------------------- guest segments

    /** One segment from the guest (checksum verified); the view's buffer is borrowed. */
    public void segment(TcpPacket seg, TcpRepr h, long now) {
        lastActivity = now;
        keepaliveSent = 0;
        switch (state) {
            case CLOSED -> {
                return;
            }
            case LISTEN -> {
                // The guest retransmits its SYN while the host connects; a RST withdraws it.
                if (h.has(TcpPacket.RST)) {
                    closeDown(true, now);
                }
                return;
            }
            case SYN_SENT -> {
                synSentInput(h, now);
                finishInput(now);
                return;
            }
            default -> {
            }
        }
        long seq = unwrap(h.seq(), rcvNxt);
        int dataLen = h.payloadLength();
        long segLen = seg.segmentLength();
        long wnd = Math.max(0, rcvAdv - rcvNxt);
        // RFC 9293 §3.10.7.4 first check: is the segment acceptable?
        boolean acceptable;
        if (segLen == 0) {
            acceptable = wnd == 0 ? seq == rcvNxt : seq >= rcvNxt && seq < rcvNxt + wnd || seq == rcvNxt;
        } else {
            acceptable = wnd != 0 && ((seq >= rcvNxt && seq < rcvNxt + wnd)
                    || (seq + segLen - 1 >= rcvNxt && seq + segLen - 1 < rcvNxt + wnd));
        }
        if (!acceptable) {
            if (!h.has(TcpPacket.RST)) {
                if (state == State.TIME_WAIT && h.has(TcpPacket.FIN)) {
                    timeWaitDeadline = now + timers.timeWait;   // the guest lost our last ACK
                }
                ackNow = true;
                finishInput(now);
            }
            return;
        }
        // Second check: RST. RFC 5961 §3.2: only an exact match resets; in-window gets a challenge ACK.
        if (h.has(TcpPacket.RST)) {
            if (seq == rcvNxt) {
                closeDown(true, now);
            } else {
                ackNow = true;
                finishInput(now);
            }
            return;
        }
        // Fourth check: SYN. In SYN-RECEIVED a retransmitted SYN means our SYN-ACK was lost;
        // otherwise RFC 5961 §4.2: a challenge ACK.
        if (h.has(TcpPacket.SYN)) {
            if (state == State.SYN_RECEIVED && seq == irs) {
                sendSyn(now);
            } else {
                ackNow = true;
                finishInput(now);
            }
            return;
        }
        if (!h.has(TcpPacket.ACK)) {
            return;   // fifth check: a segment without ACK is dropped
        }
        long ack = unwrap(h.ack(), sndUna);
        if (state == State.SYN_RECEIVED) {
            if (ack <= sndUna || ack > sndMax) {
                sendRst(h.ack(), 0, false);   // RFC 9293 §3.10.7.4: unacceptable ACK in SYN-RECEIVED
                return;
            }
            sndWnd = (long) h.window() << sndShift;
            sndWl1 = seq;
            sndWl2 = ack;
            setState(State.ESTABLISHED);
            startKeepalive(now);
        }
        if (!processAck(seq, ack, h, dataLen == 0 && !h.has(TcpPacket.FIN), now)) {
            return;
        }
        if (state == State.CLOSED) {
            return;
        }
        // Seventh: the data.
        if (dataLen > 0 && (state == State.ESTABLISHED || state == State.FIN_WAIT_1 || state == State.FIN_WAIT_2)) {
            receiveData(seg, seq, dataLen, h.has(TcpPacket.PSH), now);
        }
        // Eighth: FIN, which takes effect once everything before it arrived.
        boolean firstFin = h.has(TcpPacket.FIN) && guestFinSeq == -1;
        if (firstFin) {
            guestFinSeq = seq + dataLen;
        }
        takeGuestFin(now);
        if (h.has(TcpPacket.FIN) && (!firstFin || guestFinSeq != -2)) {
            ackNow = true;   // a repeated FIN, or one ahead of missing data: answer at once
        }
        finishInput(now);
    }

    private void synSentInput(TcpRepr h, long now) {
        boolean hasAck = h.has(TcpPacket.ACK);
        long ack = unwrap(h.ack(), sndUna);
        if (hasAck && (ack <= iss || ack > sndMax)) {
            if (!h.has(TcpPacket.RST)) {
                sendRst(h.ack(), 0, false);
            }
            return;
        }
        if (h.has(TcpPacket.RST)) {
            if (hasAck) {
                closeDown(true, now);   // the guest refused the forwarded connection
            }
            return;
        }
        if (!h.has(TcpPacket.SYN)) {
            return;
        }
        irs = h.seq() & 0xFFFF_FFFFL;
        rcvNxt = irs + 1;
        takeSynOptions(h);
        rcvAdv = rcvNxt;
        if (!hasAck) {
            setState(State.SYN_RECEIVED);   // simultaneous open
            sendSyn(now);
            return;
        }
        sndWnd = h.window();   // not scaled in a SYN
        sndWl1 = irs;
        sndWl2 = ack;
        ackAdvance(ack, now);
        setState(State.ESTABLISHED);
        startKeepalive(now);
        ackNow = true;
    }

    /**
     * The ACK field (RFC 9293 §3.10.7.4, sixth check), window update, duplicate ACK counting and
     * recovery. Answers false when the segment is to be dropped.
     */
    private boolean processAck(long seq, long ack, TcpRepr h, boolean pureAck, long now) {
        if (ack > sndMax) {
            ackNow = true;   // acks something not yet sent
            finishInput(now);
            return false;
        }
        long wnd = (long) h.window() << sndShift;
        boolean newSack = sackOk && h.sackBlocks().length > 0 && takeSack(h.sackBlocks());
        long flight = sndMax - sndUna;
        if (ack > sndUna) {
            ackAdvance(ack, now);
            // RFC 6675 §5: the cumulative ACK moved, but what the guest SACKed above it may still
            // say that the segment now at sndUna is lost.
            if (!inRecovery && sndUna < sndMax && sackLost()) {
                enterRecovery(now);
            }
        } else if (ack == sndUna && flight > 0 && ((pureAck && wnd == sndWnd) || newSack)) {
            // RFC 5681 §2 duplicate ACK; with SACK any ACK that SACKs new data (RFC 6675 §2
            // DupAck), even one whose window changed (a Linux guest's ACKs often announce a
            // larger window, and with TSO there are a few ACKs per window, not one per segment).
            dupAcks++;
            // After a tail loss probe, a SACK of new data says the flight before it is lost (what
            // RFC 8985's RACK concludes from the send times: the probe left one PTO after them).
            if (!inRecovery && (dupAcks == 3 || sackLost() || probeSent)) {
                enterRecovery(now);
            } else if (inRecovery) {
                cwnd += sndMss;   // RFC 5681 §3.2 step 4: inflate for each segment that left
                if (sackOk) {
                    retransmitNextHole(now);   // RFC 6675 §5 (C): the scoreboard names the next loss
                }
            }
        }
        // Window update rule (RFC 9293 §3.10.7.4).
        if (sndWl1 < seq || (sndWl1 == seq && sndWl2 <= ack)) {
            boolean opened = sndWnd == 0 && wnd > 0;
            sndWnd = wnd;
            sndWl1 = seq;
            sndWl2 = ack;
            if (opened) {
                persistDeadline = NONE;
                persistBackoff = 0;
            }
        }
        return true;
    }

    private void ackAdvance(long ack, long now) {
        long acked = ack - sndUna;
        // RFC 6298 §3 (Karn): time only segments that were not retransmitted.
        if (rttSeq >= 0 && ack > rttSeq) {
            rttSample(now - rttStart);
            rttSeq = -1;
        }
        sndUna = ack;
        if (sndNxt < sndUna) {
            sndNxt = sndUna;
        }
        retries = 0;
        probeSent = false;
        // Forward progress ends the exponential backoff (as Linux does; RFC 6298 §5.7 allows
        // recomputing): otherwise, with no fresh RTT sample during go-back-N, one more loss
        // would double an already backed-off timer.
        rto = rtoFromEstimate();
        // Drop acknowledged data from the send buffer (the SYN and FIN take sequence space only).
        long dataAcked = Math.min(ack, bufStart + sendBuf.readableBytes()) - bufStart;
        if (dataAcked > 0) {
            sendBuf.skipBytes((int) dataAcked);
            sendBuf.discardReadComponents();
            bufStart += dataAcked;
        }
        sacked.headMap(ack, true).clear();
        Map.Entry<Long, Long> first = sacked.firstEntry();
        if (first != null && first.getKey() < ack) {
            sacked.remove(first.getKey());
            if (first.getValue() > ack) {
                sacked.put(ack, first.getValue());
            }
        }
        if (inRecovery) {
            if (ack >= recover) {
                // RFC 6582 §3.2 step 3: full acknowledgement, deflate.
                inRecovery = false;
                cwnd = Math.min(ssthresh, Math.max(sndMax - sndUna, sndMss) + sndMss);
                dupAcks = 0;
            } else {
                // Partial acknowledgement: the next hole went missing too.
                retransmitNextHole(now);
                cwnd = Math.max(sndMss, cwnd - acked + sndMss);
            }
        } else {
            dupAcks = 0;
            // Byte counting (RFC 3465), with no limit per ACK in slow start, as Linux counts every
            // segment a stretch ACK covers: a guest receiving TSO frames ACKs each 64 KiB once,
            // and growing by one SMSS per ACK would then take a round trip per SMSS.
            if (cwnd < ssthresh) {
                cwnd += acked;   // slow start (RFC 5681 §3.1)
            } else {
                cwnd += Math.max(1, (long) sndMss * Math.min(acked, cwnd) / cwnd);   // congestion avoidance
            }
        }
        cwnd = Math.min(cwnd, 64L << 20);
        // RFC 6298 §5.2/5.3: stop the timer when everything is acknowledged, else restart it.
        if (sndUna == sndMax) {
            rtxDeadline = NONE;
        } else {
            rtxDeadline = now + rto;
        }
        if (finSeq >= 0 && ack > finSeq) {
            ourFinAcked(now);
        }
        maybeResumeReading();
    }

    private void ourFinAcked(long now) {
        switch (state) {
            case FIN_WAIT_1 -> setState(State.FIN_WAIT_2);
            case CLOSING -> enterTimeWait(now);
            case LAST_ACK -> closeDown(false, now);
            default -> {
            }
        }
    }

    private void rttSample(long r) {
        r = Math.max(r, 1);
        if (srtt < 0) {
            srtt = r;
            rttvar = r / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
            srtt = (7 * srtt + r) / 8;
        }
        rto = rtoFromEstimate();
    }

    private long rtoFromEstimate() {
        if (srtt < 0) {
            return timers.rtoInitial;
        }
        return Math.max(timers.rtoMin, Math.min(timers.rtoMax, srtt + Math.max(1_000_000L, 4 * rttvar)));
    }

    /** Adds the SACK blocks to the scoreboard; answers whether it now covers octets it did not. */
    private boolean takeSack(int[] blocks) {
        long before = sackedBytes();
        for (int i = 0; i < blocks.length; i += 2) {
            long s = unwrap(blocks[i], sndUna);
            long e = unwrap(blocks[i + 1], sndUna);
            if (s >= e || s < sndUna || e > sndMax) {
                continue;   // RFC 2018: invalid or stale (D-SACK) blocks are ignored
            }
            Map.Entry<Long, Long> lower = sacked.floorEntry(s);
            if (lower != null && lower.getValue() >= s) {
                s = lower.getKey();
                e = Math.max(e, lower.getValue());
            }
            for (Iterator<Map.Entry<Long, Long>> it = sacked.tailMap(s, true).entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Long, Long> x = it.next();
                if (x.getKey() > e) {
                    break;
                }
                e = Math.max(e, x.getValue());
                it.remove();
            }
            sacked.put(s, e);
        }
        return sackedBytes() > before;
    }

    /**
     * RFC 6675 §4 IsLost(sndUna): more than (DupThresh - 1) * SMSS octets above it SACKed. A hole
     * under one SACKed TSO frame is a loss at once, where counting three duplicate ACKs would
     * wait for three frames.
     */
    private boolean sackLost() {
        return sackOk && !sacked.isEmpty() && sackedBytes() > 2L * sndMss;
    }

    private long sackedBytes() {
        long n = 0;
        for (Map.Entry<Long, Long> x : sacked.entrySet()) {
            n += x.getValue() - x.getKey();
        }
        return n;
    }

    private void enterRecovery(long now) {
        probeDeadline = NONE;
        // RFC 5681 §3.2 step 2 / RFC 6582: halve, retransmit the first missing segment.
        long flight = sndMax - sndUna;
        ssthresh = Math.max(flight / 2, 2L * sndMss);
        cwnd = ssthresh + 3L * sndMss;
        inRecovery = true;
        recover = sndMax;
        rescueRtx = sndUna;
        retransmitNextHole(now);
    }

    /** Retransmits the first segment at or above sndUna the guest has not SACKed and we have not just resent. */
    private void retransmitNextHole(long now) {
        long s = Math.max(sndUna, rescueRtx);
        // Skip SACKed ranges.
        for (Map.Entry<Long, Long> x : sacked.entrySet()) {
            if (x.getKey() <= s && x.getValue() > s) {
                s = x.getValue();
            }
        }
        if (s >= sndMax || (!sacked.isEmpty() && s >= sacked.lastEntry().getValue() && s > sndUna)) {
            return;
        }
        long dataEnd = bufStart + sendBuf.readableBytes();
        if (s >= dataEnd) {
            if (finSeq >= 0 && s == finSeq) {
                sendFlags(TcpPacket.FIN | TcpPacket.ACK, finSeq);   // the FIN itself went missing
                rescueRtx = finSeq + 1;
            }
            return;
        }
        Long nextSacked = sacked.ceilingKey(s + 1);
        long end = Math.min(dataEnd, nextSacked == null ? sndMax : nextSacked);
        // With offloads the whole hole goes again in one frame (up to 64 KiB): a lost TSO frame is
        // tens of segments, which one segment per ACK would take as many round trips to repair.
        int len = sendAt(s, (int) Math.min(framePayload(), end - s), now);
        rescueRtx = s + len;
        rttSeq = -1;
    }

    private void receiveData(TcpPacket seg, long seq, int dataLen, boolean push, long now) {
        int skip = 0;
        if (seq < rcvNxt) {
            skip = (int) (rcvNxt - seq);   // the front was received already
            if (skip >= dataLen) {
                ackNow = true;   // a duplicate: tell the guest where we are (perhaps with D-SACK)
                return;
            }
        }
        long start = seq + skip;
        // Trim what lies beyond the window we offered.
        int len = (int) Math.min(dataLen - skip, rcvAdv - start);
        if (len <= 0) {
            ackNow = true;
            return;
        }
        ByteBuf data = seg.buffer().retainedSlice(seg.payloadOffset() + skip, len);
        if (start == rcvNxt) {
            rcvNxt += len;
            bytesFromGuest += len;
            host.write(data);
            drainOutOfOrder();
            if (!outOfOrder.isEmpty()) {
                ackNow = true;   // RFC 5681 §4.2: filling a hole gets an immediate ACK
            }
            // RFC 5681 §4.2: an ACK for every second full-sized segment; a segment longer than
            // one (a TSO frame, Linux GRO's view) stands for several and is ACKed at once.
            unackedSegments += len > ourMss ? 2 : 1;
            if (unackedSegments >= 2) {
                ackNow = true;
            } else if (delayedAckDeadline == NONE) {
                delayedAckDeadline = now + timers.delayedAck;
            }
        } else {
            // Out of order: keep it (once) and send a duplicate ACK with SACK at once (RFC 5681 §4.2).
            ByteBuf old = outOfOrder.get(start);
            if (old == null || old.readableBytes() < len) {
                if (old != null) {
                    outOfOrderBytes -= old.readableBytes();
                    old.release();
                }
                outOfOrder.put(start, data);
                outOfOrderBytes += len;
            } else {
                data.release();
            }
            lastSackStart = start;
            ackNow = true;
        }
    }

    private void drainOutOfOrder() {
        while (!outOfOrder.isEmpty()) {
            Map.Entry<Long, ByteBuf> e = outOfOrder.firstEntry();
            long s = e.getKey();
            if (s > rcvNxt) {
                return;
            }
            outOfOrder.pollFirstEntry();
            ByteBuf b = e.getValue();
            outOfOrderBytes -= b.readableBytes();
            long end = s + b.readableBytes();
            if (end <= rcvNxt) {
                b.release();
                continue;
            }
            b.skipBytes((int) (rcvNxt - s));
            int n = b.readableBytes();
            rcvNxt += n;
            bytesFromGuest += n;
            host.write(b);
        }
    }

    private void takeGuestFin(long now) {
        if (guestFinSeq < 0 || guestFinSeq != rcvNxt) {
            return;
        }
        guestFinSeq = -2;   // taken
        rcvNxt++;
        if ((state == State.ESTABLISHED || state == State.SYN_RECEIVED) && !hostEof && outOfOrder.isEmpty()) {
            // Our side is still open and the host usually closes right after seeing EOF: the
            // ACK of this FIN waits for our own FIN (or the delayed-ACK time), as Linux delays
            // it on entering CLOSE_WAIT, so a request-response connection ends in three
            // segments instead of four.
            if (delayedAckDeadline == NONE) {
                delayedAckDeadline = now + timers.delayedAck;
            }
        } else {
            ackNow = true;
        }
        host.shutdownOutput();
        switch (state) {
            case SYN_RECEIVED, ESTABLISHED -> setState(State.CLOSE_WAIT);
            case FIN_WAIT_1 -> {
                if (finSeq >= 0 && sndUna > finSeq) {
                    enterTimeWait(now);
                } else {
                    setState(State.CLOSING);
                }
            }
            case FIN_WAIT_2 -> enterTimeWait(now);
            default -> {
            }
        }
    }

    private void enterTimeWait(long now) {
        setState(State.TIME_WAIT);
        // Bounded TIME-WAIT: 2 x MSL would be 4 minutes (RFC 9293 §3.4.2); the guest is one
        // link away, so a short quiet time is enough to absorb its retransmitted FINs.
        timeWaitDeadline = now + timers.timeWait;
        rtxDeadline = NONE;
        persistDeadline = NONE;
        keepaliveDeadline = NONE;
        host.close(false);
    }

    // ---------------------------------------------------------------- host events

    /** Data read from the host; takes the reference. */
    public void hostData(ByteBuf data, long now) {
        if (hostEof || state == State.CLOSED || state.compareTo(State.FIN_WAIT_1) >= 0 && state != State.CLOSE_WAIT) {
            data.release();
            return;
        }
        sendBuf.addComponent(true, data);
        // Many short reads (a chatty host, a guest slow to acknowledge) would each pin a pooled
        // buffer until acknowledged: merge them. Long ones are left as they are: merging the
        // megabytes of a bulk transfer's window each time it passed 64 reads cost a tenth of the
        // loop host->guest at MTU 65520.
        int parts = sendBuf.numComponents();
        if (parts > 64 && sendBuf.readableBytes() / parts < SHORT_READ) {
            sendBuf.consolidate();
        }
        if (sendBuf.readableBytes() >= sendLimit()) {
            setReading(false);
        }
        output(now);
    }

    /** The host closed its output (EOF): send FIN after the data. */
    public void hostEof(long now) {
        if (hostEof) {
            return;
        }
        hostEof = true;   // in SYN-SENT the FIN follows the handshake and the data
        output(now);
    }

    /** The host reset or failed: reset the guest. */
    public void hostReset(long now) {
        if (state == State.CLOSED || state == State.TIME_WAIT) {
            return;
        }
        if (state != State.LISTEN && state != State.SYN_SENT) {
            sendRst((int) sndNxt, rcvNxt, true);
        }
        closeDown(false, now);
    }

    /** The host took some of what we wrote: the window may open again. */
    public void hostWritten(long now) {
        if (state == State.CLOSED || !state.synchronized_() && state != State.SYN_RECEIVED) {
            return;
        }
        long right = rcvNxt + advertisableWindow();
        // RFC 9293 §3.8.6.2.2 receiver SWS avoidance: update when the window grew by
        // min(half the buffer, 2 MSS) or when it was closed.
        if (right - rcvAdv >= Math.min(rcvBufSize / 2, 2L * ourMss) || (rcvAdv <= rcvNxt && right > rcvNxt)) {
            if (rcvAdv - rcvNxt >= Math.min(rcvBufSize / 4, 4L * ourMss)) {
                // The guest still has room to send: the update rides on the next segment (a
                // request's answer, typically) or the delayed ACK, instead of a frame of its own.
                if (delayedAckDeadline == NONE) {
                    delayedAckDeadline = now + timers.delayedAck;
                }
                return;
            }
            ackNow = true;
            output(now);
        }
    }

    private long sendLimit() {
        return Math.max(256 * 1024, Math.min(MAX_SEND_BUFFER, 2 * sndWnd));
    }

    private void setReading(boolean r) {
        if (reading != r) {
            reading = r;
            host.setReading(r);
        }
    }

    private void maybeResumeReading() {
        if (!reading && !hostEof && sendBuf.readableBytes() < sendLimit() / 2) {
            setReading(true);
        }
    }

    // ---------------------------------------------------------------- output

    private void finishInput(long now) {
        output(now);
    }

    private long advertisableWindow() {
        long free = rcvBufSize - (host == null ? 0 : host.pendingBytes()) - outOfOrderBytes;
        return Math.max(0, free);
    }

    /**
     * The most payload one frame to the guest carries: a segment, or with offloads a GSO frame of
     * whole segments up to 64 KiB (cut into MSS segments by the tap or the fabric, as Linux TSO).
     * Asks the peer each time (a hub walks its ports).
     */
    private int framePayload() {
        return guest.offloads() ? Math.max(sndMss, MAX_OFFLOAD_PAYLOAD / sndMss * sndMss) : sndMss;
    }

    /** Sends what the windows allow, then a pure ACK if one is owed. */
    public void output(long now) {
        lastNow = now;
        if (state == State.CLOSED || state == State.LISTEN) {
            return;
        }
        boolean canSendData = state == State.ESTABLISHED || state == State.CLOSE_WAIT || state == State.FIN_WAIT_1
                || state == State.CLOSING || state == State.LAST_ACK;
        if (canSendData) {
            long dataEnd = bufStart + sendBuf.readableBytes();
            int burst = framePayload();   // once per call: the answer walks the peer
            while (true) {
                if (guest.busy()) {
                    if (!waitingWritable) {
                        waitingWritable = true;
                        guest.whenWritable(() -> {
                            waitingWritable = false;
                            output(lastNow);
                        });
                    }
                    break;
                }
                long inFlight = sndNxt - sndUna;
                long usable = Math.min(cwnd, sndWnd) - inFlight;
                long available = dataEnd - sndNxt;
                if (available <= 0 || usable <= 0) {
                    break;
                }
                int len = (int) Math.min(Math.min(burst, available), usable);
                if (len > sndMss && len < available) {
                    len -= len % sndMss;   // whole segments only; a short tail waits as below
                }
                // RFC 9293 §3.8.6.2.1 sender SWS avoidance: full segments, or all we have, or half the window.
                if (len < sndMss && len < available && len < sndWnd / 2 && inFlight > 0) {
                    break;
                }
                sndNxt += sendAt(sndNxt, len, now);
                if (sndNxt > sndMax) {
                    sndMax = sndNxt;
                }
            }
            if (hostEof && finSeq < 0 && sndNxt == dataEnd && !guest.busy()) {
                finSeq = dataEnd;
                sendFlags(TcpPacket.FIN | TcpPacket.ACK, finSeq);
                sndNxt = finSeq + 1;
                sndMax = Math.max(sndMax, sndNxt);
                armRtx(now);
                if (state == State.ESTABLISHED) {
                    setState(State.FIN_WAIT_1);
                } else if (state == State.CLOSE_WAIT) {
                    setState(State.LAST_ACK);
                }
            }
            // RFC 9293 §3.8.6.1: data waits and the window is zero with nothing in flight: probe.
            if (sndWnd == 0 && dataEnd > sndNxt && sndNxt == sndUna && persistDeadline == NONE) {
                persistBackoff = Math.max(rto, timers.rtoMin);
                persistDeadline = now + persistBackoff;
            }
        }
        if (ackNow) {
            sendFlags(TcpPacket.ACK, sndNxt);
        }
        armProbe(now);
    }

    /**
     * RFC 8985 §7.2: with data in flight and no recovery under way, a probe goes out 2 SRTT after
     * the last send or ACK (at least {@link #PROBE_MIN}; plus the guest's delayed-ACK allowance
     * when the flight is one segment; never after the retransmission timer). On a link a few
     * hundred microseconds long, a tail whose ACK went missing then costs milliseconds, not the
     * 200 ms of the minimum RTO.
     */
    private void armProbe(long now) {
        boolean sending = state == State.ESTABLISHED || state == State.CLOSE_WAIT || state == State.FIN_WAIT_1
                || state == State.CLOSING || state == State.LAST_ACK;
        if (!sending || sndUna >= sndMax || inRecovery || probeSent || srtt < 0 || sndWnd == 0) {
            probeDeadline = NONE;
            return;
        }
        long pto = Math.max(2 * srtt, PROBE_MIN);
        if (sndMax - sndUna <= sndMss) {
            pto += DELAYED_ACK_ALLOWANCE;
        }
        probeDeadline = now + pto < rtxDeadline ? now + pto : NONE;
    }

    /** RFC 8985 §7.3: one new segment if the windows allow, else the last one again. */
    private void sendProbe(long now) {
        if (sndUna >= sndMax || inRecovery || sndWnd == 0) {
            return;
        }
        probeSent = true;
        if (sackOk && !sacked.isEmpty()) {
            // Something above sndUna was SACKed two round trips ago and the hole is still there:
            // lost (RFC 8985 §6.2's time-based rule), though too little was SACKed for RFC 6675's.
            enterRecovery(now);
            return;
        }
        long dataEnd = bufStart + sendBuf.readableBytes();
        long usable = Math.min(cwnd, sndWnd) - (sndMax - sndUna);
        if (sndNxt == sndMax && dataEnd > sndNxt && usable > 0 && finSeq < 0) {
            sndNxt += sendAt(sndNxt, (int) Math.min(sndMss, dataEnd - sndNxt), now);
            sndMax = Math.max(sndMax, sndNxt);
        } else if (finSeq >= 0 && sndMax == finSeq + 1 && dataEnd <= sndUna) {
            sendFlags(TcpPacket.FIN | TcpPacket.ACK, finSeq);
        } else {
            long end = Math.min(sndMax, dataEnd);
            long start = Math.max(sndUna, end - sndMss);
            if (start < end) {
                sendAt(start, (int) (end - start), now);
                rttSeq = -1;
            }
        }
        rtxDeadline = now + rto;   // §7.3: the RTO is armed again after a probe
    }

    /** Sends (or resends) up to {@code len} data octets at {@code seq}, with ACK, window and SACK; answers how many. */
    private int sendAt(long seq, int len, long now) {
        int[] blocks = sackBlocks();
        int room = Math.max(1, sndMss - (blocks.length == 0 ? 0 : 4 + 4 * blocks.length));
        // Longer than a segment only from output() with offloads on (retransmissions ask for
        // one MSS at most, which SACK options may still make too long: those are cut here).
        int segmentSize = 0;
        if (len > sndMss) {
            segmentSize = room;
        } else {
            len = Math.min(len, room);
        }
        long dataEnd = bufStart + sendBuf.readableBytes();
        int flags = TcpPacket.ACK | (seq + len == dataEnd ? TcpPacket.PSH : 0);
        TcpRepr h = new TcpRepr(localPort, guestPort, (int) seq, (int) rcvNxt, flags, windowField(), 0, -1, false,
                blocks, false, 0, 0, len);
        if (seq < sndMax) {
            retransmits++;
        }
        if (guest.emit(h, sendBuf, sendBuf.readerIndex() + (int) (seq - bufStart), len, segmentSize)) {
            bytesToGuest += len;
        }
        ackSent();
        if (rtxDeadline == NONE) {
            rtxDeadline = now + rto;
        }
        if (rttSeq < 0 && seq == sndMax) {
            rttSeq = seq;
            rttStart = now;
        }
        return len;
    }

    private void sendFlags(int flags, long seq) {
        TcpRepr h = new TcpRepr(localPort, guestPort, (int) seq, (int) rcvNxt, flags, windowField(), 0, -1, false,
                sackBlocks(), false, 0, 0, 0);
        guest.emit(h, sendBuf, 0, 0, 0);
        ackSent();
    }

    private void ackSent() {
        ackNow = false;
        unackedSegments = 0;
        delayedAckDeadline = NONE;
    }

    /** The Window field: what we can take, never shrinking the right edge already offered (RFC 9293 §3.8.6.2.1). */
    private int windowField() {
        long w = Math.max(advertisableWindow(), rcvAdv - rcvNxt);
        int shift = Math.max(0, rcvShift);
        long max = rcvShift < 0 ? 0xFFFF : 0xFFFFL << shift;
        w = Math.min(w, max);
        int field = (int) (w >>> shift);
        rcvAdv = Math.max(rcvAdv, rcvNxt + ((long) field << shift));
        return field;
    }

    /** Up to three SACK blocks from the out-of-order queue, the latest first (RFC 2018 §4). */
    private int[] sackBlocks() {
        if (!sackOk || outOfOrder.isEmpty()) {
            return NO_BLOCKS;
        }
        long[] ranges = new long[8];
        int n = 0;
        long curS = -1;
        long curE = -1;
        for (Map.Entry<Long, ByteBuf> e : outOfOrder.entrySet()) {
            long s = e.getKey();
            long end = s + e.getValue().readableBytes();
            if (curS >= 0 && s <= curE) {
                curE = Math.max(curE, end);
            } else {
                if (curS >= 0 && n < 8) {
                    ranges[n++] = curS;
                    ranges[n++] = curE;
                }
                curS = s;
                curE = end;
            }
        }
        if (n < 8) {
            ranges[n++] = curS;
            ranges[n++] = curE;
        }
        int count = Math.min(n / 2, 3);
        int[] out = new int[count * 2];
        int at = 0;
        // The block holding the latest arrival first, then the others in order.
        int first = -1;
        for (int i = 0; i < n; i += 2) {
            if (lastSackStart >= ranges[i] && lastSackStart < ranges[i + 1]) {
                first = i;
            }
        }
        if (first >= 0) {
            out[at++] = (int) ranges[first];
            out[at++] = (int) ranges[first + 1];
        }
        for (int i = 0; i < n && at < out.length; i += 2) {
            if (i != first) {
                out[at++] = (int) ranges[i];
                out[at++] = (int) ranges[i + 1];
            }
        }
        return out;
    }

    private void sendRst(int seq, long ack, boolean withAck) {
        TcpRepr h = TcpRepr.of(localPort, guestPort, seq, withAck ? (int) ack : 0,
                TcpPacket.RST | (withAck ? TcpPacket.ACK : 0), 0, 0);
        guest.emit(h, sendBuf, 0, 0, 0);
    }

    private void armRtx(long now) {
        if (rtxDeadline == NONE) {
            rtxDeadline = now + rto;
        }
    }

    private void startKeepalive(long now) {
        keepaliveDeadline = now + timers.keepIdle;
    }

    // ---------------------------------------------------------------- timers

    public long nextDeadline() {
        long d = rtxDeadline;
        d = Math.min(d, probeDeadline);
        d = Math.min(d, persistDeadline);
        d = Math.min(d, delayedAckDeadline);
        d = Math.min(d, timeWaitDeadline);
        d = Math.min(d, keepaliveDeadline);
        return d;
    }

    public void poll(long now) {
        if (state == State.CLOSED) {
            return;
        }
        if (timeWaitDeadline <= now) {
            timeWaitDeadline = NONE;
            closeDown(false, now);
            return;
        }
        if (rtxDeadline <= now) {
            rtxDeadline = NONE;
            retransmitTimeout(now);
            if (state == State.CLOSED) {
                return;
            }
        }
        if (probeDeadline <= now) {
            probeDeadline = NONE;
            sendProbe(now);
        }
        if (persistDeadline <= now) {
            persistDeadline = NONE;
            zeroWindowProbe(now);
        }
        if (delayedAckDeadline <= now) {
            delayedAckDeadline = NONE;
            ackNow = true;
            output(now);
        }
        if (keepaliveDeadline <= now) {
            keepalive(now);
        }
    }

    private void retransmitTimeout(long now) {
        if (sndUna >= sndMax) {
            return;
        }
        timeouts++;
        probeDeadline = NONE;
        if (++retries > timers.maxRetries) {
            // RFC 9293 §3.8.3 R2: give up, reset both sides.
            if (state != State.SYN_SENT) {
                sendRst((int) sndNxt, rcvNxt, true);
            }
            closeDown(true, now);
            return;
        }
        // RFC 6298 §5.5-5.7: back off, resend the earliest unacknowledged segment.
        rto = Math.min(timers.rtoMax, rto * 2);
        rttSeq = -1;
        if (state == State.SYN_SENT || state == State.SYN_RECEIVED) {
            sndNxt = iss;
            sendSyn(now);
            rtxDeadline = now + rto;
            return;
        }
        // RFC 5681 §3.1 eq. 4: ssthresh = max(FlightSize / 2, 2 SMSS); cwnd = 1 SMSS.
        ssthresh = Math.max((sndMax - sndUna) / 2, 2L * sndMss);
        cwnd = sndMss;
        inRecovery = false;
        dupAcks = 0;
        sacked.clear();   // RFC 2018 §8: the receiver may have dropped what it SACKed
        long dataEnd = bufStart + sendBuf.readableBytes();
        sndNxt = sndUna;
        if (finSeq >= 0 && sndUna >= finSeq) {
            sendFlags(TcpPacket.FIN | TcpPacket.ACK, finSeq);
            sndNxt = finSeq + 1;
        } else if (sndUna < dataEnd) {
            sndNxt = sndUna + sendAt(sndUna, (int) Math.min(sndMss, dataEnd - sndUna), now);
        }
        rtxDeadline = now + rto;
    }

    private void zeroWindowProbe(long now) {
        long dataEnd = bufStart + sendBuf.readableBytes();
        if (sndWnd > 0 || dataEnd <= sndNxt || state == State.CLOSED) {
            return;
        }
        // RFC 9293 §3.8.6.1: one octet beyond the window; the guest answers with its window.
        // SND.NXT stays: if the guest refuses the octet, the window update sends it again.
        sendAt(sndNxt, 1, now);
        sndMax = Math.max(sndMax, sndNxt + 1);
        rtxDeadline = NONE;   // a lost probe is not a loss; the persist timer goes on
        persistBackoff = Math.min(timers.rtoMax, persistBackoff * 2);
        persistDeadline = now + persistBackoff;
    }

    private void keepalive(long now) {
        if (!(state == State.ESTABLISHED || state == State.CLOSE_WAIT)) {
            keepaliveDeadline = NONE;
            return;
        }
        if (now - lastActivity < timers.keepIdle && keepaliveSent == 0) {
            keepaliveDeadline = lastActivity + timers.keepIdle;
            return;
        }
        if (keepaliveSent >= timers.keepProbes) {
            sendRst((int) sndNxt, rcvNxt, true);
            closeDown(true, now);
            return;
        }
        // RFC 1122 §4.2.3.6: SEG.SEQ = SND.NXT - 1, no data; the guest answers with an ACK.
        sendFlags(TcpPacket.ACK, sndNxt - 1);
        keepaliveSent++;
        keepaliveDeadline = now + timers.keepInterval;
    }

    // ---------------------------------------------------------------- closing

    /** Closes both sides at once (QMP, netdev_del, table eviction): RST to the guest, reset the host. */
    public void abort(long now) {
        if (state == State.CLOSED) {
            return;
        }
        if (state != State.LISTEN && state != State.TIME_WAIT) {
            sendRst((int) sndNxt, rcvNxt, true);
        }
        closeDown(true, now);
    }

    private void closeDown(boolean abort, long now) {
        if (state == State.CLOSED) {
            return;
        }
        setState(State.CLOSED);
        rtxDeadline = NONE;
        persistDeadline = NONE;
        delayedAckDeadline = NONE;
        keepaliveDeadline = NONE;
        timeWaitDeadline = NONE;
        for (ByteBuf b : outOfOrder.values()) {
            b.release();
        }
        outOfOrder.clear();
        outOfOrderBytes = 0;
        sendBuf.release();
        if (host != null) {
            host.close(abort);
        }
    }

    public boolean isClosed() {
        return state == State.CLOSED;
    }

    /** 32-bit wire value to the 64-bit counter nearest {@code ref}. */
    static long unwrap(int wire, long ref) {
        return ref + (int) (wire - (int) ref);
    }

    @Override
    public String toString() {
        return "tcp " + localPort + "<->" + guestPort + " " + state + " una " + sndUna + " nxt " + sndNxt + " max " + sndMax
                + " wnd " + sndWnd + " cwnd " + cwnd + " buf " + bufStart + "+" + (state == State.CLOSED ? -1 : sendBuf.readableBytes())
                + " rcvNxt " + rcvNxt + " rcvAdv " + rcvAdv + " rto " + rto + " rtx " + rtxDeadline + " persist " + persistDeadline
                + " rtx# " + retransmits + " rto# " + timeouts + " recovery " + inRecovery + " sacked " + sacked + " fin " + finSeq + " eof " + hostEof + " reading " + reading;
    }
}
