package io.netfabric.user.ip;

import io.netfabric.wire.MacAddress;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * A UDP datagram from the guest, handed to a {@link UdpHandler}. The payload is borrowed: valid
 * only during the call (the handler copies what it keeps).
 *
 * @param srcMac the guest's Ethernet address
 * @param src    the guest's address and port
 * @param dst    the address and port the guest sent to
 */
public record UdpDatagram(MacAddress srcMac, InetSocketAddress src, InetSocketAddress dst,
                          ByteBuf buf, int payloadOffset, int payloadLength) {
    public boolean isIpv6() {
        return src.getAddress() instanceof java.net.Inet6Address;
    }
}
