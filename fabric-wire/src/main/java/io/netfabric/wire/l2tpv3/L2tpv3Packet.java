package io.netfabric.wire.l2tpv3;

import io.netfabric.wire.Malformed;
import io.netty.buffer.ByteBuf;

/**
 * Flyweight view of an L2TPv3 data message carrying an Ethernet frame (RFC 3931 §4.1 and
 * §4.1.2; RFC 4719 for Ethernet), its optional fields placed by an {@link L2tpv3Layout}.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |T|x|x|x|x|x|x|x|x|x|x|x|  Ver  |          Reserved             |  UDP only (§4.1.2.2)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Session ID                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Cookie (optional, maximum 64 bits)...           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Counter (optional, QEMU's counter=on)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Padding (optional, QEMU's offset=N)...          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Ethernet frame (no FCS) ...                     |
 * </pre>
 *
 * <p>Borrows its buffer (never retains or releases). Absolute indexing. Not thread safe.
 */
public final class L2tpv3Packet {
    private ByteBuf buf;
    private int offset;
    private int length;
    private L2tpv3Layout layout;
    private Malformed malformed;

    /**
     * Wraps {@code length} octets at absolute {@code offset} after checking that the header the
     * layout describes fits. A message with an empty frame passes; the receiver decides. On
     * false, {@link #malformed()} says why.
     */
    public boolean wrapChecked(ByteBuf buf, int offset, int length, L2tpv3Layout layout) {
        wrap(buf, offset, length, layout);
        boolean fits = offset >= 0 && length >= layout.headerLength()
                && (long) offset + length <= buf.capacity();
        malformed = fits ? null : Malformed.TRUNCATED;
        return fits;
    }

    /** Wraps without checks, for emission into a buffer the caller sized. */
    public L2tpv3Packet wrap(ByteBuf buf, int offset, int length, L2tpv3Layout layout) {
        this.buf = buf;
        this.offset = offset;
        this.length = length;
        this.layout = layout;
        this.malformed = null;
        return this;
    }

    public Malformed malformed() {
        return malformed;
    }

    public L2tpv3Layout layout() {
        return layout;
    }

    /** The UDP flags/version word; 0 over IP, which has none. */
    public int flagsVersion() {
        return layout.udp() ? buf.getInt(offset) : 0;
    }

    /** True for a control message (T bit set): only possible over UDP (§4.1.2.2). */
    public boolean isControl() {
        return (flagsVersion() & L2tpv3Layout.FLAG_T) != 0;
    }

    /** The Session ID, unsigned 32 bits. Zero over IP marks a control message (§4.1.1.1). */
    public long sessionId() {
        return buf.getUnsignedInt(offset + layout.sessionOffset());
    }

    /** The cookie as an unsigned number (a 32-bit cookie in the low half); 0 when there is none. */
    public long cookie() {
        int at = offset + layout.cookieOffset();
        return switch (layout.cookieLength()) {
            case 4 -> buf.getUnsignedInt(at);
            case 8 -> buf.getLong(at);
            default -> 0;
        };
    }

    /** The counter, unsigned 32 bits; 0 when the layout has none. */
    public long counter() {
        return layout.counter() ? buf.getUnsignedInt(offset + layout.counterOffset()) : 0;
    }

    /** Absolute index of the frame's first octet. */
    public int payloadOffset() {
        return offset + layout.headerLength();
    }

    public int payloadLength() {
        return length - layout.headerLength();
    }

    public void setFlagsVersion(int word) {
        if (layout.udp()) {
            buf.setInt(offset, word);
        }
    }

    public void setSessionId(long session) {
        buf.setInt(offset + layout.sessionOffset(), (int) session);
    }

    /** Writes the cookie's low {@code cookieLength} octets; nothing when the layout has none. */
    public void setCookie(long cookie) {
        int at = offset + layout.cookieOffset();
        switch (layout.cookieLength()) {
            case 4 -> buf.setInt(at, (int) cookie);
            case 8 -> buf.setLong(at, cookie);
            default -> { }
        }
    }

    public void setCounter(long counter) {
        if (layout.counter()) {
            buf.setInt(offset + layout.counterOffset(), (int) counter);
        }
    }

    /** Zeroes the padding (QEMU sends whatever its header buffer held; zeros are as good). */
    public void clearPadding() {
        buf.setZero(offset + layout.paddingOffset(), layout.padding());
    }

    /** {@code L2TPv3 session 0x11111111 cookie 0xdeadbeef counter 1, length 60}. */
    @Override
    public String toString() {
        if (buf == null) {
            return "L2tpv3Packet(unwrapped)";
        }
        if (malformed != null) {
            return "L2tpv3Packet(" + malformed + ", length " + length + ")";
        }
        StringBuilder sb = new StringBuilder("L2TPv3 session 0x").append(Long.toHexString(sessionId()));
        if (layout.cookieLength() != 0) {
            sb.append(" cookie 0x").append(Long.toHexString(cookie()));
        }
        if (layout.counter()) {
            sb.append(" counter ").append(counter());
        }
        return sb.append(", length ").append(payloadLength()).toString();
    }
}
