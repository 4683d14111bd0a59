package io.netfabric.user.nat;

import java.net.InetAddress;

/**
 * Host ICMP echo sockets as the echo NAT sees them: one per address family, opened by the
 * adapter ({@code io.netfabric.user.NativeIcmp}) as an unprivileged ping socket when
 * {@code net.ipv4.ping_group_range} allows it, else a raw socket when the process has
 * CAP_NET_RAW, else not at all.
 */
public interface HostIcmp {
    /** The socket for the family, or null when the host allows none. */
    EchoSocket open(boolean ipv6, Receiver receiver);

    interface EchoSocket {
        /** "ping" or "raw". */
        String kind();

        /**
         * Sends an echo request with our {@code seq} and the guest's data (borrowed); the
         * identifier is the socket's (ping sockets) or {@code id} (raw).
         *
         * @return whether it left, and if not whether the host had no route to the network
         */
        Sent sendEcho(InetAddress dst, int id, int seq, byte[] data);

        /** What became of an echo request. */
        enum Sent {
            SENT,
            /** ENETUNREACH: the host has no route to the network. */
            NO_ROUTE_TO_NET,
            /** Any other failure, EHOSTUNREACH included. */
            NOT_SENT
        }

        /** The socket's descriptor, or -1. */
        default int fd() {
            return -1;
        }

        void close();
    }

    /** Echo replies (and, on a raw socket, the host's ICMP or ICMPv6 errors), delivered on the loop thread. */
    interface Receiver {
        void echoReply(InetAddress from, int id, int seq, byte[] data, long now);

        /**
         * An ICMP error the host received ({@code type}/{@code code}) about a datagram of the
         * host's, whose IP header and first octets are {@code quoted}. Only a raw socket sees them.
         */
        default void error(InetAddress from, int type, int code, byte[] quoted, long now) {
        }
    }
}
