package io.netfabric.hubport;

import io.netfabric.core.NetClient;
import io.netty.buffer.ByteBuf;

/**
 * One port of a {@link Hub}, a net client of model {@code hub}. Its peer is a backend or a NIC;
 * what the peer sends is flooded to the hub's other ports, and what they flood is sent to the
 * peer.
 */
public final class HubPort extends NetClient {
    private final Hub hub;

    HubPort(String name, Hub hub) {
        super(name, "hub");
        this.hub = hub;
    }

    public Hub hub() {
        return hub;
    }

    @Override
    public int hubId() {
        return hub.id();
    }

    @Override
    protected boolean isHubPort() {
        return true;
    }

    @Override
    protected int receive(ByteBuf frame) {
        return hub.flood(this, frame);
    }

    /** Offloaded frames cross the hub whole while another member takes them; see {@link Hub}. */
    @Override
    public boolean acceptsOffload() {
        return hub.acceptsOffload(this);
    }

    @Override
    protected int receiveOffloaded(ByteBuf frame, long offload) {
        return hub.flood(this, frame, offload);
    }

    @Override
    protected boolean canReceive() {
        return hub.canReceive(this);
    }

    @Override
    protected boolean peerFlushed() {
        return hub.flushOthers(this);
    }

    boolean flushQueuedFromPeers() {
        return flushIncoming();
    }

    @Override
    protected void cleanup() {
        hub.detach(this);
    }
}
