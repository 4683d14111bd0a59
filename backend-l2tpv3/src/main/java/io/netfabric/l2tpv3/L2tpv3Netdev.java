package io.netfabric.l2tpv3;

import io.netfabric.core.DropReason;
import io.netfabric.core.NetClient;
import io.netfabric.core.SentCallback;
import io.netfabric.wire.l2tpv3.L2tpv3Layout;
import io.netfabric.wire.l2tpv3.L2tpv3Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code l2tpv3} netdev: Ethernet frames from its peer leave as L2TPv3 data messages
 * (RFC 3931 §4.1) through a {@link Tunnel}; data messages that carry this netdev's session and
 * cookie come back as frames. QEMU's net/l2tpv3.c.
 *
 * <h2>Frame ownership</h2>
 * {@link #receive} copies the frame behind a freshly written header into one pooled direct
 * buffer and releases the frame; the tunnel takes that buffer. {@link #datagramReceived} takes a
 * datagram's reference and either hands it on as the frame (reader index moved past the header)
 * or releases it.
 *
 * <h2>Back-pressure</h2>
 * When the fabric queues a received frame for a busy peer, the tunnel stops reading until the
 * frame's {@link SentCallback} fires (QEMU: {@code l2tpv3_read_poll(s, false)} until
 * {@code l2tpv3_send_completed}). While the socket cannot take more, {@link #canReceive()} is
 * false and the fabric holds frames for us; the tunnel calls {@link #flushQueued()} when it can.
 */
public final class L2tpv3Netdev extends NetClient {
    private static final Logger log = LoggerFactory.getLogger(L2tpv3Netdev.class);

    private final L2tpv3Settings settings;
    private final L2tpv3Layout layout;
    private final Tunnel tunnel;
    private final L2tpv3Packet view = new L2tpv3Packet();
    private final L2tpv3Stats stats = new L2tpv3Stats();
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final SentCallback resume = (client, len) -> resumeReading();
    private long txCounter;
    private boolean headerMismatchReported;
    private boolean readingPaused;
    private boolean closed;

    L2tpv3Netdev(String name, L2tpv3Settings settings, Tunnel tunnel) {
        super(name, "l2tpv3");
        this.settings = settings;
        this.layout = settings.layout();
        this.tunnel = tunnel;
    }

    void start() {
        tunnel.start(this);
    }

    /** The header every datagram of this netdev carries, both ways. */
    public L2tpv3Layout layout() {
        return layout;
    }

    public L2tpv3Stats stats() {
        return stats;
    }

    @Override
    public String info() {
        return "l2tpv3: connected";
    }

    // ---------------------------------------------------------------- frames out

    @Override
    protected boolean canReceive() {
        return tunnel.writable();
    }

    @Override
    protected int receive(ByteBuf frame) {
        int len = frame.readableBytes();
        int hdr = layout.headerLength();
        if (hdr + len > tunnel.maxDatagram()) {
            // One datagram cannot carry it (QEMU: sendmsg fails with EMSGSIZE and the frame is lost).
            stats.oversized++;
            counters().drop(DropReason.BAD_LENGTH);
            frame.release();
            return len;
        }
        ByteBuf d = alloc.directBuffer(hdr + len);
        try {
            d.writerIndex(hdr);
            view.wrap(d, 0, hdr, layout);
            view.setFlagsVersion(L2tpv3Layout.DATA_FLAGS_VERSION);
            view.setSessionId(settings.txSession());
            view.setCookie(settings.txCookie());
            if (layout.counter()) {
                // net/l2tpv3.c l2tpv3_form_header: pre-incremented, so the first frame carries 1.
                view.setCounter(settings.pinCounter() ? 0 : ++txCounter & 0xFFFF_FFFFL);
            }
            view.clearPadding();
            d.writeBytes(frame, frame.readerIndex(), len);
        } finally {
            frame.release();
        }
        tunnel.send(d);
        return len;
    }

    // ---------------------------------------------------------------- frames in

    /**
     * One datagram from the tunnel, its L2TPv3 header at {@code headerStart}. Takes the
     * reference. Answers what {@code sendAsync} answered, or the length when dropped.
     */
    int datagramReceived(ByteBuf datagram, int headerStart) {
        int length = datagram.writerIndex() - headerStart;
        String mismatch = check(datagram, headerStart, length);
        if (mismatch != null) {
            counters().drop(DropReason.MALFORMED);
            reportOnce(mismatch);
            datagram.release();
            return length;
        }
        datagram.readerIndex(view.payloadOffset());
        int r = sendAsync(datagram, resume);
        if (r == 0 && !readingPaused) {
            readingPaused = true;
            tunnel.pauseReading();
        }
        return r;
    }

    /** A datagram larger than the tunnel's receive slot (truncated by the kernel): counted, released. */
    void oversizedReceived(ByteBuf datagram) {
        stats.oversized++;
        counters().drop(DropReason.BAD_LENGTH);
        reportOnce(null);
        datagram.release();
    }

    /**
     * QEMU's l2tpv3_verify_header and the {@code data_size > 0} test before it. Answers null when
     * the datagram carries a frame for us, else QEMU's message for the first failure (or "" for
     * failures QEMU has no message of its own for).
     */
    private String check(ByteBuf datagram, int headerStart, int length) {
        if (!view.wrapChecked(datagram, headerStart, length, layout) || view.payloadLength() <= 0) {
            stats.tooShort++;
            return "";
        }
        if (view.isControl()) {
            // Not in QEMU, which forwards control messages as frames; they are not Ethernet.
            stats.controlMessages++;
            return "";
        }
        // QEMU checks the cookie first, then the session; neither the flags word nor the counter.
        if (layout.cookieLength() != 0 && view.cookie() != settings.rxCookie()) {
            stats.cookieMismatch++;
            return "unknown cookie id";
        }
        if (view.sessionId() != settings.rxSession()) {
            stats.sessionMismatch++;
            return "session mismatch";
        }
        return null;
    }

    /** QEMU reports the first bad datagram of a netdev's life, then drops silently. */
    private void reportOnce(String reason) {
        if (headerMismatchReported) {
            log.debug("{}: dropped a datagram ({})", name(), stats);
            return;
        }
        headerMismatchReported = true;
        if (reason != null && !reason.isEmpty()) {
            log.warn("{}: {}", name(), reason);
        }
        log.warn("{}: l2tpv3 header verification failed", name());
    }

    private void resumeReading() {
        if (readingPaused && !closed) {
            readingPaused = false;
            tunnel.resumeReading();
        }
    }

    @Override
    protected void cleanup() {
        closed = true;
        tunnel.close();
    }
}
