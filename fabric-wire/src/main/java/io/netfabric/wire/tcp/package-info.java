/**
 * TCP segments (RFC 9293): {@link io.netfabric.wire.tcp.TcpPacket}.
 *
 * <h2>Theory of operation</h2>
 * {@code wrapChecked} establishes {@code 20 <= dataOffset*4 <= region}; the data runs to the end
 * of the region (the IP payload). The option walk ({@code mss}) stops at any option whose length
 * is impossible, so no input can loop or overrun it.
 */
package io.netfabric.wire.tcp;
