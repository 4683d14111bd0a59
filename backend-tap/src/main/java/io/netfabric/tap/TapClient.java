package io.netfabric.tap;

import static io.netfabric.tap.Native.LIBC;

import io.netfabric.core.DropReason;
import io.netfabric.core.NetClient;
import io.netfabric.core.SentCallback;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.options.TapOptions;
import io.netfabric.wire.virtio.Offload;
import io.netfabric.wire.virtio.VirtioNetHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tap netdev (QEMU net/tap.c {@code TAPState}): frames read from the tap go to the peer, frames
 * from the peer are written to the tap.
 *
 * <h2>Threads and ownership</h2>
 * Reading runs on the loop ({@link LoopTapReader}) or on a {@link TapReader} thread that hands
 * batches to the loop ({@link TapQueueReader} says which and why); {@link #receive}
 * writes on the loop thread to the non-blocking fd and, on EAGAIN, answers 0 (the fabric keeps
 * the frame) and asks the reader to watch for POLLOUT, then {@link #flushQueued()}s
 * ({@code tap_writable}). A frame is released after its write, whatever the result.
 *
 * <h2>Offloads</h2>
 * With a virtio-net header and offloads on, a read's header becomes the frame's
 * {@link Offload} descriptor and the frame goes to the peer whole: the fabric completes or
 * segments it only for a receiver that takes no offloads ({@code NetClient#sendAsync}). Such a
 * tap also {@linkplain #acceptsOffload() accepts} offloaded frames and writes each with its
 * header rebuilt from the descriptor, one {@code writev} for up to 64 KiB; ordinary frames get
 * an all-zero header ({@code tap_receive} for a peer without one). With several queues each flow is written to one queue, chosen by a hash of its
 * addresses and ports, so that its frames stay in order.
 */
final class TapClient extends NetClient implements TapQueueReader.Sink {
    private static final Logger log = LoggerFactory.getLogger(TapClient.class);

    private final TapDevice device;
    /** Each queue's info text (net_init_tap_one's, per queue). */
    private final String[] infos;
    private final Runnable onCleanup;
    private final int hdrLen;
    private final TapQueueReader reader;
    private final SentCallback resumeReading;
    /** iovec[2] {zero header, frame} for writev when the tap carries a header; loop thread only. */
    private final ByteBuf iov;
    private final ByteBuf zeroHeader;
    /** The header of the offloaded frame being written; loop thread only. */
    private final ByteBuf offloadHeader;
    private final VirtioNetHeader offloadHeaderView = new VirtioNetHeader();
    private final boolean offload;
    private final int[] queueFds;
    private boolean closed;
    final long pollUs;

    /** @param offload the tap hands us offloaded frames (TUNSETOFFLOAD took), so it takes them too */
    TapClient(String name, String model, TapDevice device, String[] infos, long pollUs, Runnable onCleanup,
            java.util.concurrent.Executor loop, boolean offload) {
        super(name, model);
        this.offload = offload && device.vnetHdr;
        this.device = device;
        this.infos = infos;
        this.pollUs = pollUs;
        this.onCleanup = onCleanup;
        this.hdrLen = device.vnetHdr ? VirtioNetHeader.LEN : 0;
        this.queueFds = device.fds;
        this.reader = onLoop(loop) ? new LoopTapReader(device.fds, hdrLen, (io.netty.channel.IoEventLoop) loop, this)
                : new TapReader(name, device.fds, hdrLen, loop, this);
        this.resumeReading = (sender, result) -> reader.resume();
        if (hdrLen != 0) {
            zeroHeader = Unpooled.directBuffer(hdrLen).writeZero(hdrLen);
            offloadHeader = Unpooled.directBuffer(hdrLen).writeZero(hdrLen);
            offloadHeaderView.wrap(offloadHeader, 0, hdrLen);
            iov = Unpooled.directBuffer(32);
        } else {
            zeroHeader = null;
            offloadHeader = null;
            iov = null;
        }
    }

    /** The loop reader unless the transport cannot take the fd or {@code -Dnetfabric.tap.reader=thread}. */
    private static boolean onLoop(java.util.concurrent.Executor loop) {
        String choice = System.getProperty(TapQueueReader.PROPERTY, "loop");
        return !"thread".equalsIgnoreCase(choice) && LoopTapReader.fits(loop);
    }

    void start() {
        reader.start();
    }

    String ifname() {
        return device.ifname;
    }

    /**
     * QEMU 6.0-rc's {@code net_init_tap_one()} stored config (reference §10): the descriptors in
     * {@code fds} (joined by colons) when given {@code fd}/{@code fds}; the helper and bridge when
     * given {@code helper}; else the interface name and the scripts in effect. {@code sndbuf} as
     * given, {@code vnet_hdr} true when the device has the header. {@code -netdev bridge} keeps
     * its options as given.
     */
    @Override
    public Netdev storedConfig() {
        Netdev given = creationOptions();
        if (given == null || !(given.options() instanceof TapOptions t)) {
            return given;
        }
        String ifname = null;
        String fds = null;
        String script = null;
        String downscript = null;
        String helper = null;
        String br = null;
        if (t.fd() != null || t.fds() != null) {
            fds = Arrays.stream(device.fds).mapToObj(Integer::toString).collect(Collectors.joining(":"));
        } else if (t.helper() != null) {
            helper = t.helper();
            br = t.br() != null ? t.br() : BridgeHelper.DEFAULT_BRIDGE;
        } else {
            ifname = device.ifname;
            script = NetworkScript.shown(t.script(), NetworkScript.DEFAULT_UP);
            downscript = NetworkScript.shown(t.downscript(), NetworkScript.DEFAULT_DOWN);
        }
        return new Netdev(given.id(), new TapOptions(ifname, null, fds, script, downscript, br, helper, t.sndbuf(),
                device.vnetHdr ? Boolean.TRUE : null, null, null, null, null, null, null));
    }

    TapDevice device() {
        return device;
    }

    @Override
    public String info() {
        return infos[0];
    }

    @Override
    public String queueInfo(int queue) {
        return infos[queue];
    }

    @Override
    public int queueCount() {
        return queueFds.length;
    }

    // ---------------------------------------------------------------- tap -> peer

    @Override
    public void deliver(TapQueueReader.Batch batch) {
        List<ByteBuf> frames = batch.frames();
        for (int i = 0; i < batch.malformed(); i++) {
            counters().drop(DropReason.MALFORMED);
        }
        if (closed) {
            frames.forEach(ByteBuf::release);
            return;
        }
        boolean busy = false;
        for (int i = 0, n = frames.size(); i < n; i++) {
            // tap_send: a frame queued for a busy peer stops reading until its callback.
            if (sendAsync(frames.get(i), batch.offload(i), resumeReading) == 0) {
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

    /** True with a virtio-net header and offloads on: GSO frames and partial checksums are written whole. */
    @Override
    public boolean acceptsOffload() {
        return offload;
    }

    @Override
    protected int receive(ByteBuf frame) {
        return write(frame, zeroHeader);
    }

    @Override
    protected int receiveOffloaded(ByteBuf frame, long offload) {
        int thl = 0;
        if (Offload.isGso(offload)) {
            int at = frame.readerIndex() + Offload.csumStart(offload) + 12;
            thl = at < frame.writerIndex() ? (frame.getUnsignedByte(at) >>> 4) * 4 : 0;
        }
        Offload.writeTo(offload, offloadHeaderView, Offload.headerLength(offload, thl));
        return write(frame, offloadHeader);
    }

    /** Writes {@code frame} after {@code header} (ignored without a vnet header); takes the reference. */
    private int write(ByteBuf frame, ByteBuf header) {
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
            iov.setLongLE(0, header.memoryAddress());
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
            offloadHeader.release();
        }
        try {
            onCleanup.run();
        } catch (RuntimeException e) {
            log.warn("{}: {}", name(), e.getMessage());
        }
    }
}
