package io.netfabric.wire.l2tpv3;

/**
 * Where the fields of an L2TPv3 data header sit for one tunnel, as QEMU's net/l2tpv3.c
 * {@code net_init_l2tpv3} computes them: the UDP flags/version word (UDP only), the session id,
 * an optional cookie, an optional counter, then {@code padding} octets before the frame.
 *
 * <pre>
 * UDP:  | flags/ver (4) | session (4) | cookie (0/4/8) | counter (0/4) | padding (0..256) | frame
 * IP:                   | session (4) | cookie (0/4/8) | counter (0/4) | padding (0..256) | frame
 * </pre>
 *
 * @param udp          true over UDP (RFC 3931 §4.1.2.2), false over IP protocol 115 (§4.1.2.1)
 * @param cookieLength 0, 4 or 8 octets (§4.1: "a variable length (32 or 64 bits) value")
 * @param counter      true when a 32-bit counter field follows the cookie (QEMU's
 *                     {@code counter=on}; not RFC 4719's L2-specific sublayer)
 * @param padding      extra octets between the header and the frame, 0..256 (QEMU's {@code offset})
 */
public record L2tpv3Layout(boolean udp, int cookieLength, boolean counter, int padding) {
    /** The word QEMU and Linux put in front of a data message over UDP: T=0, Ver=3 (§4.1.2.2). */
    public static final int DATA_FLAGS_VERSION = 0x0003_0000;
    /** The T bit of the flags word: set on control messages, which carry no frame. */
    public static final int FLAG_T = 0x8000_0000;
    /** QEMU's limit on {@code offset} (net_init_l2tpv3: "offset must be less than 256 bytes", yet 256 passes). */
    public static final int MAX_PADDING = 256;

    public L2tpv3Layout {
        if (cookieLength != 0 && cookieLength != 4 && cookieLength != 8) {
            throw new IllegalArgumentException("cookieLength must be 0, 4 or 8: " + cookieLength);
        }
        if (padding < 0 || padding > MAX_PADDING) {
            throw new IllegalArgumentException("padding out of range: " + padding);
        }
    }

    public int sessionOffset() {
        return udp ? 4 : 0;
    }

    public int cookieOffset() {
        return sessionOffset() + 4;
    }

    public int counterOffset() {
        return cookieOffset() + cookieLength;
    }

    /** Offset of the padding; equals {@link #counterOffset()} when there is no counter. */
    public int paddingOffset() {
        return counterOffset() + (counter ? 4 : 0);
    }

    /** Octets from the start of the L2TPv3 header to the first octet of the frame. */
    public int headerLength() {
        return paddingOffset() + padding;
    }
}
