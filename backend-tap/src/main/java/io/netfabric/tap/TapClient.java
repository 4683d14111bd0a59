package io.netfabric.tap;

import static io.netfabric.tap.Native.LIBC;

import io.netfabric.core.DropReason;
import io.netfabric.core.NetClient;
import io.netfabric.core.SentCallback;
import io.netfabric.wire.virtio.VirtioNetHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tap netdev (QEMU net/tap.c {@code TAPState}): frames read from the tap go to the peer, frames
 * from the peer are written to the tap.
 *
 * <h2>Threads and ownership</h2>
 * Reading runs on a {@link TapReader} thread that hands batches to the loop; {@link #receive}
 * writes on the loop thread to the non-blocking fd and, on EAGAIN, answers 0 (the fabric keeps
 * the frame) and asks the reader to watch for POLLOUT, then {@link #flushQueued()}s
 * ({@code tap_writable}). A frame is released after its write, whatever the result.
 *
 * <p>The peer never sees a virtio-net header: reads are completed and segmented
 * ({@link GsoSegmenter}), writes get an all-zero header ({@code tap_receive} for a peer without
 * one). With several queues each flow is written to one queue, chosen by a hash of its
 * addresses and ports, so that its frames stay in order.
 */
final class TapClient extends NetClient implements TapReader.Sink {
    private static final Logger log = LoggerFactory.getLogger(TapClient.class);

    private final TapDevice device;
    private final String info;
    private final Runnable onCleanup;
    private final int hdrLen;
    private final TapReader reader;
    private final SentCallback resumeReading;
    /** iovec[2] {zero header, frame} for writev when the tap carries a header; loop thread only. */
    private final ByteBuf iov;
    private final ByteBuf zeroHeader;
    private final int[] queueFds;
    private boolean closed;
    final long pollUs;

    TapClient(String name, String model, TapDevice device, String info, long pollUs, Runnable onCleanup,
            java.util.concurrent.Executor loop) {
        super(name, model);
        this.device = device;
        this.info = info;
        this.pollUs = pollUs;
        this.onCleanup = onCleanup;
        this.hdrLen = device.vnetHdr ? VirtioNetHeader.LEN : 0;
        this.queueFds = device.fds;
        this.reader = new TapReader(name, device.fds, hdrLen, loop, this);
        this.resumeReading = (sender, result) -> reader.resume();
        if (hdrLen != 0) {
            zeroHeader = Unpooled.directBuffer(hdrLen).writeZero(hdrLen);
            iov = Unpooled.directBuffer(32);
        } else {
            zeroHeader = null;
            iov = null;
        }
    }

    void start() {
        reader.start();
    }

    String ifname() {
        return device.ifname;
    }

    TapDevice device() {
        return device;
    }

    @Override
    public String info() {
        return info;
    }

    // ---------------------------------------------------------------- tap -> peer

    @Override
    public void deliver(TapReader.Batch batch) {
        List<ByteBuf> frames = batch.frames();
        for (int i = 0; i < batch.malformed(); i++) {
            counters().drop(DropReason.MALFORMED);
        }
        if (closed) {
            frames.forEach(ByteBuf::release);
            return;
        }
        boolean busy = false;
        for (ByteBuf f : frames) {
            // tap_send: a frame queued for a busy peer stops reading until its callback.
            if (sendAsync(f, resumeReading) == 0) {
                busy = true;
            }
        }
        if (busy) {
            reader.pause();
        }
        reader.batchDone();
    }

    @Override
    public void writable() {
        if (!closed) {
            flushQueued();
        }
    }

    // ---------------------------------------------------------------- peer -> tap

    @Override
    protected int receive(ByteBuf frame) {
        if (closed) {
            frame.release();
            return -1;
        }
        ByteBuf f = frame;
        if (!f.hasMemoryAddress()) {
            f = PooledByteBufAllocator.DEFAULT.directBuffer(frame.readableBytes()).writeBytes(frame, frame.readerIndex(),
                    frame.readableBytes());
        }
        int len = f.readableBytes();
        int q = queueFds.length == 1 ? 0 : queueOf(f);
        long addr = f.memoryAddress() + f.readerIndex();
        long n;
        if (hdrLen == 0) {
            n = LIBC.write(queueFds[q], addr, len);
        } else {
            iov.setLongLE(0, zeroHeader.memoryAddress());
            iov.setLongLE(8, hdrLen);
            iov.setLongLE(16, addr);
            iov.setLongLE(24, len);
            n = LIBC.writev(queueFds[q], iov.memoryAddress(), 2);
        }
        if (n < 0) {
            int e = Native.errno();
            if (f != frame) {
                f.release();
            }
            if (e == Native.EAGAIN) {
                reader.wantWritable(q);
                return 0; // the fabric keeps the frame until writable() flushes.
            }
            frame.release();
            log.debug("{}: write to tap failed: {}", name(), Native.strerror(e));
            return -1;
        }
        if (f != frame) {
            f.release();
        }
        frame.release();
        return len;
    }

    /** A queue per flow: IPv4/IPv6 addresses and the first four L4 bytes (the ports). */
    private int queueOf(ByteBuf f) {
        int b = f.readerIndex();
        int len = f.readableBytes();
        int h;
        if (len >= 38 && f.getUnsignedShort(b + 12) == 0x0800) {
            int l4 = b + 14 + (f.getUnsignedByte(b + 14) & 0x0F) * 4;
            h = f.getInt(b + 26) ^ f.getInt(b + 30);
            if (l4 + 4 <= b + len) {
                int ports = f.getInt(l4);
                h ^= (ports >>> 16) ^ (ports & 0xFFFF);
            }
        } else if (len >= 58 && f.getUnsignedShort(b + 12) == 0x86DD) {
            h = f.getInt(b + 34) ^ f.getInt(b + 50);
            int ports = f.getInt(b + 54);
            h ^= (ports >>> 16) ^ (ports & 0xFFFF);
        } else {
            return 0;
        }
        h ^= h >>> 16;
        h *= 0x45d9f3b;
        h ^= h >>> 16;
        return (h & 0x7FFF_FFFF) % queueFds.length;
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    protected void cleanup() {
        if (closed) {
            return;
        }
        closed = true;
        reader.close();
        device.close();
        if (iov != null) {
            iov.release();
            zeroHeader.release();
        }
        try {
            onCleanup.run();
        } catch (RuntimeException e) {
            log.warn("{}: {}", name(), e.getMessage());
        }
    }
}
