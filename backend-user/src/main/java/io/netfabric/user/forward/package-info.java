/**
 * Port forwarding between the host and the guest: {@code hostfwd} (host listener to a guest
 * port) and {@code guestfwd} (a guest-visible address:port to a host endpoint).
 *
 * <h2>Theory of operation</h2>
 * Both rule kinds are parsed with QEMU 7.2's steps and exact failure reasons
 * ({@link io.netfabric.user.forward.HostForward}, whose one grammar also takes bracketed IPv6
 * addresses, and {@link io.netfabric.user.forward.GuestForwardRule}); {@link io.netfabric.user.forward.Fields}
 * is QEMU's {@code get_str_sep()} walk and {@link io.netfabric.user.forward.CText} holds the C library
 * parsers (inet_aton, strtol) those reasons depend on. {@link io.netfabric.user.forward.HostForwards}
 * runs the hostfwd rules: listeners on the fabric's loop whose clients become connections the TCP
 * NAT opens towards the guest, and UDP sockets relayed both ways. guestfwd rules become redirects
 * in the TCP NAT.
 */
package io.netfabric.user.forward;
