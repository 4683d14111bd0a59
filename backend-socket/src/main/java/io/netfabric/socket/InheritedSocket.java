package io.netfabric.socket;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.FdParam;
import io.netfabric.core.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import java.io.IOException;

/**
 * A socket the netdev was given rather than opened ({@code socket,fd=}, {@code stream} with
 * {@code addr.type=fd}, {@code dgram} with {@code local.type=fd}): the number or monitor name
 * resolved as QEMU's {@code monitor_fd_param}, made non-blocking as {@code
 * qemu_socket_try_set_nonblock}, its type and family read with getsockopt, then wrapped in the
 * matching Netty epoll channel, which owns (and on close closes) the descriptor.
 */
record InheritedSocket(int fd, int type, int family) {
    static final int SOCK_STREAM = 1;
    static final int SOCK_DGRAM = 2;
    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    private static final int SOL_SOCKET = 1;
    private static final int SO_TYPE = 3;
    private static final int SO_DOMAIN = 39;

    /** {@code fd=value} resolved and made non-blocking; QEMU's messages for each failure. */
    static int take(Fabric fabric, String netdevName, String value) {
        if (fabric.transport() != Transport.EPOLL) {
            throw FabricException.generic("fd= needs the epoll transport (this fabric runs on "
                    + fabric.transport() + ")");
        }
        int fd = FdParam.parse(fabric, value);
        Libc libc = Libc.Holder.LIBC;
        int fl = libc.fcntl(fd, Libc.F_GETFL, 0);
        if (fl < 0 || libc.fcntl(fd, Libc.F_SETFL, fl | Libc.O_NONBLOCK) < 0) {
            // net_init_socket(), net_dgram_init(): the descriptor is not closed here.
            throw FabricException.generic(netdevName + ": Can't use file descriptor " + fd + ": "
                    + libc.strerror(Libc.Holder.errno()));
        }
        return fd;
    }

    /**
     * getsockopt SO_TYPE and SO_DOMAIN. A descriptor that is no socket gives {@code error} (with
     * {@code : strerror} when {@code withErrno}) and is closed, as QEMU closes it.
     */
    static InheritedSocket probe(int fd, String error, boolean withErrno) {
        try {
            Socket s = new Socket(fd);   // its constructor's getsockname() already fails on a non-socket
            return new InheritedSocket(fd, s.getIntOpt(SOL_SOCKET, SO_TYPE), s.getIntOpt(SOL_SOCKET, SO_DOMAIN));
        } catch (IOException | ChannelException e) {
            close(fd);
            throw FabricException.generic(withErrno ? error + ": " + OsErrors.strerror(e) : error);
        }
    }

    /** Refuses (and closes) a socket that is not of {@code wanted} type; no QEMU message exists for it. */
    void checkType(int wanted, String netdevType) {
        if (type != wanted) {
            close(fd);
            throw FabricException.generic(netdevType + ": socket type=" + type + " for fd=" + fd + " must be "
                    + (wanted == SOCK_STREAM ? "SOCK_STREAM" : "SOCK_DGRAM"));
        }
    }

    boolean unix() {
        return family == AF_UNIX;
    }

    /** AF_INET/AF_INET6 show as QEMU's {@code SocketAddressType} {@code inet}, AF_UNIX as {@code unix}. */
    String addressType() {
        return unix() ? "unix" : "inet";
    }

    /** {@code socket_sockaddr_to_address()}: only inet and unix sockets carry frames here. */
    void checkFamily() {
        if (family != AF_INET && family != AF_INET6 && family != AF_UNIX) {
            close(fd);
            throw FabricException.generic("socket family " + family + " unsupported");
        }
    }

    /** An already-connected stream (TCP or unix). */
    Channel streamChannel() {
        return unix() ? new EpollDomainSocketChannel(fd) : new EpollSocketChannel(fd);
    }

    /** A socket to accept on; {@code listen(fd, 0)} first, as QEMU's {@code socket_listen()} for an fd. */
    Channel serverChannel() throws IOException {
        new Socket(fd).listen(0);
        // Netty's EpollServerDomainSocketChannel(int) takes the socket as not yet active, so it
        // never accepted (the TCP one asks the socket); it listens now, as we just made it.
        return unix() ? new EpollServerDomainSocketChannel(fd, true) : new EpollServerSocketChannel(fd);
    }

    /** A datagram socket, connected or not. */
    Channel datagramChannel() {
        return unix() ? new EpollDomainDatagramChannel(fd) : new EpollDatagramChannel(fd);
    }

    /** QEMU's {@code closesocket(fd)} on a failed setup: the descriptor was handed over, so it goes. */
    static void close(int fd) {
        try {
            new FileDescriptor(fd).close();
        } catch (IOException e) {
            // already gone: nothing to release
        }
    }
}
