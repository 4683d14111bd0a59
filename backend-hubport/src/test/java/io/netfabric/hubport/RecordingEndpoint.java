package io.netfabric.hubport;

import io.netfabric.core.NetClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;

/** A backend stand-in that records what reaches it and can play busy. */
final class RecordingEndpoint extends NetClient {
    final List<byte[]> received = new ArrayList<>();
    boolean busy;
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
        frame.release();
        return len;
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
