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
