package io.netfabric.socket;

import io.netfabric.core.CoalescedFlush;
import io.netfabric.core.DropReason;
import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.SentCallback;
import io.netfabric.core.SocketOptions;
import io.netfabric.core.options.Netdev;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.Enumeration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A netdev over a datagram socket, one frame per datagram with no header: {@code socket,udp=}/
 * {@code mcast=} (net/socket.c) and {@code dgram} (net/dgram.c), over UDP or unix datagrams.
 *
 * <h2>Theory of operation</h2>
 * Every datagram received, from any source (QEMU filters none), is one frame sent to the peer;
 * every frame received from the peer is one datagram to the remote address. Multicast follows
 * QEMU: the socket is bound to the group's address and port with SO_REUSEADDR, joins the group on
 * the interface of {@code localaddr}, keeps IP_MULTICAST_LOOP on (so it hears itself and the
 * other members on this host) and leaves the TTL at the kernel's default of 1. Back-pressure as
 * in {@link StreamNetdev}: a full send buffer answers 0, a busy peer stops reading. An empty
 * datagram is dropped and counted (QEMU would stop reading for good, §1.5).
 *
 * <p>Batching: on the epoll transport a UDP socket reads with recvmmsg, up to {@link #BATCH}
 * datagrams a call into slots of {@value #UDP_SLOT} bytes of one pooled buffer (each frame is a
 * slice of it), and the frames written during one event-loop turn leave with one flush, which
 * Netty's epoll channel turns into one sendmmsg; towards a UDP address runs of equal frames go
 * as UDP_SEGMENT trains ({@link SegmentTrain}), still one datagram per frame on the wire. QEMU
 * 7.2 reads one datagram per wakeup and sends each frame with its own sendto
 * ({@code net_socket_send_dgram}, {@code net_socket_receive_dgram}). NIO and unix datagram
 * channels read one datagram per call and send one per frame.
 * A unix datagram longer than a frame (69632 bytes) fills its one-byte-larger buffer and is
 * dropped and counted ({@link DropReason#BAD_LENGTH}) rather than passed on cut short as QEMU's
 * fixed buffer does; a UDP datagram (65507 bytes at most) always fits.
 */
final class DatagramNetdev extends NetClient {
    private static final Logger log = LoggerFactory.getLogger(DatagramNetdev.class);
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);
    /** Datagrams per recvmmsg (epoll, UDP); {@code -Dnetfabric.socket.batch=N}, 1 turns recvmmsg off. */
    static final int BATCH = Math.max(1, Integer.getInteger("netfabric.socket.batch", 16));
    /** A UDP receive slot: the largest UDP payload (65507 bytes over IPv4, 65527 over IPv6) fits. */
    static final int UDP_SLOT = 65536;
    /** A unix datagram receive buffer: one byte more than a frame, so that a longer datagram shows. */
    static final int UNIX_SLOT = MAX_FRAME + 1;

    private final Fabric owner;
    /** Where each frame goes; null for a given socket, which send()s (to its peer when connected). */
    private final SocketAddress remote;
    private final String info;
    private final SentCallback resume = (sender, result) -> resumeReading();
    private Channel channel;
    /** Frames towards a UDP address, gathered per loop turn; null where trains are not available. */
    private SegmentTrain train;
    private final CoalescedFlush flush;
    private boolean unixBound;
    private SocketAddress local;

    private DatagramNetdev(Fabric owner, String name, String model, SocketAddress remote, String info) {
        super(name, model);
        this.owner = owner;
        this.flush = new CoalescedFlush(owner.eventLoop(), this::flushNow);
        this.remote = remote;
        this.info = info;
    }

    /** Unicast UDP: bound to {@code local}, sending to {@code remote}. */
    static DatagramNetdev udp(Fabric f, String name, String model, InetSocketAddress local, InetSocketAddress remote,
                              String info, String bindError) {
        DatagramNetdev n = new DatagramNetdev(f, name, model, remote, info);
        Channel ch = n.open(f.transport().datagramChannel(), UDP_SLOT);
        ch.config().setOption(ChannelOption.SO_REUSEADDR, true);
        n.bind(ch, local, bindError);
        return n;
    }

    /**
     * Multicast, as QEMU's {@code net_socket_mcast_create()}: bound to the group, member on the
     * interface of {@code localAddr} (any when null), loop on, TTL untouched (1).
     */
    static DatagramNetdev multicast(Fabric f, String name, String model, InetSocketAddress group, InetAddress localAddr,
                                    String info) {
        DatagramNetdev n = new DatagramNetdev(f, name, model, group, info);
        DatagramChannel ch = (DatagramChannel) n.open(f.transport().datagramChannel(), UDP_SLOT);
        ch.config().setOption(ChannelOption.SO_REUSEADDR, true);
        n.bind(ch, group, "can't bind ip=" + group.getAddress().getHostAddress() + " to socket");
        if (ch instanceof EpollDatagramChannel e && group.getAddress() instanceof java.net.Inet4Address) {
            joinAsQemu(e, group.getAddress(), localAddr);
            return n;
        }
        NetworkInterface iface = multicastInterface(localAddr);
        try {
            ch.config().setOption(ChannelOption.IP_MULTICAST_LOOP_DISABLED, false);
            if (localAddr != null) {
                ch.config().setOption(ChannelOption.IP_MULTICAST_ADDR, localAddr);
            }
        } catch (RuntimeException e) {
            ch.close();
            throw FabricException.generic("can't force multicast message to loopback: " + OsErrors.strerror(e));
        }
        ChannelFuture joined = ch.joinGroup(group, iface);   // done at once on the loop thread
        if (joined.isDone() && !joined.isSuccess()) {
            ch.close();
            throw FabricException.generic("can't add socket to multicast group " + group.getAddress().getHostAddress()
                    + ": " + OsErrors.strerror(joined.cause()));
        }
        return n;
    }

    /**
     * net/socket.c {@code net_socket_mcast_create()}'s three calls, in its order and with its
     * messages: IP_ADD_MEMBERSHIP with the local address as {@code imr_interface} (INADDR_ANY
     * without one), so the kernel picks the device as it does for QEMU (any 127/8 address is lo's,
     * 0.0.0.0 the routed one, an address no device has ENODEV); loop on; IP_MULTICAST_IF.
     */
    private static void joinAsQemu(EpollDatagramChannel ch, InetAddress group, InetAddress localAddr) {
        int fd = ch.fd().intValue();
        byte[] local = localAddr == null ? new byte[4] : localAddr.getAddress();
        byte[] mreq = new byte[8];
        System.arraycopy(group.getAddress(), 0, mreq, 0, 4);
        System.arraycopy(local, 0, mreq, 4, 4);
        String step = "can't add socket to multicast group " + group.getHostAddress();
        try {
            SocketOptions.set(fd, SocketOptions.IPPROTO_IP, SocketOptions.IP_ADD_MEMBERSHIP, mreq);
            step = "can't force multicast message to loopback";
            SocketOptions.set(fd, SocketOptions.IPPROTO_IP, SocketOptions.IP_MULTICAST_LOOP, new byte[] {1});   // a byte is taken too
            if (localAddr != null) {
                step = "can't set the default network send interface";
                SocketOptions.set(fd, SocketOptions.IPPROTO_IP, SocketOptions.IP_MULTICAST_IF, local);
            }
        } catch (java.io.IOException e) {
            ch.close();
            throw FabricException.generic(step + ": " + e.getMessage());
        }
    }

    /** Unix datagrams: bound to {@code localPath} (a stale file is removed first), sending to {@code remotePath}. */
    static DatagramNetdev unix(Fabric f, String name, String localPath, String remotePath) {
        Class<? extends Channel> type = f.transport().domainDatagramChannel();
        if (type == null) {
            throw FabricException.generic("can't create datagram socket: unix datagram sockets need the epoll transport");
        }
        DatagramNetdev n = new DatagramNetdev(f, name, "dgram", new DomainSocketAddress(remotePath),
                "udp=" + localPath + ":" + remotePath);
        Channel ch = n.open(type, UNIX_SLOT);
        SocketAddress local = new DomainSocketAddress(localPath);
        String unlinkError = UnixPaths.unlinkStale(local);
        if (unlinkError != null) {
            ch.close();
            throw FabricException.generic("failed to unlink socket " + localPath + ": " + unlinkError);
        }
        n.bind(ch, local, "can't bind unix=" + localPath + " to socket");
        n.unixBound = true;
        return n;
    }

    /**
     * {@code socket,fd=} or {@code dgram} with {@code local.type=fd}: a datagram socket that was
     * given. Frames are sent with send(), as QEMU does for a unix one ({@code net_socket_receive_dgram},
     * {@code net_dgram_receive} with no destination): a connected socket sends to its peer, an
     * unconnected one fails each send (counted), where QEMU's sendto() to an empty address fails too.
     */
    static DatagramNetdev inherited(Fabric f, String name, String model, InheritedSocket socket, String info) {
        DatagramNetdev n = new DatagramNetdev(f, name, model, null, info);
        n.setUp(socket.datagramChannel(), socket.unix() ? UNIX_SLOT : UDP_SLOT);
        return n;
    }

    private Channel open(Class<? extends Channel> type, int receiveBuffer) {
        Channel ch;
        if (DatagramChannel.class.isAssignableFrom(type)) {
            // An IPv4 socket, as QEMU's: the transports' default dual-stack IPv6 socket refuses
            // (EINVAL) to send to an IPv4 multicast group.
            try {
                ch = type.getConstructor(SocketProtocolFamily.class).newInstance(SocketProtocolFamily.INET);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(type + " has no family constructor", e);
            }
        } else {
            ch = new ReflectiveChannelFactory<>(type).newChannel();
        }
        // Room for bursts while the loop is busy elsewhere (QEMU keeps the kernel default).
        ch.config().setOption(ChannelOption.SO_RCVBUF, 1024 * 1024);
        return setUp(ch, receiveBuffer);
    }

    /** Reads into {@code slot}-byte buffers, {@link #BATCH} slots per recvmmsg where the channel has it. */
    private Channel setUp(Channel ch, int slot) {
        if (ch instanceof EpollDatagramChannel && BATCH > 1) {
            // A slot size turns on Netty's recvmmsg path (EpollDatagramChannel.scatteringRead):
            // as many datagrams per call as whole slots fit the buffer it is given.
            ch.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, slot);
            ch.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(slot * BATCH));
        } else {
            ch.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(slot));
        }
        ch.config().setWriteBufferWaterMark(WATER_MARK);
        if (remote instanceof InetSocketAddress in && SegmentTrain.available(ch)) {
            train = new SegmentTrain(in, name());
        }
        ch.pipeline().addLast(new DatagramHandler());
        ChannelFuture reg = owner.eventLoop().register(ch);
        if (!reg.isDone() || !reg.isSuccess()) {
            ch.unsafe().closeForcibly();
            throw FabricException.generic("can't create datagram socket: "
                    + (reg.cause() == null ? "not registered" : OsErrors.strerror(reg.cause())));
        }
        channel = ch;
        return ch;
    }

    private void bind(Channel ch, SocketAddress addr, String error) {
        ChannelFuture b = ch.bind(addr);
        if (!b.isSuccess()) {
            ch.close();
            throw FabricException.generic(error + ": " + OsErrors.strerror(b.cause()));
        }
        local = addr;
    }

    /**
     * Under NIO (no descriptor to set options on): the interface that has {@code localAddr};
     * without one, the first multicast-capable interface that is up.
     */
    private static NetworkInterface multicastInterface(InetAddress localAddr) {
        try {
            if (localAddr != null) {
                NetworkInterface ni = NetworkInterface.getByInetAddress(localAddr);
                if (ni == null) {
                    throw FabricException.generic("can't add socket to multicast group: no interface has "
                            + localAddr.getHostAddress());
                }
                return ni;
            }
            NetworkInterface loopback = null;
            for (Enumeration<NetworkInterface> e = NetworkInterface.getNetworkInterfaces(); e.hasMoreElements(); ) {
                NetworkInterface ni = e.nextElement();
                if (!ni.isUp()) {
                    continue;
                }
                if (ni.isLoopback()) {
                    loopback = ni;
                } else if (ni.supportsMulticast()) {
                    return ni;
                }
            }
            return loopback;
        } catch (SocketException e) {
            throw FabricException.generic("can't add socket to multicast group: " + e.getMessage());
        }
    }

    private void resumeReading() {
        Channel ch = channel;
        if (ch != null) {
            ch.config().setAutoRead(true);
        }
    }

    private void flushNow() {
        Channel ch = channel;
        if (ch != null) {
            if (train != null) {
                train.send(ch);
            }
            ch.flush();
        }
    }

    /** The address this netdev is bound to (tests read the port the kernel chose). */
    SocketAddress localAddress() {
        Channel ch = channel;
        return ch == null ? local : ch.localAddress();
    }

    @Override
    protected int receive(ByteBuf frame) {
        int len = frame.readableBytes();
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            counters().drop(DropReason.RECEIVER_LINK_DOWN);
            frame.release();
            return len;
        }
        if (!ch.isWritable()) {
            return 0;
        }
        if (train != null) {
            train.add(ch, frame);
        } else {
            Object packet = remote == null ? frame
                    : remote instanceof DomainSocketAddress d ? new DomainDatagramPacket(frame, d)
                    : new DatagramPacket(frame, (InetSocketAddress) remote);
            ch.write(packet, ch.voidPromise());
        }
        flush.request();
        return len;
    }

    @Override
    public String info() {
        return info;
    }

    /**
     * For {@code socket} (udp, mcast, fd), QEMU 6.0-rc's stored config (net/socket.c, reference
     * §10): the options as given plus {@code fd}, the socket's descriptor. {@code dgram} keeps its
     * options as given.
     */
    @Override
    public Netdev storedConfig() {
        return StreamNetdev.socketStoredConfig(creationOptions(), channel == null ? -1 : StreamNetdev.descriptor(channel));
    }

    @Override
    protected void cleanup() {
        Channel ch = channel;
        channel = null;
        if (train != null) {
            train.discard();
        }
        if (ch != null) {
            ch.close();
        }
        if (unixBound) {
            UnixPaths.unlinkOwn(local);
        }
    }

    private final class DatagramHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = msg instanceof ByteBufHolder h ? h.content() : (ByteBuf) msg;
            if (ctx.channel() != channel) {
                frame.release();
                return;
            }
            if (!frame.isReadable() || frame.readableBytes() > MAX_FRAME) {
                // An empty datagram: QEMU would stop reading for good (§1.5). Dropped here
                // because sendAsync's answer for it (0) would read as "queued". A longer one
                // than a frame (unix only) filled its buffer and was cut short: dropped too.
                counters().drop(DropReason.BAD_LENGTH);
                frame.release();
                return;
            }
            if (sendAsync(frame, resume) == 0) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel() == channel && ctx.channel().isWritable()) {
                flushQueued();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A send error (no listener on a unix path, EMSGSIZE) loses that datagram only.
            counters().drop(DropReason.RECEIVER_ERROR);
            log.debug("{}: datagram error: {}", name(), OsErrors.strerror(cause), cause);
        }
    }
}
