package io.netfabric.user;

import io.netfabric.core.options.UserOptions;
import io.netfabric.user.ip.Router;
import io.netfabric.user.nat.HostUdp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link UserStack} under a manual clock, with a recording guest link and a fake host: the
 * engine tests' fixture (STYLE habit 4). Frames to the guest are kept as bytes and released.
 */
final class StackHarness implements AutoCloseable {
    final List<SeenFrame> toGuest = new ArrayList<>();
    final FakeHostUdp host = new FakeHostUdp();
    final UserStack stack;
    long now = 1_000_000_000L;
    /** The link takes offloaded frames (a tap with offloads); their descriptors are kept in order. */
    boolean offloads;
    final List<Long> offloadsSeen = new ArrayList<>();

    StackHarness(UserConfig config) {
        this(config, 4096);
    }

    StackHarness(UserConfig config, int maxFlows) {
        this(config, maxFlows, null);
    }

    /** @param tcp host TCP (a {@link FakeHostTcp}), or null for a stack without */
    StackHarness(UserConfig config, int maxFlows, io.netfabric.user.nat.HostTcp tcp) {
        stack = new UserStack(config, new Router.Link() {
            @Override
            public void toGuest(ByteBuf frame) {
                toGuest.add(SeenFrame.of(ByteBufUtil.getBytes(frame)));
                frame.release();
            }

            @Override
            public void toGuest(ByteBuf frame, long offload) {
                offloadsSeen.add(offload);
                toGuest(frame);
            }

            @Override
            public boolean offloads() {
                return offloads;
            }

            @Override
            public ByteBufAllocator alloc() {
                return PooledByteBufAllocator.DEFAULT;
            }
        }, host, null, tcp, maxFlows, io.netfabric.user.nat.TcpNat.DEFAULT_MAX_FLOWS,
                io.netfabric.user.tcp.TcpConnection.Timers.DEFAULT);
    }

    static UserConfig config(String opts) {
        io.netfabric.core.options.Netdev n = io.netfabric.core.options.NetdevOptionParser.parseNetdev(
                "user,id=u" + (opts.isEmpty() ? "" : "," + opts), java.util.Set.of("user"), w -> { });
        return UserConfig.from((UserOptions) n.options(), Path.of("/nonexistent/resolv.conf"));
    }

    void send(ByteBuf frame) {
        stack.input(frame, now);
    }

    /** Advances the clock and runs what is due. */
    void advance(long nanos) {
        long until = now + nanos;
        while (stack.nextDeadline() <= until) {
            now = Math.max(now, stack.nextDeadline());
            stack.poll(now);
        }
        now = until;
    }

    SeenFrame last() {
        return toGuest.get(toGuest.size() - 1);
    }

    List<SeenFrame> take() {
        List<SeenFrame> out = List.copyOf(toGuest);
        toGuest.clear();
        return out;
    }

    @Override
    public void close() {
        stack.close();
    }

    /** Host sockets that record what the stack sends and let a test answer. */
    static final class FakeHostUdp implements HostUdp {
        record Sent(FakeSocket socket, InetSocketAddress to, byte[] payload) {
        }

        final List<Sent> sent = new ArrayList<>();
        final List<FakeSocket> open = new ArrayList<>();
        int opened;

        final class FakeSocket implements Socket {
            final Receiver receiver;
            final InetSocketAddress connected;
            boolean closed;

            FakeSocket(Receiver r, InetSocketAddress connected) {
                this.receiver = r;
                this.connected = connected;
                open.add(this);
                opened++;
            }

            @Override
            public void send(ByteBuf payload, InetSocketAddress to) {
                sent.add(new Sent(this, to, ByteBufUtil.getBytes(payload)));
                payload.release();
            }

            @Override
            public void close() {
                closed = true;
                open.remove(this);
            }

            @Override
            public int localPort() {
                return 40000 + opened;
            }

            void reply(byte[] data, InetSocketAddress from, long now) {
                ByteBuf b = io.netty.buffer.Unpooled.wrappedBuffer(data);
                try {
                    receiver.received(b, from, now);
                } finally {
                    b.release();
                }
            }
        }

        @Override
        public Socket open(boolean ipv6, Receiver receiver) {
            return new FakeSocket(receiver, null);
        }

        @Override
        public Socket openConnected(InetSocketAddress remote, Receiver receiver) {
            return new FakeSocket(receiver, remote);
        }
    }
}
