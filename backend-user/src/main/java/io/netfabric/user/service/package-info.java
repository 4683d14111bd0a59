/**
 * The services a slirp guest expects on the virtual addresses: DHCPv4 ({@code DhcpServer}),
 * router advertisements and stateless DHCPv6 ({@code RouterAdvertiser}, {@code Dhcpv6Server}),
 * the DNS forwarder ({@code DnsForwarder}) and the TFTP server ({@code TftpServer}).
 *
 * <h2>Theory of operation</h2>
 * Each is a {@code UdpHandler} bound on the router, answering through the router's send methods;
 * those with timers (DNS attempts, TFTP retransmission) are {@code Timed}. None does I/O of its
 * own except the TFTP server's file reads (positional, one block at a time) and the DNS
 * forwarder's host sockets through {@code nat.HostUdp}.
 */
package io.netfabric.user.service;
