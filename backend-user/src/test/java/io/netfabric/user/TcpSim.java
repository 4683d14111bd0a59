package io.netfabric.user;

import io.netfabric.user.ip.Router;
import io.netfabric.user.tcp.TcpConnection;
import io.netfabric.wire.virtio.GsoSegmenter;
import io.netfabric.wire.virtio.Offload;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A {@link UserStack} with {@link FakeHostTcp} and a simulated link to the guest under a manual
 * clock: each frame takes {@code delay}, is lost with probability {@code loss} and, with
 * probability {@code reorder}, is held back three delays so later frames overtake it. Frames are
 * copied to byte arrays at once, so nothing is held across steps.
 */
final class TcpSim implements AutoCloseable {
    record InFlight(long at, long order, boolean toGuest, byte[] frame) {
    }

    final FakeHostTcp host = new FakeHostTcp();
    final UserStack stack;
    final PriorityQueue<InFlight> wire = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at)
            : Long.compare(a.order, b.order));
    final List<byte[]> toGuestLog = new ArrayList<>();
    final Random rnd;
    double loss;
    double reorder;
    long delay = 50_000;
    long now = 1_000_000_000L;
    long order;
    long framesToGuest;
    long framesDropped;
    boolean keepLog;
    /** The link takes TCP GSO frames (a tap with TSO); they are segmented before the wire. */
    boolean offloads;
    long offloadedFrames;
    /** Of those, lone segments with a partial checksum (no GSO). */
    long partialChecksumFrames;
    GuestTcp guest;

    TcpSim(UserConfig config, long seed, int maxFlows, TcpConnection.Timers timers) {
        this(config, seed, maxFlows, timers, PooledByteBufAllocator.DEFAULT);
    }

    TcpSim(UserConfig config, long seed, int maxFlows, TcpConnection.Timers timers, ByteBufAllocator alloc) {
        rnd = new Random(seed);
        stack = new UserStack(config, new Router.Link() {
            @Override
            public void toGuest(ByteBuf frame) {
                byte[] b = ByteBufUtil.getBytes(frame);
                frame.release();
                framesToGuest++;
                if (keepLog) {
                    toGuestLog.add(b);
                }
                put(true, b);
            }

            /**
             * As a tap with TSO would, or the fabric for a peer without it: a GSO frame cut into
             * MTU-sized segments, a lone TCP segment's partial checksum completed.
             */
            @Override
            public void toGuest(ByteBuf frame, long offload) {
                if (!Offload.isGso(offload)) {
                    if (!Offload.needsCsum(offload) || Offload.csumOffset(offload) != 16
                            || !GsoSegmenter.completeChecksum(frame, Offload.csumStart(offload), Offload.csumOffset(offload))) {
                        frame.release();
                        throw new AssertionError("not a TCP partial checksum: " + Offload.toString(offload));
                    }
                    offloadedFrames++;
                    partialChecksumFrames++;
                    toGuest(frame);
                    return;
                }
                List<ByteBuf> segments = new ArrayList<>();
                try {
                    if (!GsoSegmenter.segment(frame, offload, alloc, segments)) {
                        throw new AssertionError("not a TCP GSO frame: " + Offload.toString(offload));
                    }
                    offloadedFrames++;
                } finally {
                    frame.release();
                }
                for (ByteBuf seg : segments) {
                    if (seg.readableBytes() > 14 + config.mtu()) {
                        seg.release();
                        throw new AssertionError("segment longer than the MTU: " + seg.readableBytes());
                    }
                    toGuest(seg);
                }
            }

            @Override
            public boolean offloads() {
                return offloads;
            }

            @Override
            public ByteBufAllocator alloc() {
                return alloc;
            }
        }, new StackHarness.FakeHostUdp(), null, host, 4096, maxFlows, timers);
    }

    void put(boolean toGuest, byte[] frame) {
        if (rnd.nextDouble() < loss) {
            framesDropped++;
            return;
        }
        long at = now + delay + (rnd.nextDouble() < reorder ? 3 * delay : 0);
        wire.add(new InFlight(at, order++, toGuest, frame));
    }

    /** Frames from the guest enter the link here. */
    void fromGuest(byte[] frame) {
        put(false, frame);
    }

    /** Runs until {@code done} or {@code limit} nanoseconds of simulated time passed; host pumping each step. */
    boolean run(java.util.function.BooleanSupplier done, long limit, Runnable eachStep) {
        long end = now + limit;
        while (!done.getAsBoolean()) {
            eachStep.run();
            long next = Long.MAX_VALUE;
            if (!wire.isEmpty()) {
                next = wire.peek().at;
            }
            next = Math.min(next, stack.nextDeadline());
            if (guest != null) {
                next = Math.min(next, guest.nextDeadline());
            }
            if (next == Long.MAX_VALUE || next > end) {
                return done.getAsBoolean();
            }
            now = Math.max(now, next);
            host.now = now;
            while (!wire.isEmpty() && wire.peek().at <= now) {
                InFlight f = wire.poll();
                if (f.toGuest) {
                    if (guest != null) {
                        guest.input(f.frame, now);
                    }
                } else {
                    stack.input(Unpooled.wrappedBuffer(f.frame), now);   // untracked: wraps the array
                }
            }
            if (stack.nextDeadline() <= now) {
                stack.poll(now);
            }
            if (guest != null && guest.nextDeadline() <= now) {
                guest.poll(now);
            }
        }
        return true;
    }

    @Override
    public void close() {
        stack.close();
    }
}
