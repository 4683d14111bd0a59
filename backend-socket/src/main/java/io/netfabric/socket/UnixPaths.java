package io.netfabric.socket;

import io.netfabric.core.Transport;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Unix socket addresses: the native transport uses Netty's {@link DomainSocketAddress}, NIO the
 * JDK's {@link UnixDomainSocketAddress}. QEMU unlinks a stale path before it binds
 * ({@code unix_listen_saddr()}, net/dgram.c) and removes its listening socket when done.
 */
final class UnixPaths {
    /** {@code sizeof(sun_path)} is 108: the path and its NUL must fit. */
    static final int MAX_PATH = 108;

    private UnixPaths() {
    }

    static SocketAddress address(Transport transport, String path) {
        return transport == Transport.EPOLL ? new DomainSocketAddress(path) : UnixDomainSocketAddress.of(path);
    }

    /**
     * A Linux abstract-namespace address ({@code abstract=on}): no file, the name after a NUL in
     * {@code sun_path}. {@code tight} (QEMU's default) makes the address exactly as long as the
     * name; without it the name is padded with NULs to the whole {@code sun_path}, which is
     * another name (QEMU's {@code unix_listen_saddr()}/{@code unix_connect_saddr()}). Netty's
     * epoll transport binds a path that starts with NUL in the abstract namespace, with an
     * address length of exactly its bytes; NIO has no abstract addresses.
     */
    static SocketAddress abstractAddress(Transport transport, String name, boolean tight) {
        if (transport != Transport.EPOLL) {
            throw io.netfabric.core.FabricException.generic(
                    "abstract unix socket addresses need the epoll transport (the JDK has none)");
        }
        StringBuilder b = new StringBuilder("\0").append(name);
        if (!tight) {
            while (b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MAX_PATH) {
                b.append('\0');
            }
        }
        return new DomainSocketAddress(b.toString());
    }

    /**
     * Whether {@code a} is an abstract name padded to the whole sun_path ({@code tight=off}):
     * Netty refuses to bind or connect such a path, so {@link #bindLoose}/{@link #connectLoose}
     * do it on a socket Netty then wraps.
     */
    static boolean isLooseAbstract(SocketAddress a) {
        return isAbstract(a) && bytes(a).length == MAX_PATH;
    }

    private static byte[] bytes(SocketAddress a) {
        return path(a).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A new non-blocking unix stream socket bound to a whole-length abstract name; its fd. */
    static int bindLoose(SocketAddress a) throws IOException {
        return withSockaddr(a, (fd, addr) -> Libc.Holder.LIBC.bind(fd, addr, 2 + MAX_PATH), "bind");
    }

    /** A new non-blocking unix stream socket connected to a whole-length abstract name; its fd. */
    static int connectLoose(SocketAddress a) throws IOException {
        return withSockaddr(a, (fd, addr) -> Libc.Holder.LIBC.connect(fd, addr, 2 + MAX_PATH), "connect");
    }

    private interface SockaddrCall {
        int call(int fd, jnr.ffi.Pointer addr);
    }

    private static int withSockaddr(SocketAddress a, SockaddrCall call, String what) throws IOException {
        int fd = io.netty.channel.unix.Socket.newSocketDomain().intValue();
        // struct sockaddr_un: sa_family_t AF_UNIX (1), then sun_path.
        jnr.ffi.Pointer addr = jnr.ffi.Memory.allocateDirect(Libc.Holder.RUNTIME, 2 + MAX_PATH, true);
        addr.putShort(0, (short) 1);
        byte[] path = bytes(a);
        addr.put(2, path, 0, path.length);
        if (call.call(fd, addr) != 0) {
            int errno = Libc.Holder.errno();
            InheritedSocket.close(fd);
            throw new IOException(what + ": " + Libc.Holder.LIBC.strerror(errno));
        }
        return fd;
    }

    /** Whether the address is in the abstract namespace. */
    static boolean isAbstract(SocketAddress a) {
        return a instanceof DomainSocketAddress d && d.path().startsWith("\0");
    }

    /**
     * The name QEMU's {@code socket_uri()} prints: the path, or an abstract name up to its first
     * NUL (printf's {@code %s}); empty for an unnamed socket (one end of a socketpair).
     */
    static String shownPath(SocketAddress a) {
        String p = path(a);
        if (!isAbstract(a)) {
            return p;
        }
        int end = p.indexOf('\0', 1);
        return p.substring(1, end < 0 ? p.length() : end);
    }

    /** The path; empty for an unnamed socket (one end of a socketpair), as QEMU shows it. */
    static String path(SocketAddress a) {
        if (a == null) {
            return "";
        }
        if (a instanceof DomainSocketAddress d) {
            return d.path();
        }
        if (a instanceof UnixDomainSocketAddress u) {
            return u.getPath().toString();
        }
        return String.valueOf(a);
    }

    /** Removes a socket file left by an earlier run; answers the error text or null. */
    static String unlinkStale(SocketAddress a) {
        if (isAbstract(a)) {
            return null;   // no file
        }
        try {
            Files.deleteIfExists(Path.of(path(a)));
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    static void unlinkOwn(SocketAddress a) {
        unlinkStale(a);
    }
}
