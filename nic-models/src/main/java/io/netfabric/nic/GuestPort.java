package io.netfabric.nic;

import io.netty.buffer.ByteBuf;

/**
 * The emulator's side of a {@link Nic}: where the frames the guest accepted go, and what the
 * NIC tells the device model. All calls come on the fabric's event loop.
 */
public interface GuestPort {
    /**
     * A frame that passed the receive filter (QEMU's {@code receive}). Answer its length (> 0)
     * when the guest took it: the port then owns the reference and releases it. Answer 0 when
     * the guest has no room now (no receive buffers): the frame is NOT taken, the fabric queues
     * it and every later one, until the emulator calls {@link Nic#flushQueued()} (QEMU's
     * {@code qemu_flush_queued_packets} when the guest posts buffers). Answer < 0 after
     * releasing the frame to drop it as an error.
     */
    int receive(ByteBuf frame);

    /** QEMU's {@code can_receive}: false holds frames in the NIC's queue until a flush. */
    default boolean canReceive() {
        return true;
    }

    /**
     * {@code set_link} changed the NIC's link (QEMU's {@code link_status_changed}: e1000 clears
     * STATUS.LU and raises LSC, virtio-net clears VIRTIO_NET_S_LINK_UP and raises a config
     * interrupt).
     */
    default void linkChanged(boolean up) {
    }

    /**
     * virtio-net only: {@code announce-self} asks the guest to announce itself (QEMU sets
     * VIRTIO_NET_S_ANNOUNCE and raises a config interrupt; the guest answers with its own
     * gratuitous ARPs and VIRTIO_NET_CTRL_ANNOUNCE_ACK). Called only when the guest negotiated
     * GUEST_ANNOUNCE and CTRL_VQ.
     */
    default void announceRequested() {
    }
}
