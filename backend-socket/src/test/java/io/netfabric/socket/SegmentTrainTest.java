package io.netfabric.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SegmentTrain} on a real epoll UDP socket: whatever the lengths, every frame arrives as
 * one datagram of its own, whole and in order, whether the kernel takes the trains or refuses
 * them (SO_NO_CHECK makes UDP_SEGMENT fail with EINVAL, as a segment above the MTU would).
 */
@Timeout(30)
class SegmentTrainTest {
    /** SOL_SOCKET and SO_NO_CHECK (asm-generic/socket.h). */
    private static final IntegerUnixChannelOption SO_NO_CHECK = new IntegerUnixChannelOption("SO_NO_CHECK", 1, 11);

    private EventLoopGroup group;
    private Channel channel;
    private DatagramChannel peer;
    private InetSocketAddress peerAddress;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable() && EpollDatagramChannel.isSegmentedDatagramPacketSupported(),
                "UDP_SEGMENT needs the epoll transport on Linux 4.18 or later");
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        channel = new EpollDatagramChannel(SocketProtocolFamily.INET);
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter());
        group.register(channel).sync();
        channel.bind(new InetSocketAddress("127.0.0.1", 0)).sync();
        peer = DatagramChannel.open();
        peer.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        peer.bind(new InetSocketAddress("127.0.0.1", 0));
        peerAddress = (InetSocketAddress) peer.getLocalAddress();
    }

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.close().sync();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
        if (peer != null) {
            peer.close();
        }
    }

    /** Runs of equal lengths, runs ended by a shorter frame, more than a train holds, the largest datagram. */
    private static List<byte[]> frames() {
        List<byte[]> out = new ArrayList<>();
        int[] lengths = {60, 60, 60, 1514, 1514, 1000, 9000, 9000, 9000, 9000, 9000, 9000, 9000, 9000, 64, 65507, 1, 1};
        int seq = 0;
        for (int len : lengths) {
            out.add(frame(seq++, len));
        }
        for (int i = 0; i < SegmentTrain.MAX_SEGMENTS + 6; i++) {
            out.add(frame(seq++, 100));
        }
        return out;
    }

    private static byte[] frame(int seq, int len) {
        byte[] b = new byte[len];
        for (int k = 0; k < len; k++) {
            b[k] = (byte) (k < 4 ? seq >>> (24 - 8 * k) : k + seq);
        }
        return b;
    }

    /** Adds every frame on the loop, in two loop turns, then reads them back at the peer. */
    private void sendAndCheck(SegmentTrain train) throws Exception {
        List<byte[]> frames = frames();
        int half = frames.size() / 2;
        for (List<byte[]> turn : List.of(frames.subList(0, half), frames.subList(half, frames.size()))) {
            channel.eventLoop().submit(() -> {
                for (byte[] f : turn) {
                    ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(f.length).writeBytes(f);
                    train.add(channel, b);
                }
                train.send(channel);
                channel.flush();
            }).sync();
        }
        ByteBuffer buf = ByteBuffer.allocate(70000);
        for (int i = 0; i < frames.size(); i++) {
            buf.clear();
            peer.receive(buf);
            buf.flip();
            byte[] got = new byte[buf.remaining()];
            buf.get(got);
            assertThat(got).as("datagram %d", i).isEqualTo(frames.get(i));
        }
    }

    @Test
    void trainsArriveAsOneDatagramPerFrameInOrder() throws Exception {
        sendAndCheck(new SegmentTrain(peerAddress, "test"));
    }

    @Test
    void aRefusedTrainIsSentAgainFrameByFrameAndSoIsWhatFollows() throws Exception {
        channel.config().setOption(SO_NO_CHECK, 1);
        sendAndCheck(new SegmentTrain(peerAddress, "test"));
    }

    @Test
    void framesHeldWhenTheNetdevGoesAreReleased() throws Exception {
        SegmentTrain train = new SegmentTrain(peerAddress, "test");
        channel.eventLoop().submit(() -> {
            train.add(channel, PooledByteBufAllocator.DEFAULT.directBuffer(60).writeZero(60));
            train.add(channel, PooledByteBufAllocator.DEFAULT.directBuffer(60).writeZero(60));
            train.discard();
        }).sync();
        // The leak detector (paranoid) fails the test if either frame was not released.
    }
}
