package io.netfabric.user.nat;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Host UDP sockets as the engines see them: no Netty channel types, so the NAT, the DNS
 * forwarder and their tests run without I/O. The adapter ({@code io.netfabric.user.NettyHostUdp})
 * opens Netty datagram channels on the fabric's event loop and calls receivers on it.
 */
public interface HostUdp {
    /** Opens a socket bound to an ephemeral port of the wildcard address of the family. */
    Socket open(boolean ipv6, Receiver receiver);

    /**
     * Opens a socket connected to {@code remote}: the host then reports an unreachable port
     * ({@link Receiver#unreachable}) and drops datagrams from anyone else.
     */
    Socket openConnected(InetSocketAddress remote, Receiver receiver);

    /**
     * Whether the sockets of {@link #open} report the host's ICMP errors themselves
     * ({@link Receiver#error}); when not, only a raw socket can see them.
     */
    default boolean reportsErrors() {
        return false;
    }

    /** An open host socket. */
    interface Socket {
        /** Sends {@code payload} (taken: released by the socket) to {@code to}. */
        void send(ByteBuf payload, InetSocketAddress to);

        void close();

        /** The local port once bound, else 0. */
        int localPort();

        /** The socket's descriptor, for {@code info usernet}; -1 when it has none. */
        default int fd() {
            return -1;
        }
    }

    /** What a socket got. Called on the loop thread. */
    interface Receiver {
        /** A datagram from {@code from}; {@code payload} is borrowed for the call. */
        void received(ByteBuf payload, InetSocketAddress from, long now);

        /** The host reported the last destination unreachable (ICMP port unreachable, ECONNREFUSED). */
        default void unreachable(InetSocketAddress to, long now) {
        }

        /**
         * An ICMP ({@code icmpv6} false) or ICMPv6 error about a datagram this socket sent to
         * {@code to}, whose payload the error quoted {@code quotedLength} octets of. Only from
         * sockets of {@link #open} when {@link #reportsErrors()}.
         */
        default void error(InetSocketAddress to, boolean icmpv6, int type, int code, int quotedLength, long now) {
        }
    }
}
