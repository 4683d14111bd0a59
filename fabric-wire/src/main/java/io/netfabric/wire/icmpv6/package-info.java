/**
 * ICMPv6 (RFC 4443) and Neighbor Discovery (RFC 4861, RDNSS/DNSSL RFC 8106):
 * {@link io.netfabric.wire.icmpv6.Icmpv6Packet}.
 *
 * <h2>Theory of operation</h2>
 * One view serves every ICMPv6 message: the fixed part differs per type, so accessors say which
 * length they need, and the router checks it per type before reading. NDP options are validated
 * once ({@code ndpOptionsValid}) and then searched; a zero-length option ends the walk, so no
 * input can loop it.
 */
package io.netfabric.wire.icmpv6;
