package io.netfabric.wire.l2tpv3;

import io.netfabric.wire.Malformed;
import io.netfabric.wire.ParseResult;

/**
 * An L2TPv3 data header as a value. The padding is not part of the value: it is zeros on
 * emission and ignored on parse.
 *
 * @param layout        where the fields sit
 * @param sessionId     unsigned 32 bits
 * @param cookie        unsigned; only the low 32 bits count with a 4-octet cookie
 * @param counter       unsigned 32 bits; ignored when the layout has no counter
 * @param payloadLength octets of the Ethernet frame that follows
 */
public record L2tpv3Repr(L2tpv3Layout layout, long sessionId, long cookie, long counter, int payloadLength) {
    public L2tpv3Repr {
        if (sessionId < 0 || sessionId > 0xFFFF_FFFFL || counter < 0 || counter > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("session or counter out of range");
        }
        if (payloadLength < 0) {
            throw new IllegalArgumentException("payloadLength < 0");
        }
    }

    /**
     * Reads a view that passed {@link L2tpv3Packet#wrapChecked}. Refuses a control message
     * (T bit) with {@link Malformed#UNSUPPORTED}: it carries no frame. The version is not
     * checked, as neither QEMU nor Linux checks it on data messages.
     */
    public static ParseResult<L2tpv3Repr> parse(L2tpv3Packet p) {
        if (p.isControl()) {
            return ParseResult.malformed(Malformed.UNSUPPORTED);
        }
        return ParseResult.ok(new L2tpv3Repr(p.layout(), p.sessionId(), p.cookie(), p.counter(), p.payloadLength()));
    }

    public int headerLength() {
        return layout.headerLength();
    }

    /** Writes the whole header, padding zeroed; the frame goes at {@link L2tpv3Packet#payloadOffset()}. */
    public void emit(L2tpv3Packet p) {
        p.setFlagsVersion(L2tpv3Layout.DATA_FLAGS_VERSION);
        p.setSessionId(sessionId);
        p.setCookie(cookie);
        p.setCounter(counter);
        p.clearPadding();
    }
}
