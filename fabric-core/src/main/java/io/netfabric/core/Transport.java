package io.netfabric.core;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The I/O engine under a fabric's event loop: native epoll when Netty can load it, else NIO. */
public enum Transport {
    EPOLL,
    NIO;

    /** Epoll when available, unless {@code -Dnetfabric.transport=nio} asks for NIO. */
    public static Transport best() {
        if ("nio".equalsIgnoreCase(System.getProperty("netfabric.transport"))) {
            return NIO;
        }
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /**
     * A new TCP client channel of one address family: an IPv4 socket for an IPv4 peer saves the
     * dual-stack socket's extra {@code IPV6_V6ONLY} and address-mapping work on every connect.
     */
    public Channel newSocketChannel(SocketProtocolFamily family) {
        return this == EPOLL ? new EpollSocketChannel(family)
                : new NioSocketChannel(java.nio.channels.spi.SelectorProvider.provider(), family);
    }

    /**
     * A new TCP listener of one address family: an IPv4 address gets an IPv4 socket, as QEMU's
     * and libslirp's listeners are ({@code ss} shows {@code 127.0.0.1:P}, not Netty's dual-stack
     * {@code [::ffff:127.0.0.1]:P}).
     */
    public ServerChannel newServerSocketChannel(SocketProtocolFamily family) {
        return this == EPOLL ? new EpollServerSocketChannel(family)
                : new NioServerSocketChannel(java.nio.channels.spi.SelectorProvider.provider(), family);
    }

    /** A new UDP channel of one address family (see {@link #newServerSocketChannel}). */
    public Channel newDatagramChannel(SocketProtocolFamily family) {
        return this == EPOLL ? new EpollDatagramChannel(family)
                : new NioDatagramChannel(java.nio.channels.spi.SelectorProvider.provider(), family);
    }

    /** The family of {@code a}'s address: INET6 for an IPv6 address, else INET. */
    public static SocketProtocolFamily familyOf(java.net.InetSocketAddress a) {
        return a.getAddress() instanceof java.net.Inet6Address ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
    }

    /** A new unix stream client channel (guestfwd to a unix socket, one per guest connection). */
    public Channel newDomainSocketChannel() {
        return this == EPOLL ? new EpollDomainSocketChannel() : new NioDomainSocketChannel();
    }

    /** TCP client channels for this transport. */
    public Class<? extends Channel> socketChannel() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public Class<? extends ServerChannel> serverSocketChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** Unix stream sockets (NIO has them since JDK 16). */
    public Class<? extends Channel> domainSocketChannel() {
        return this == EPOLL ? EpollDomainSocketChannel.class : NioDomainSocketChannel.class;
    }

    public Class<? extends ServerChannel> serverDomainSocketChannel() {
        return this == EPOLL ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
    }

    /** UDP channels, multicast included. */
    public Class<? extends Channel> datagramChannel() {
        return this == EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    /** Unix datagram sockets: only the native transport has them; null on NIO. */
    public Class<? extends Channel> domainDatagramChannel() {
        return this == EPOLL ? EpollDomainDatagramChannel.class : null;
    }

    /** A Netty I/O handler factory for event loops of this transport. */
    public IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }
}
