package io.netfabric.wire;

import io.netty.buffer.ByteBuf;

/**
 * What every flyweight view shares (STYLE.md habits 1 and 2): a borrowed region of a
 * {@link ByteBuf} at an absolute offset, checked once by {@link #wrapChecked} so that accessors
 * cannot fail afterwards, or taken as is by {@link #wrap} for emission into a buffer the caller
 * sized. Views never retain or release the buffer; one instance is reused, so wrapping
 * allocates nothing. Not thread safe.
 *
 * @param <V> the view's own type, which {@link #wrap} returns
 */
public abstract class WireView<V extends WireView<V>> {
    /** The wrapped buffer, read and written at absolute indices. */
    protected ByteBuf buf;
    /** Absolute index of the view's first octet. */
    protected int offset;
    /** Octets of the wrapped region (the view's own length fields may say less). */
    protected int length;
    private Malformed malformed;

    /**
     * Wraps {@code length} octets at absolute {@code offset} after the view's checks; on false,
     * {@link #malformed()} says why and no accessor may be used.
     */
    public final boolean wrapChecked(ByteBuf buf, int offset, int length) {
        wrap(buf, offset, length);
        Malformed m = check();
        malformed = m;
        return m == null;
    }

    /** Wraps without checks, for emission into a buffer the caller sized. */
    @SuppressWarnings("unchecked")
    public final V wrap(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.offset = offset;
        this.length = length;
        this.malformed = null;
        return (V) this;
    }

    /** The view's own checks of the wrapped region: null when it holds a valid header. */
    protected abstract Malformed check();

    /** True when the region lies inside the buffer and holds at least {@code minLength} octets. */
    protected final boolean regionHolds(int minLength) {
        return offset >= 0 && length >= minLength && (long) offset + length <= buf.capacity();
    }

    /** Why the last {@link #wrapChecked} failed, or null. */
    public final Malformed malformed() {
        return malformed;
    }

    public final ByteBuf buffer() {
        return buf;
    }

    public final int offset() {
        return offset;
    }
}
