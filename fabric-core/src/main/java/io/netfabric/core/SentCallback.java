package io.netfabric.core;

/**
 * Told when a frame that was queued for a busy receiver has finally been delivered (or purged),
 * as QEMU's {@code NetPacketSent}. A sender that got 0 back from
 * {@link NetClient#sendAsync(io.netty.buffer.ByteBuf, SentCallback)} stops producing until this
 * fires: that is how fd-backed backends apply back-pressure (QEMU net/queue.c, §1.4).
 */
@FunctionalInterface
public interface SentCallback {
    /** @param result the receiver's result: positive when delivered, 0 when purged. */
    void sent(NetClient sender, int result);
}
