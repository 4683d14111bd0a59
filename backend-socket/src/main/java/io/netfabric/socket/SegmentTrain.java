package io.netfabric.socket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frames of one event-loop turn on their way to one UDP address, sent as trains: runs of
 * frames of one length (the last may be shorter) joined into one buffer and written as one
 * UDP_SEGMENT send (udp(7), Linux 4.18; Netty's {@link SegmentedDatagramPacket}). The kernel
 * passes a train through its UDP/IP send path once and cuts it into one datagram per frame, with
 * the frame's bounds, before any receiver sees it (a receiving socket without UDP_GRO, QEMU's
 * among them, reads them one by one), so the wire carries what one send per frame would carry.
 * A run of one frame is sent as a plain datagram.
 *
 * <pre>
 *  add(60) add(60) add(60) add(1514) add(1514) add(1000) add(60) ... send()
 *  [60 60 60] ----------->  [1514 1514 1000] ------------------>  [60 ...] -->  (one flush)
 *  train of 3, segment 60   train of 3, segment 1514, last short   ...
 * </pre>
 *
 * The path may refuse trains: a segment above its MTU (EMSGSIZE, EINVAL before Linux 5.x), a
 * device without checksum offload (EIO). So the first train of a segment length larger than any
 * that passed is a probe, flushed at once: its result is known before anything else is written,
 * and when refused its frames go again one datagram each, still in order. From then on frames of
 * that length or longer go one per datagram. Event-loop thread only. Owns the frames it holds:
 * {@link #discard} releases them.
 */
final class SegmentTrain {
    private static final Logger log = LoggerFactory.getLogger(SegmentTrain.class);
    /** Frames a train at most: the kernel's UDP_MAX_SEGMENTS before Linux 6.9 (128 since). */
    static final int MAX_SEGMENTS = 64;
    /** Bytes a train at most: the payload of one IPv4 UDP datagram, which a train is until cut. */
    static final int MAX_BYTES = 65507;

    private final InetSocketAddress remote;
    private final String owner;
    private final ByteBuf[] frames = new ByteBuf[MAX_SEGMENTS];
    private int count;
    private int bytes;
    /** The longest segment of a train that passed: shorter ones need no probe. */
    private int passedUpTo;
    /** The shortest segment of a train that was refused: no trains of it or longer. */
    private int refusedFrom = Integer.MAX_VALUE;

    SegmentTrain(InetSocketAddress remote, String owner) {
        this.remote = remote;
        this.owner = owner;
    }

    /**
     * Whether trains are worth trying on {@code ch}: the native transport where the kernel has
     * UDP_SEGMENT, unless {@code -Dnetfabric.socket.gso=false}.
     */
    static boolean available(Channel ch) {
        return ch instanceof EpollDatagramChannel && EpollDatagramChannel.isSegmentedDatagramPacketSupported()
                && !"false".equals(System.getProperty("netfabric.socket.gso"));
    }

    /** Takes {@code frame} (its reference): into the current train, or written on its own where trains were refused. */
    void add(Channel ch, ByteBuf frame) {
        int len = frame.readableBytes();
        if (len >= refusedFrom) {
            send(ch);
            ch.write(new DatagramPacket(frame, remote), ch.voidPromise());
            return;
        }
        if (count > 0 && (len > frames[0].readableBytes() || bytes + len > MAX_BYTES)) {
            send(ch);
        }
        frames[count++] = frame;
        bytes += len;
        if (count == MAX_SEGMENTS || len < frames[0].readableBytes()) {
            send(ch);   // full, or ended by a shorter frame, which only the last may be
        }
    }

    /** Writes the train gathered so far (not flushed). */
    void send(Channel ch) {
        int n = count;
        if (n == 0) {
            return;
        }
        count = 0;
        int segment = frames[0].readableBytes();
        if (n == 1 || segment >= refusedFrom) {
            for (int i = 0; i < n; i++) {
                ch.write(new DatagramPacket(frames[i], remote), ch.voidPromise());
                frames[i] = null;
            }
            bytes = 0;
            return;
        }
        ByteBuf joined = ch.alloc().directBuffer(bytes);
        bytes = 0;
        for (int i = 0; i < n; i++) {
            joined.writeBytes(frames[i]);
            frames[i].release();
            frames[i] = null;
        }
        // One more reference until the write is done: a refused train is sent again frame by frame.
        joined.retain();
        ch.write(new SegmentedDatagramPacket(joined, segment, remote))
                .addListener((ChannelFutureListener) f -> sent(f, joined, segment));
        if (segment > passedUpTo) {
            ch.flush();   // a probe: its answer comes before anything else is written
        }
    }

    private void sent(ChannelFuture f, ByteBuf joined, int segment) {
        try {
            if (f.isSuccess()) {
                passedUpTo = Math.max(passedUpTo, segment);
                return;
            }
            if (!f.channel().isOpen()) {
                return;
            }
            refusedFrom = Math.min(refusedFrom, segment);
            log.debug("{}: UDP_SEGMENT of {}-byte segments refused towards {} ({}); one datagram per frame"
                    + " from {} bytes on", owner, segment, remote, OsErrors.strerror(f.cause()), refusedFrom);
            Channel ch = f.channel();
            for (int off = 0; off < joined.writerIndex(); off += segment) {
                ch.write(new DatagramPacket(joined.retainedSlice(off, Math.min(segment, joined.writerIndex() - off)),
                        remote), ch.voidPromise());
            }
            ch.eventLoop().execute(ch::flush);
        } finally {
            joined.release();
        }
    }

    /** Releases the frames gathered so far (the netdev goes). */
    void discard() {
        for (int i = 0; i < count; i++) {
            frames[i].release();
            frames[i] = null;
        }
        count = 0;
        bytes = 0;
    }
}
