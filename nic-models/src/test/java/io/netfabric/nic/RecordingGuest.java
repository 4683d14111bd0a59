package io.netfabric.nic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;

/** The emulator stand-in: records the frames the guest got, can run out of receive buffers. */
final class RecordingGuest implements GuestPort {
    final List<byte[]> frames = new ArrayList<>();
    final List<Boolean> links = new ArrayList<>();
    int announceRequests;
    /** Receive buffers left; negative = unlimited. */
    int buffers = -1;

    @Override
    public int receive(ByteBuf frame) {
        if (buffers == 0) {
            return 0;
        }
        if (buffers > 0) {
            buffers--;
        }
        int len = frame.readableBytes();
        frames.add(ByteBufUtil.getBytes(frame));
        frame.release();
        return len;
    }

    @Override
    public void linkChanged(boolean up) {
        links.add(up);
    }

    @Override
    public void announceRequested() {
        announceRequests++;
    }
}
