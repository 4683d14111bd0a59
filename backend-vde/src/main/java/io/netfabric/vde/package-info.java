/**
 * The {@code vde} netdev: a port of a VDE switch ({@code vde_switch}), spoken to in Java with
 * the protocol of vde2's libvdeplug, as QEMU 7.2's net/vde.c uses it.
 *
 * <h2>Theory of operation</h2>
 * {@link io.netfabric.vde.VdePlug} does what libvdeplug's {@code vde_open} does, once, on the
 * fabric's loop: a unix stream connection to the switch's {@code ctl} socket carries one
 * {@link io.netfabric.vde.VdeRequest} (magic, version 3, port, the address of our unix datagram
 * socket, a description) and gets back the address of the switch's datagram socket for our
 * port. From then on frames are datagrams between the two sockets (Netty's epoll
 * {@code EpollDomainDatagramChannel}), one frame each, no header, and the control connection
 * just stays open: the switch frees the port when it closes.
 * {@link io.netfabric.vde.VdeNetdev} is the net client on top. Thread: the fabric's loop only.
 */
package io.netfabric.vde;
