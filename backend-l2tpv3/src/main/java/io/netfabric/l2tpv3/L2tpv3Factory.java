package io.netfabric.l2tpv3;

import io.netfabric.core.ErrorClass;
import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.L2tpv3Options;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.spi.NetdevFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.util.Set;
import jnr.ffi.Pointer;

/**
 * {@code -netdev l2tpv3,...} (QEMU 7.2 net/l2tpv3.c {@code net_init_l2tpv3}): option checks,
 * then getaddrinfo for src, socket and bind, getaddrinfo for dst, each failure with QEMU's
 * message and the socket closed again.
 *
 * <p>The socket is opened through libc (JNR-FFI) in both modes so that errno values and lookup
 * semantics (service names, ports above 65535 wrapping) are QEMU's. Over UDP under epoll the fd
 * is then handed to a Netty {@link EpollDatagramChannel}; under NIO it is closed and Netty binds
 * the same address itself.
 */
public final class L2tpv3Factory implements NetdevFactory {
    @Override
    public Set<String> types() {
        return Set.of(L2tpv3Options.TYPE);
    }

    @Override
    public NetClient create(Fabric fabric, Netdev netdev) {
        L2tpv3Options o = (L2tpv3Options) netdev.options();
        L2tpv3Settings s = L2tpv3Settings.of(o);
        Libc libc = Libc.Holder.LIBC;
        SocketAddressBytes src;
        try {
            src = SocketAddressBytes.lookup(o.src(), o.srcport(), s.ipv6(), s.udp());
        } catch (SocketAddressBytes.LookupFailure e) {
            throw FabricException.generic("could not resolve src, errno = " + e.getMessage());
        }
        int fd = libc.socket(src.family(), s.udp() ? Libc.SOCK_DGRAM : Libc.SOCK_RAW, s.udp() ? 0 : Libc.IPPROTO_L2TP);
        if (fd < 0) {
            int err = Libc.Holder.errno();
            String hint = s.udp() ? null
                    : "L2TPv3 over IP needs a raw socket: run as root or grant CAP_NET_RAW, or use udp=on\n";
            throw new FabricException(ErrorClass.GenericError, "socket creation failed, errno = " + err, hint, null);
        }
        boolean handedOver = false;
        try {
            Pointer sa = src.toNative();
            if (libc.bind(fd, sa, src.bytes().length) != 0) {
                throw FabricException.generic("could not bind socket err=" + Libc.Holder.errno());
            }
            SocketAddressBytes dst;
            try {
                dst = SocketAddressBytes.lookup(o.dst(), o.dstport(), s.ipv6(), s.udp());
            } catch (SocketAddressBytes.LookupFailure e) {
                throw FabricException.generic("could not resolve dst, error = " + e.getMessage());
            }
            Tunnel tunnel;
            if (s.udp()) {
                tunnel = udpTunnel(fabric, fd, src, dst, s.ipv6());
            } else {
                tunnel = new RawIpTunnel(fd, s.ipv6(), dst, fabric.eventLoop());
            }
            handedOver = true;
            L2tpv3Netdev n = new L2tpv3Netdev(netdev.id(), s, tunnel);
            n.start();
            return n;
        } finally {
            if (!handedOver) {
                libc.close(fd);
            }
        }
    }

    private static Tunnel udpTunnel(Fabric fabric, int fd, SocketAddressBytes src, SocketAddressBytes dst, boolean ipv6) {
        Libc libc = Libc.Holder.LIBC;
        DatagramChannel ch;
        boolean bindHere = false;
        if (fabric.transport() == io.netfabric.core.Transport.EPOLL) {
            libc.fcntl(fd, Libc.F_SETFL, libc.fcntl(fd, Libc.F_GETFL, 0) | Libc.O_NONBLOCK);
            ch = new EpollDatagramChannel(fd);
        } else {
            libc.close(fd);
            ch = new NioDatagramChannel(ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET);
            bindHere = true;
        }
        UdpTunnel.configure(ch);
        ChannelFuture reg = fabric.eventLoop().register(ch);
        if (!reg.isSuccess()) {
            ch.unsafe().closeForcibly();
            throw FabricException.generic("could not register the l2tpv3 socket: " + reg.cause());
        }
        if (bindHere) {
            // create() runs on the loop, where bind completes before it returns.
            ChannelFuture b = ch.bind(src.toInetSocketAddress());
            if (!b.isSuccess()) {
                ch.close();
                throw FabricException.generic("could not bind socket err=" + String.valueOf(b.cause()));
            }
        }
        return new UdpTunnel(ch, dst.toInetSocketAddress(), ipv6);
    }
}
