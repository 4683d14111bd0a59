package io.netfabric.core;

/** Why a frame was dropped; each has its own counter on the client that dropped it. */
public enum DropReason {
    /** The sender's link is down (set_link ... up=false). */
    SENDER_LINK_DOWN,
    /** The sender has no peer: nothing to deliver to. */
    NO_PEER,
    /** The receiver's link is down. */
    RECEIVER_LINK_DOWN,
    /** The receiver's incoming queue held 10000 frames already (net/queue.c nq_maxlen). */
    QUEUE_FULL,
    /** Longer than NET_BUFSIZE (69632) bytes, or empty. */
    BAD_LENGTH,
    /** The receiver refused the frame with an error (QEMU: receive returned < 0). */
    RECEIVER_ERROR,
    /** A frame this client's own parser rejected (counted by backends). */
    MALFORMED,
    /** A NIC's receive filter refused the frame: the guest did not ask for that address. */
    RX_FILTER;

    static final DropReason[] VALUES = values();
}
