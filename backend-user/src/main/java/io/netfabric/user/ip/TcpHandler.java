package io.netfabric.user.ip;

import io.netfabric.wire.MacAddress;
import io.netfabric.wire.tcp.TcpPacket;
import java.net.InetSocketAddress;

/** Takes the guest's TCP segments to one address and port. The view is borrowed for the call. */
@FunctionalInterface
public interface TcpHandler {
    void segment(MacAddress srcMac, InetSocketAddress src, InetSocketAddress dst, TcpPacket segment, long now);
}
