/**
 * ICMP for IPv4 (RFC 792, RFC 1191): {@link io.netfabric.wire.icmp.IcmpPacket}.
 *
 * <h2>Theory of operation</h2>
 * {@code wrapChecked} only establishes that the 8-octet header fits; echo identifier/sequence
 * and the error messages' quoted datagram are read from the same view. The checksum spans the
 * whole message and is a separate step, so a router verifies before it answers.
 */
package io.netfabric.wire.icmp;
