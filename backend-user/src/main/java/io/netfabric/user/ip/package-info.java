/**
 * The virtual router: ARP, Neighbor Discovery, IPv4 reassembly, ICMP and ICMPv6 echo and errors,
 * and UDP dispatch to the services bound on its addresses.
 *
 * <h2>Theory of operation</h2>
 * {@link io.netfabric.user.ip.Router#input} takes a frame's reference and releases it before
 * returning; views are reused flyweights. Every drop is counted in
 * {@link io.netfabric.user.ip.StackCounters} under a {@link io.netfabric.user.ip.StackDrop} and
 * nothing is thrown. Handlers get a {@link io.netfabric.user.ip.UdpDatagram} whose payload is
 * borrowed for the call. Timers: engines implement {@link io.netfabric.user.ip.Timed}; the router
 * aggregates their deadlines.
 */
package io.netfabric.user.ip;
