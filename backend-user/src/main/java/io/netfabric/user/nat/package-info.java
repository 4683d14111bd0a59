/**
 * Network address translation from guest flows to host sockets.
 *
 * <h2>Theory of operation</h2>
 * {@link io.netfabric.user.nat.UdpNat} keeps one host socket per guest (address, port), as
 * libslirp does; the router hands it every UDP datagram no service claimed. Host sockets are
 * reached through {@link io.netfabric.user.nat.HostUdp}, so the engine owns no Netty channel and
 * tests drive it with a fake host and a manual clock. Flows are kept in access order: eviction
 * takes the least recently used, and an idle scan once a second closes expired ones.
 * ICMP echo NAT ({@link io.netfabric.user.nat.IcmpEchoNat}) sends the guest's echo requests to
 * other addresses through the host's ping or raw socket ({@link io.netfabric.user.nat.HostIcmp})
 * and relays only the replies that come from the address asked. {@link io.netfabric.user.nat.TcpNat} keeps every guest TCP connection (NAT, guestfwd, hostfwd)
 * with one engine each ({@link io.netfabric.user.tcp.TcpConnection}) and host sockets through
 * {@link io.netfabric.user.nat.HostTcp}.
 */
package io.netfabric.user.nat;
