package io.netfabric.l2tpv3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * L2TPv3 over IP protocol 115 (RFC 3931 §4.1.1.2) on a raw socket opened through JNR-FFI.
 *
 * <p>A reader thread blocks in recvmmsg (MSG_WAITFORONE: up to {@value #BATCH} datagrams once
 * one is there), copies each datagram out of its slot into a pooled buffer and hands the batch
 * to the fabric's loop. One batch is in flight at a time (a one-permit semaphore): the loop gives
 * the permit back after delivering, or, when the peer was busy, after the queued frame went out.
 * SO_RCVTIMEO bounds each wait so the thread notices {@link #close()}; it closes the fd itself.
 *
 * <p>A raw IPv4 socket hands over the IP header too; the L2TPv3 header starts after IHL words
 * (QEMU assumes 20 octets and misreads a header with options). IPv6 raw sockets do not.
 * Sends use MSG_DONTWAIT from the loop; a full socket buffer drops the frame and counts it
 * (QEMU instead waits for POLLOUT).
 */
final class RawIpTunnel implements Tunnel {
    private static final Logger log = LoggerFactory.getLogger(RawIpTunnel.class);

    static final int BATCH = 32;
    private static final int SLOT = 65536;
    private static final int MMSGHDR = 64;
    private static final int IOVEC = 16;

    private final Libc libc = Libc.Holder.LIBC;
    private final jnr.ffi.Runtime runtime = Libc.Holder.RUNTIME;
    private final int fd;
    private final boolean ipv4;
    private final Pointer dst;
    private final int dstLen;
    private final EventLoop loop;
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final Semaphore permit = new Semaphore(1);
    private volatile boolean running = true;
    private boolean paused;
    private boolean closed;
    private L2tpv3Netdev netdev;

    RawIpTunnel(int fd, boolean ipv6, SocketAddressBytes dst, EventLoop loop) {
        this.fd = fd;
        this.ipv4 = !ipv6;
        this.dst = dst.toNative();
        this.dstLen = dst.bytes().length;
        this.loop = loop;
    }

    @Override
    public void start(L2tpv3Netdev owner) {
        this.netdev = owner;
        Thread t = new Thread(this::readLoop, "l2tpv3-raw-" + owner.name());
        t.setDaemon(true);
        t.start();
    }

    // ---------------------------------------------------------------- reader thread

    private void readLoop() {
        Pointer vec = Memory.allocateDirect(runtime, BATCH * MMSGHDR, true);
        Pointer iovs = Memory.allocateDirect(runtime, BATCH * IOVEC, true);
        Pointer slots = Memory.allocateDirect(runtime, (long) BATCH * SLOT, false);
        for (int i = 0; i < BATCH; i++) {
            iovs.putAddress(i * IOVEC, slots.address() + (long) i * SLOT);
            iovs.putLong(i * IOVEC + 8, SLOT);
        }
        try {
            while (running) {
                if (!permit.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                for (int i = 0; i < BATCH; i++) {
                    // struct mmsghdr: msg_hdr {name@0, namelen@8, iov@16, iovlen@24, control@32,
                    // controllen@40, flags@48}, msg_len@56.
                    int m = i * MMSGHDR;
                    vec.putAddress(m + 16, iovs.address() + (long) i * IOVEC);
                    vec.putLong(m + 24, 1);
                    vec.putInt(m + 48, 0);
                }
                int n = libc.recvmmsg(fd, vec, BATCH, Libc.MSG_WAITFORONE, null);
                if (n <= 0) {
                    int err = Libc.Holder.errno();
                    permit.release();
                    if (n < 0 && err != Libc.EAGAIN && err != Libc.EINTR && running) {
                        log.debug("recvmmsg on fd {}: {}", fd, libc.strerror(err));
                    }
                    continue;
                }
                List<ByteBuf> batch = new ArrayList<>(n);
                long truncated = 0;
                for (int i = 0; i < n; i++) {
                    int len = vec.getInt(i * MMSGHDR + 56);
                    if ((vec.getInt(i * MMSGHDR + 48) & Libc.MSG_TRUNC) != 0) {
                        truncated |= 1L << i;
                    }
                    len = Math.min(len, SLOT);
                    ByteBuf b = alloc.directBuffer(len);
                    copy(slots, (long) i * SLOT, b, len);
                    batch.add(b);
                }
                long t = truncated;
                try {
                    loop.execute(() -> deliver(batch, t));
                } catch (RejectedExecutionException e) {
                    batch.forEach(ByteBuf::release);
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            libc.close(fd);
        }
    }

    private void copy(Pointer slots, long at, ByteBuf b, int len) {
        if (b.hasMemoryAddress()) {
            slots.transferTo(at, Pointer.wrap(runtime, b.memoryAddress() + b.writerIndex()), 0, len);
            b.writerIndex(b.writerIndex() + len);
        } else {
            byte[] tmp = new byte[len];
            slots.get(at, tmp, 0, len);
            b.writeBytes(tmp);
        }
    }

    // ---------------------------------------------------------------- loop thread

    private void deliver(List<ByteBuf> batch, long truncated) {
        for (int i = 0; i < batch.size(); i++) {
            ByteBuf d = batch.get(i);
            if (closed) {
                d.release();
            } else if ((truncated & (1L << i)) != 0) {
                netdev.oversizedReceived(d);
            } else {
                int start = ipv4 && d.readableBytes() > 0 ? (d.getByte(0) & 0x0f) * 4 : 0;
                netdev.datagramReceived(d, start);
            }
        }
        if (!paused) {
            permit.release();
        }
    }

    @Override
    public void send(ByteBuf datagram) {
        try {
            int len = datagram.readableBytes();
            long r;
            if (datagram.hasMemoryAddress()) {
                r = libc.sendto(fd, Pointer.wrap(runtime, datagram.memoryAddress() + datagram.readerIndex()),
                        len, Libc.MSG_DONTWAIT, dst, dstLen);
            } else {
                byte[] copy = new byte[len];
                datagram.getBytes(datagram.readerIndex(), copy);
                r = libc.sendto(fd, copy, len, Libc.MSG_DONTWAIT, dst, dstLen);
            }
            if (r < 0) {
                int err = Libc.Holder.errno();
                if (err == Libc.EMSGSIZE) {
                    netdev.stats().oversized++;
                } else {
                    netdev.stats().sendErrors++;
                }
                log.debug("{}: sendto: {}", netdev.name(), libc.strerror(err));
            }
        } finally {
            datagram.release();
        }
    }

    @Override
    public boolean writable() {
        return true;
    }

    @Override
    public void pauseReading() {
        paused = true;
    }

    @Override
    public void resumeReading() {
        if (paused) {
            paused = false;
            permit.release();
        }
    }

    @Override
    public int maxDatagram() {
        return ipv4 ? 65535 - 20 : 65535;
    }

    @Override
    public void close() {
        closed = true;
        running = false;
    }
}
