/**
 * The IPv6 fixed header (RFC 8200): {@link io.netfabric.wire.ipv6.Ipv6Packet}.
 *
 * <h2>Theory of operation</h2>
 * {@code wrapChecked} establishes {@code 40 + payloadLength <= region}. IPv6 has no header
 * checksum; upper layers verify against the pseudo-header ({@code InetChecksum.pseudoHeaderIpv6}).
 */
package io.netfabric.wire.ipv6;
