package io.netfabric.user.ip;

import io.netfabric.wire.MacAddress;
import io.netfabric.wire.tcp.TcpPacket;
import java.net.InetAddress;

/** Takes the guest's TCP segments (IPv4 and IPv6), checksums verified. Loop thread only. */
@FunctionalInterface
public interface TcpHandler {
    /** {@code seg} is a view over the borrowed frame, valid for the call only. */
    void segment(MacAddress srcMac, InetAddress src, InetAddress dst, TcpPacket seg, long now);
}
