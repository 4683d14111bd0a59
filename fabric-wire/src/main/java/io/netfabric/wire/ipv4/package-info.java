/**
 * IPv4 headers (RFC 791): {@link io.netfabric.wire.ipv4.Ipv4Packet} and {@link io.netfabric.wire.ipv4.Ipv4Repr}.
 *
 * <h2>Theory of operation</h2>
 * {@code wrapChecked} establishes {@code 20 <= headerLength <= totalLength <= region}; the
 * header checksum is a separate, optional step ({@code verifyChecksum}, or
 * {@code ChecksumMode.VERIFY} on parse) so a router that trusts offloaded checksums pays nothing.
 * Options are exposed as a length and skipped; fragments are parsed as they are and flagged
 * ({@code isFragment}) for the reassembler upstream.
 */
package io.netfabric.wire.ipv4;
