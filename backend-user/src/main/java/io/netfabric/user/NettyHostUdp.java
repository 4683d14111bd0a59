package io.netfabric.user;

import io.netfabric.core.Fabric;
import io.netfabric.user.nat.HostUdp;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter from {@link HostUdp} to Netty datagram channels on the fabric's event loop, of the
 * fabric's transport (epoll or NIO). Channels bind asynchronously; datagrams sent before the
 * bind completes wait in a small queue. Receivers run on the loop with the netdev's clock.
 */
final class NettyHostUdp implements HostUdp {
    /** A read buffer for any UDP datagram (65,507 octets of payload over IPv4, 65,527 over IPv6). */
    static final int MAX_DATAGRAM = 65536;

    private static final Logger log = LoggerFactory.getLogger(NettyHostUdp.class);
    /** Datagrams held per socket while it binds; more are dropped (UDP may lose them anyway). */
    private static final int MAX_PENDING = 64;

    private final Fabric fabric;
    private final LongSupplier clock;
    private final Runnable afterEvent;
    /** The error queues' reader when unconnected sockets report ICMP errors (epoll and libc), else null. */
    private final UdpErrorQueue errors;

    /** @param afterEvent run after each receiver call (the netdev re-arms its timer) */
    NettyHostUdp(Fabric fabric, LongSupplier clock, Runnable afterEvent) {
        this.fabric = fabric;
        this.clock = clock;
        this.afterEvent = afterEvent;
        this.errors = fabric.transport() == io.netfabric.core.Transport.EPOLL ? UdpErrorQueue.create() : null;
    }

    @Override
    public boolean reportsErrors() {
        return errors != null;
    }

    @Override
    public Socket open(boolean ipv6, Receiver receiver) {
        return new NettySocket(receiver, null);
    }

    @Override
    public Socket openConnected(InetSocketAddress remote, Receiver receiver) {
        return new NettySocket(receiver, remote);
    }

    private final class NettySocket extends SimpleChannelInboundHandler<DatagramPacket> implements Socket {
        private final Receiver receiver;
        private final InetSocketAddress remote;
        private final Channel channel;
        private ArrayDeque<DatagramPacket> pending = new ArrayDeque<>();
        private boolean closed;
        /** IP_RECVERR is on: the host's ICMP errors about this socket's datagrams wait in its error queue. */
        private boolean queuesErrors;

        NettySocket(Receiver receiver, InetSocketAddress remote) {
            this.receiver = receiver;
            this.remote = remote;
            Bootstrap b = new Bootstrap().group(fabric.eventLoop()).channel(fabric.transport().datagramChannel())
                    .option(ChannelOption.SO_RCVBUF, 256 * 1024)
                    // Netty reads datagrams into 2048 octets by default and cuts longer ones; a host
                    // answer may be up to 65,507 (EDNS DNS, large UDP): read whole ones, as libslirp.
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                    // Netty 4.2's default (adaptive) allocator pools nothing above 16,896 octets
                    // when the heap is at most 512 MB: every read then got a fresh, zero-filled
                    // direct buffer (a fifth of the loop's time under a UDP stream). The pooled
                    // allocator, as the frame path uses, reuses them.
                    .option(ChannelOption.ALLOCATOR, io.netty.buffer.PooledByteBufAllocator.DEFAULT)
                    .handler(this);
            ChannelFuture f = remote == null ? b.bind(0) : b.connect(remote);
            channel = f.channel();
            f.addListener(done -> {
                ArrayDeque<DatagramPacket> q = pending;
                pending = null;
                if (!done.isSuccess() || closed) {
                    if (!done.isSuccess()) {
                        log.debug("host UDP socket failed: {}", done.cause().toString());
                    }
                    q.forEach(DatagramPacket::release);
                    return;
                }
                if (remote == null && errors != null) {
                    queuesErrors = errors.enable(NettyHostTcp.descriptor(channel),
                            channel.localAddress() instanceof InetSocketAddress a && a.getAddress() instanceof Inet6Address);
                    if (!queuesErrors) {
                        log.debug("IP_RECVERR refused on a host UDP socket: its ICMP errors are lost");
                    }
                }
                // One flush a datagram: several would go in one sendmmsg, whose next datagram
                // after one that drew an ICMP error on loopback meets the error and consumes it,
                // while the call returns only the count sent: the error queue would go unread.
                for (DatagramPacket p : q) {
                    write(p);
                    channel.flush();
                }
            });
        }

        @Override
        public void send(ByteBuf payload, InetSocketAddress to) {
            if (closed) {
                payload.release();
                return;
            }
            DatagramPacket p = new DatagramPacket(payload, to);
            if (pending != null) {
                if (pending.size() < MAX_PENDING) {
                    pending.add(p);
                } else {
                    p.release();
                }
                return;
            }
            write(p);
            channel.flush();
        }

        private void write(DatagramPacket p) {
            if (remote != null) {
                // A connected channel takes plain buffers; the address is implied.
                channel.write(p.content()).addListener(this::writeDone);
            } else if (queuesErrors) {
                // A send fails with the error the socket holds when an ICMP error came in since
                // the last read (sock_alloc_send_pskb returns sk_err): the datagram is then sent
                // again once the queue is read, so that an earlier refusal loses no later datagram.
                p.retain();
                channel.write(p).addListener(f -> {
                    if (!f.isSuccess() && f.cause() instanceof java.io.IOException && !closed
                            && readErrors(clock.getAsLong()) > 0) {
                        channel.writeAndFlush(p);
                    } else {
                        p.release();
                    }
                });
            } else {
                channel.write(p).addListener(this::writeDone);
            }
        }

        /** Hands the socket's queued ICMP errors to the receiver; returns how many were queued. */
        private int readErrors(long now) {
            int n = errors.drain(NettyHostTcp.descriptor(channel), e ->
                    receiver.error(e.destination(), e.icmpv6(), e.type(), e.code(), e.quotedLength(), now));
            if (n > 0) {
                afterEvent.run();
            }
            return n;
        }

        private void writeDone(io.netty.util.concurrent.Future<? super Void> f) {
            if (!f.isSuccess() && f.cause() instanceof PortUnreachableException && remote != null && !closed) {
                receiver.unreachable(remote, clock.getAsLong());
                afterEvent.run();
            }
        }

        @Override
        public void close() {
            closed = true;
            channel.close();
        }

        @Override
        public int fd() {
            return NettyHostTcp.descriptor(channel);
        }

        @Override
        public int localPort() {
            java.net.SocketAddress a = channel.localAddress();
            return a instanceof InetSocketAddress i ? i.getPort() : 0;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
            if (closed) {
                return;
            }
            receiver.received(msg.content(), msg.sender(), clock.getAsLong());
            afterEvent.run();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof PortUnreachableException && remote != null && !closed) {
                receiver.unreachable(remote, clock.getAsLong());
                afterEvent.run();
            } else if (queuesErrors && !closed && cause instanceof java.io.IOException) {
                // The read returned the error an ICMP message left (ECONNREFUSED, EHOSTUNREACH...)
                // and ended its burst: read the queue, then re-arm the edge-triggered read so
                // that datagrams queued behind the error are not left until the next one arrives.
                readErrors(clock.getAsLong());
                ctx.channel().config().setAutoRead(false);
                ctx.channel().config().setAutoRead(true);
            } else {
                log.debug("host UDP socket error: {}", cause.toString());
            }
        }
    }
}
