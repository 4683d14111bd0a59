package io.netfabric.nic;

import io.netfabric.core.NetClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/** A netdev stand-in: records what the NIC sends, sends frames to it, can play busy. */
final class TestBackend extends NetClient {
    final List<byte[]> received = new ArrayList<>();
    boolean busy;
    int linkChanges;

    TestBackend(String name) {
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

    /** Sends {@code bytes} to the peer as a pooled frame. */
    int sendBytes(byte[] bytes) {
        return send(PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes));
    }

    void ready() {
        busy = false;
        flushQueued();
    }
}
