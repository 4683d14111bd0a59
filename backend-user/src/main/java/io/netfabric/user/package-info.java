/**
 * The {@code user} netdev: QEMU's user-mode network (libslirp) as a Java stack.
 *
 * <h2>Theory of operation</h2>
 * {@link io.netfabric.user.UserNetdevFactory} checks the options as QEMU does
 * ({@link io.netfabric.user.UserConfig}) and creates a {@link io.netfabric.user.UserNetdev}, the
 * net client. It owns a {@link io.netfabric.user.UserStack}: the virtual router
 * ({@code ip}), the DHCP, DHCPv6, router-advertisement, DNS and TFTP services ({@code service}),
 * and NAT ({@code nat}). The stack does no I/O and reads no clock: frames come in through
 * {@code input}, go out through a {@code Router.Link}, host sockets are reached through
 * {@code nat.HostUdp}, and timers are deadlines it reports. Only the adapters of this package
 * ({@code UserNetdev}, {@code NettyHostUdp}) touch Netty channels and the clock.
 */
package io.netfabric.user;
