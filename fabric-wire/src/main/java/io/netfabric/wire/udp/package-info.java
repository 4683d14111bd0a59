/**
 * UDP (RFC 768): {@link io.netfabric.wire.udp.UdpPacket} and {@link io.netfabric.wire.udp.UdpRepr}.
 *
 * <h2>Theory of operation</h2>
 * The view is wrapped over the IP payload; the datagram ends at the UDP Length field. Checksums
 * need the enclosing IP addresses, so verification and filling take them as arguments (ints for
 * IPv4, to stay allocation-free). Emission writes the header with a zero checksum; the caller
 * writes the payload and then fills the checksum.
 */
package io.netfabric.wire.udp;
