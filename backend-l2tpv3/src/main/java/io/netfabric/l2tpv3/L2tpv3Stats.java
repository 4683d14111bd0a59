package io.netfabric.l2tpv3;

/**
 * Why an l2tpv3 netdev dropped datagrams or frames, beyond the fabric's own counters (each of
 * these also counts as {@code MALFORMED} or {@code BAD_LENGTH} there). Plain fields written on
 * the fabric's event loop; read them through {@code Fabric.call}.
 */
public final class L2tpv3Stats {
    long sessionMismatch;
    long cookieMismatch;
    long tooShort;
    long controlMessages;
    long oversized;
    long sendErrors;

    /** Datagrams whose session id was not {@code rxsession}. */
    public long sessionMismatch() {
        return sessionMismatch;
    }

    /** Datagrams whose cookie was not {@code rxcookie}. */
    public long cookieMismatch() {
        return cookieMismatch;
    }

    /** Datagrams no longer than the header: no frame in them (QEMU: {@code data_size > 0} fails). */
    public long tooShort() {
        return tooShort;
    }

    /** Datagrams with the T bit set: L2TP control messages, which carry no frame. */
    public long controlMessages() {
        return controlMessages;
    }

    /** Datagrams larger than a receive slot, and frames too large for one datagram. */
    public long oversized() {
        return oversized;
    }

    /** Frames the socket refused (buffer full, unreachable, ...). */
    public long sendErrors() {
        return sendErrors;
    }

    @Override
    public String toString() {
        return "session_mismatch=" + sessionMismatch + " cookie_mismatch=" + cookieMismatch
                + " too_short=" + tooShort + " control=" + controlMessages + " oversized=" + oversized
                + " send_errors=" + sendErrors;
    }
}
