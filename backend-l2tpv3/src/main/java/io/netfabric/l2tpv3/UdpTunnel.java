package io.netfabric.l2tpv3;

import io.netfabric.core.CoalescedFlush;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * L2TPv3 over UDP (RFC 3931 §4.1.2.2) on a Netty datagram channel. Under epoll the channel
 * reads with recvmmsg, {@value #BATCH} datagrams per call into one pooled buffer, and writes
 * what piled up during one loop turn with sendmmsg (one flush per turn, not per frame).
 *
 * <p>A receive slot holds any UDP payload (65535 octets), so unlike QEMU 7.2 (2048-octet
 * buffers) nothing is truncated; a datagram that fills its slot would be counted as oversized.
 * The socket is not connected: like QEMU, datagrams from any source are taken and only the
 * session and cookie filter them.
 */
final class UdpTunnel implements Tunnel {
    private static final Logger log = LoggerFactory.getLogger(UdpTunnel.class);

    /** Datagrams per recvmmsg (QEMU: MAX_L2TPV3_MSGCNT = 64). */
    static final int BATCH = Integer.getInteger("netfabric.l2tpv3.batch", 16);
    /** Largest UDP payload over IPv4 (65535 - 20 - 8); IPv6 allows 65527 without jumbograms. */
    private static final int MAX_UDP_IPV4 = 65507;
    private static final int MAX_UDP_IPV6 = 65527;
    private static final int SLOT = 65536;

    private final DatagramChannel channel;
    private final InetSocketAddress dst;
    private final int maxDatagram;
    private L2tpv3Netdev netdev;
    /** One flush (sendmmsg) per loop turn. */
    private final CoalescedFlush flush;

    /** {@code channel} is bound and registered with the fabric's loop, not yet reading. */
    UdpTunnel(DatagramChannel channel, InetSocketAddress dst, boolean ipv6) {
        this.channel = channel;
        this.dst = dst;
        this.maxDatagram = ipv6 ? MAX_UDP_IPV6 : MAX_UDP_IPV4;
        this.flush = new CoalescedFlush(channel.eventLoop(), channel::flush);
    }

    /** Socket options before the channel is registered. */
    static void configure(DatagramChannel ch) {
        boolean epoll = ch instanceof EpollDatagramChannel;
        ch.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        ch.config().setAutoRead(false);
        ch.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(epoll ? SLOT * BATCH : SLOT));
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(512 * 1024, 1024 * 1024));
        ch.config().setOption(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024);
        ch.config().setOption(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024);
        if (epoll) {
            // A slot size turns on Netty's recvmmsg path (EpollDatagramChannel.doReadMessages).
            ch.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, SLOT);
        }
    }

    @Override
    public void start(L2tpv3Netdev owner) {
        this.netdev = owner;
        channel.pipeline().addLast(new Reader());
        channel.config().setAutoRead(true);
    }

    @Override
    public void send(ByteBuf datagram) {
        channel.write(new DatagramPacket(datagram, dst), channel.voidPromise());
        flush.request();
    }


    @Override
    public boolean writable() {
        return channel.isWritable();
    }

    @Override
    public void pauseReading() {
        channel.config().setAutoRead(false);
    }

    @Override
    public void resumeReading() {
        channel.config().setAutoRead(true);
    }

    @Override
    public int maxDatagram() {
        return maxDatagram;
    }

    @Override
    public void close() {
        channel.close();
    }

    private final class Reader extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket p)) {
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            ByteBuf d = p.content();
            if (d.readableBytes() >= SLOT) {
                netdev.oversizedReceived(d);
            } else {
                netdev.datagramReceived(d, d.readerIndex());
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                netdev.flushQueued();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A datagram the kernel refused (ICMP unreachable reported back, buffer full...).
            netdev.stats().sendErrors++;
            log.debug("{}: {}", netdev.name(), cause.toString());
        }
    }
}
