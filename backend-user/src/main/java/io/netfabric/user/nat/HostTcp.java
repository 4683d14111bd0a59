package io.netfabric.user.nat;

import io.netfabric.user.tcp.TcpConnection;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Host TCP sockets as the engines see them, without Netty channel types, so the TCP NAT and
 * the forwards run under a test's fake host and manual clock. The adapter
 * ({@code io.netfabric.user.NettyHostTcp}) uses Netty channels on the fabric's loop and calls
 * the events on it.
 */
public interface HostTcp {
    /** Why a connect() failed, as libslirp tells the guest: RST, or ICMP unreachable. */
    enum Failure {
        REFUSED,
        UNREACHABLE,
        OTHER
    }

    /** Starts a connect to {@code remote}; {@code events} learns how it went. */
    Stream connect(InetSocketAddress remote, Events events);

    /** Starts a connect to the Unix stream socket at {@code path} (guestfwd {@code unix:}). */
    Stream connectUnix(String path, Events events);

    /**
     * Runs {@code command} (cut into words as libslirp's fork_exec cuts it, no shell), its
     * stdin, stdout and stderr being the stream (guestfwd {@code cmd:}, smbd).
     */
    Stream exec(String command, Events events);

    /**
     * Listens on {@code local} now (so that a busy port fails the caller at once); each accepted
     * connection is offered to {@code acceptor}.
     */
    Listener listen(InetSocketAddress local, Acceptor acceptor) throws IOException;

    /**
     * Binds a UDP socket to {@code local} now (a UDP host forward). It lives here rather than in
     * {@link HostUdp} because only the forwards need a fixed local address.
     */
    HostUdp.Socket bindUdp(InetSocketAddress local, HostUdp.Receiver receiver) throws IOException;

    /** One host connection; the engine's host side. */
    interface Stream extends TcpConnection.HostSide {
    }

    /** What happens on a host connection. Loop thread. */
    interface Events {
        void connected(long now);

        void failed(Failure failure, long now);

        /** Data from the host; takes the reference. */
        void data(ByteBuf data, long now);

        /** The host shut its output (EOF). */
        void eof(long now);

        /** The host reset the connection or it failed. */
        void reset(long now);

        /** Some written data left the user-space backlog. */
        void written(long now);
    }

    interface Acceptor {
        /** A host client connected; answer its events handler (null closes it). */
        Events accepted(Stream stream, InetSocketAddress client, long now);
    }

    interface Listener {
        InetSocketAddress localAddress();

        /** The socket's descriptor, for {@code info usernet}; -1 when it has none. */
        default int fd() {
            return -1;
        }

        void close();
    }
}
