/**
 * ARP and RARP for Ethernet and IPv4 (RFC 826, RFC 903): {@link io.netfabric.wire.arp.ArpPacket},
 * {@link io.netfabric.wire.arp.ArpRepr}, {@link io.netfabric.wire.arp.ArpOperation}.
 *
 * <h2>Theory of operation</h2>
 * Only the Ethernet/IPv4 pair is parsed, so the layout is fixed at 28 octets; any other
 * hardware or protocol type is refused as {@code UNSUPPORTED} rather than half-read. RARP uses
 * the same layout with opcodes 3 and 4, which QEMU sends for {@code announce-self}.
 */
package io.netfabric.wire.arp;
