package io.netfabric.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * UDP load for {@link SocketRelayComparison}: a generator and a sink, each on an epoll event loop
 * thread of its own, cheap enough per datagram that they, not the relay between them, have CPU
 * to spare on a small machine.
 * <ul>
 * <li>The generator sends trains of equal datagrams with UDP_SEGMENT (Netty's
 *     {@code SegmentedDatagramPacket}: one pass through the kernel's UDP/IP send path for up to
 *     64 datagrams, which the receiving socket gets as separate datagrams), four trains per
 *     flush (one sendmmsg). Where the kernel lacks UDP_SEGMENT, or with {@code -Dudp.gso=false},
 *     it sends bursts of {@value #BURST} plain datagrams per flush (sendmmsg).</li>
 * <li>The sink reads with recvmmsg, {@value #BURST} datagrams a call.</li>
 * </ul>
 * The generator paces nothing: it sends while its socket takes datagrams. UDP loses what a full
 * receive buffer cannot hold, so both counts are kept: offered and received.
 */
final class UdpLoad implements AutoCloseable {
    /** Datagrams per flush (sendmmsg) and per recvmmsg. */
    static final int BURST = 64;
    /** Trains per flush with UDP_SEGMENT. */
    private static final int TRAINS = 4;
    /** Bursts per generator task before it yields the loop to its I/O. */
    private static final int BURSTS_PER_TASK = 16;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    private final Channel sink;
    private final Channel generator;
    private final ByteBuf frame;
    /** With UDP_SEGMENT: {@link #segments} copies of the frame, sent as one train; else unused. */
    private final ByteBuf train;
    private final int segments;
    private final InetSocketAddress target;
    private final Runnable pump = this::pump;
    private volatile long sent;
    private volatile long received;
    private volatile boolean stopped;

    /**
     * Binds the sink to {@code sinkAt} and the generator to {@code generatorAt}; {@link #start()}
     * sends {@code size}-byte datagrams to {@code target}.
     */
    UdpLoad(InetSocketAddress generatorAt, InetSocketAddress target, InetSocketAddress sinkAt, int size)
            throws InterruptedException {
        this.target = target;
        int slot = Math.max(size, 64);
        sink = new Bootstrap().group(group)
                .channelFactory(() -> new EpollDatagramChannel(SocketProtocolFamily.INET))
                .option(ChannelOption.SO_RCVBUF, 8 << 20)
                .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, slot)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(slot * BURST))
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        received++;   // single writer: the sink's loop thread
                        ReferenceCountUtil.release(msg);
                    }
                })
                .bind(sinkAt).sync().channel();
        generator = new Bootstrap().group(group)
                .channelFactory(() -> new EpollDatagramChannel(SocketProtocolFamily.INET))
                .option(ChannelOption.SO_SNDBUF, 4 << 20)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 2 << 20))
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);   // a relay may send frames back: ignored
                    }

                    @Override
                    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                        if (ctx.channel().isWritable()) {
                            pump();
                        }
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        // ECONNREFUSED from an ICMP while a relay starts: the datagram is lost, go on
                    }
                })
                .bind(generatorAt).sync().channel();
        frame = PooledByteBufAllocator.DEFAULT.directBuffer(size);
        for (int i = 0; i < size; i++) {
            frame.writeByte(i < 6 ? 0xff : i);
        }
        // At most 64 segments (the kernel's UDP_MAX_SEGMENTS before 6.9) and 65507 bytes a train.
        boolean gso = !"false".equals(System.getProperty("udp.gso"))
                && EpollDatagramChannel.isSegmentedDatagramPacketSupported() && 2 * size <= 65507;
        segments = gso ? Math.min(64, 65507 / size) : 0;
        train = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, segments) * size);
        for (int i = 0; i < segments; i++) {
            train.writeBytes(frame, frame.readerIndex(), size);
        }
    }

    void start() {
        generator.eventLoop().execute(pump);
    }

    /** Datagrams handed to the channel so far (all but the last flush's are in the kernel). */
    long sent() {
        return sent;
    }

    /** Datagrams the sink has read so far. */
    long received() {
        return received;
    }

    /** Sends bursts while the socket takes them; writability wakes it again when it did not. */
    private void pump() {
        for (int b = 0; b < BURSTS_PER_TASK && !stopped && generator.isWritable(); b++) {
            if (segments > 0) {
                for (int i = 0; i < TRAINS; i++) {
                    generator.write(new SegmentedDatagramPacket(train.retainedDuplicate(), frame.readableBytes(),
                            target), generator.voidPromise());
                }
                sent += TRAINS * segments;   // single writer: the generator's loop thread
            } else {
                for (int i = 0; i < BURST; i++) {
                    generator.write(new DatagramPacket(frame.retainedDuplicate(), target), generator.voidPromise());
                }
                sent += BURST;
            }
            generator.flush();
        }
        if (!stopped && generator.isWritable()) {
            generator.eventLoop().execute(pump);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        generator.eventLoop().submit(() -> { }).sync();   // the last pump has finished
        generator.close().sync();
        sink.close().sync();
        frame.release();
        train.release();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }
}
