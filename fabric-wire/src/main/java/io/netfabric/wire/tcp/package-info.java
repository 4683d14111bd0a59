/**
 * TCP (RFC 9293): {@link io.netfabric.wire.tcp.TcpPacket} and {@link io.netfabric.wire.tcp.TcpRepr}.
 *
 * <h2>Theory of operation</h2>
 * The view is wrapped over the IP payload: the segment is the whole region (TCP has no length
 * field), the data starts at Data Offset. {@link io.netfabric.wire.tcp.TcpRepr#parse} reads the
 * header and the options an endpoint negotiates (MSS, window scale RFC 7323 §2, SACK-permitted
 * and SACK blocks RFC 2018, timestamps RFC 7323 §3); unknown options are skipped by their
 * length, a malformed option list fails the parse. Emission writes header and options with a
 * zero checksum; the caller writes the data and fills the checksum with the IP addresses.
 */
package io.netfabric.wire.tcp;
