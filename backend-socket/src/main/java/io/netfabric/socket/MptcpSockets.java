package io.netfabric.socket;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/**
 * Multipath TCP sockets for a {@code stream} inet address with {@code mptcp=on}, as QEMU 7.2
 * opens them ({@code socket(family, SOCK_STREAM, IPPROTO_MPTCP)} in util/qemu-sockets.c). Netty
 * creates only plain TCP sockets, so these are made, bound and connected through libc and then
 * handed to Netty's epoll channels by descriptor. A kernel without MPTCP refuses the socket
 * (QEMU 7.2: the netdev's {@code connection error}).
 */
final class MptcpSockets {
    static final int IPPROTO_MPTCP = 262;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    private static final int SO_KEEPALIVE = 9;
    private static final int SO_PROTOCOL = 38;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;

    private MptcpSockets() {
    }

    /**
     * A listening MPTCP socket on {@code a} ({@code SO_REUSEADDR}, {@code IPV6_V6ONLY} as given,
     * {@code listen(fd, 0)}), non-blocking; its descriptor.
     */
    static int listen(InetSocketAddress a, boolean v6Only) throws IOException {
        int fd = socket(a, SOCK_NONBLOCK);
        try {
            Libc.setIntOption(fd, SOL_SOCKET, SO_REUSEADDR, 1);
            if (a.getAddress() instanceof Inet6Address && v6Only) {
                Libc.setIntOption(fd, Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, 1);
            }
            check(Libc.Holder.LIBC.bind(fd, sockaddr(a), sockaddrLength(a)), "bind");
            new io.netty.channel.unix.Socket(fd).listen(0);
            return fd;
        } catch (IOException e) {
            InheritedSocket.close(fd);
            throw e;
        }
    }

    /**
     * An MPTCP connection to {@code a}: a blocking connect (callers run it off the event loop, as
     * QEMU connects in a thread), then non-blocking, {@code TCP_NODELAY} and, when asked,
     * {@code SO_KEEPALIVE}; its descriptor.
     */
    static int connect(InetSocketAddress a, boolean keepAlive) throws IOException {
        int fd = socket(a, 0);
        try {
            check(Libc.Holder.LIBC.connect(fd, sockaddr(a), sockaddrLength(a)), "connect");
            Libc.setIntOption(fd, IPPROTO_TCP, TCP_NODELAY, 1);
            if (keepAlive) {
                Libc.setIntOption(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
            }
            int flags = Libc.Holder.LIBC.fcntl(fd, Libc.F_GETFL, 0);
            check(flags < 0 ? -1 : Libc.Holder.LIBC.fcntl(fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK), "fcntl");
            return fd;
        } catch (IOException e) {
            InheritedSocket.close(fd);
            throw e;
        }
    }

    /** The descriptor's protocol ({@code SO_PROTOCOL}): {@link #IPPROTO_MPTCP} for ours. */
    static int protocol(int fd) {
        IntByReference v = new IntByReference();
        IntByReference len = new IntByReference(4);
        return Libc.Holder.LIBC.getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, v, len) == 0 ? v.intValue() : -1;
    }

    private static int socket(InetSocketAddress a, int flags) throws IOException {
        int family = a.getAddress() instanceof Inet6Address ? AF_INET6 : AF_INET;
        int fd = Libc.Holder.LIBC.socket(family, SOCK_STREAM | SOCK_CLOEXEC | flags, IPPROTO_MPTCP);
        if (fd < 0) {
            throw new IOException("socket(IPPROTO_MPTCP): " + Libc.Holder.LIBC.strerror(Libc.Holder.errno()));
        }
        return fd;
    }

    private static void check(int rc, String what) throws IOException {
        if (rc != 0) {
            throw new IOException(what + ": " + Libc.Holder.LIBC.strerror(Libc.Holder.errno()));
        }
    }

    private static int sockaddrLength(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address ? 28 : 16;
    }

    /** struct sockaddr_in (16 octets) or sockaddr_in6 (28): family, port big-endian, address. */
    private static Pointer sockaddr(InetSocketAddress a) {
        Pointer p = Memory.allocateDirect(Libc.Holder.RUNTIME, 28, true);
        byte[] ip = a.getAddress().getAddress();
        boolean v6 = a.getAddress() instanceof Inet6Address;
        p.putShort(0, (short) (v6 ? AF_INET6 : AF_INET));   // host order, as the struct has it
        p.putByte(2, (byte) (a.getPort() >> 8));
        p.putByte(3, (byte) a.getPort());
        p.put(v6 ? 8 : 4, ip, 0, ip.length);
        if (v6) {
            p.putInt(24, ((Inet6Address) a.getAddress()).getScopeId());
        }
        return p;
    }
}
