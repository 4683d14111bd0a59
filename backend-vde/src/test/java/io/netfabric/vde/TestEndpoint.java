package io.netfabric.vde;

import io.netfabric.core.NetClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A guest stand-in: records the frames that reach it (copied, released at once). */
final class TestEndpoint extends NetClient {
    final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();

    TestEndpoint(String name) {
        super(name, "test");
    }

    @Override
    protected int receive(ByteBuf frame) {
        int len = frame.readableBytes();
        received.add(ByteBufUtil.getBytes(frame));
        frame.release();
        return len;
    }

    byte[] poll(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }
}
