/**
 * The netdev types whose data path lives in a kernel facility or another process and that
 * netfabric does not drive yet: {@code netmap} (QEMU net/netmap.c), {@code vhost-vdpa}
 * (net/vhost-vdpa.c) and {@code vhost-user} (net/vhost-user.c).
 *
 * <h2>Theory of operation</h2>
 * Each type has a small factory that registers it, so the fabric never answers QEMU's
 * "not compiled into this binary" for it. The factory runs QEMU 7.2's checks in QEMU's order and
 * with QEMU's messages as far as they depend on the options and on the host (a missing
 * {@code /dev/netmap}, a {@code vhostdev} that cannot be opened, a chardev that does not exist),
 * then refuses with a message saying that netfabric does not run the type yet. Nothing is
 * ever accepted silently. The factories hold no state and open nothing that outlives
 * {@code create}.
 */
package io.netfabric.vhost;
