package io.netfabric.hubport;

import io.netfabric.core.NetClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;

/** A backend stand-in that records what reaches it and can play busy, with or without offloads. */
final class RecordingEndpoint extends NetClient {
    final List<byte[]> received = new ArrayList<>();
    /** The offload descriptor of each received frame (0 for ordinary ones). */
    final List<Long> offloads = new ArrayList<>();
    boolean busy;
    boolean takesOffload;
    int linkChanges;

    RecordingEndpoint(String name) {
        super(name, "test");
    }

    @Override
    protected int receive(ByteBuf frame) {
        if (busy) {
            return 0;
        }
        int len = frame.readableBytes();
        received.add(ByteBufUtil.getBytes(frame));
        offloads.add(0L);
        frame.release();
        return len;
    }

    @Override
    public boolean acceptsOffload() {
        return takesOffload;
    }

    @Override
    protected int receiveOffloaded(ByteBuf frame, long offload) {
        int ret = receive(frame);
        if (ret > 0) {
            offloads.set(offloads.size() - 1, offload);
        }
        return ret;
    }

    @Override
    protected boolean canReceive() {
        return !busy;
    }

    @Override
    protected void linkStatusChanged() {
        linkChanges++;
    }

    void ready() {
        busy = false;
        flushQueued();
    }
}
