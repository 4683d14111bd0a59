package io.netfabric.tap;

import io.netfabric.core.NetClient;
import io.netfabric.wire.InetChecksum;
import io.netty.buffer.ByteBuf;

/**
 * A hub member that keeps figures on what reaches it: frames, offloaded frames, the largest
 * frame, and, for ordinary IPv4/TCP frames, how many had a bad IP or TCP checksum. Its fields
 * are written on the fabric's loop and read by the test thread.
 */
final class FrameProbe extends NetClient {
    private final boolean takesOffload;
    volatile long frames;
    volatile long offloaded;
    volatile int largest;
    volatile long tcpChecked;
    volatile long badChecksums;

    FrameProbe(String name, boolean takesOffload) {
        super(name, "probe");
        this.takesOffload = takesOffload;
    }

    @Override
    public boolean acceptsOffload() {
        return takesOffload;
    }

    @Override
    protected int receive(ByteBuf frame) {
        int len = seen(frame);
        checkTcp(frame);
        frame.release();
        return len;
    }

    @Override
    protected int receiveOffloaded(ByteBuf frame, long offload) {
        offloaded++;
        int len = seen(frame);
        frame.release();
        return len;
    }

    private int seen(ByteBuf frame) {
        int len = frame.readableBytes();
        frames++;
        largest = Math.max(largest, len);
        return len;
    }

    private void checkTcp(ByteBuf f) {
        int b = f.readerIndex();
        if (f.readableBytes() < 54 || f.getUnsignedShort(b + 12) != 0x0800 || f.getUnsignedByte(b + 23) != 6) {
            return;
        }
        int ihl = (f.getUnsignedByte(b + 14) & 0x0F) * 4;
        int total = f.getUnsignedShort(b + 16);
        if (total > f.readableBytes() - 14 || (f.getUnsignedShort(b + 20) & 0x3FFF) != 0) {
            badChecksums++; // a TCP frame never arrives truncated or fragmented here
            return;
        }
        int tcpLen = total - ihl;
        int pseudo = InetChecksum.pseudoHeaderIpv4(f.getInt(b + 26), f.getInt(b + 30), 6, tcpLen);
        boolean ok = InetChecksum.checksum(f, b + 14, ihl) == 0
                && InetChecksum.finish(InetChecksum.add(pseudo, InetChecksum.sum(f, b + 14 + ihl, tcpLen))) == 0;
        tcpChecked++;
        if (!ok) {
            badChecksums++;
        }
    }

    @Override
    public String toString() {
        return name() + ": frames=" + frames + " offloaded=" + offloaded + " largest=" + largest
                + " tcpChecked=" + tcpChecked + " badChecksums=" + badChecksums;
    }
}
