/**
 * DHCP for IPv4 (RFC 2131/2132) and DHCPv6 (RFC 8415): {@link io.netfabric.wire.dhcp.DhcpPacket},
 * {@link io.netfabric.wire.dhcp.Dhcpv6Packet}.
 *
 * <h2>Theory of operation</h2>
 * {@code wrapChecked} walks the options once and refuses any whose length runs past the
 * message, so later lookups ({@code findOption}) cannot read outside it. Each step of a walk
 * advances, so no option layout can loop. Option overload (RFC 2132 §9.3) is not followed, as
 * libslirp does not follow it either.
 */
package io.netfabric.wire.dhcp;
