/**
 * L2TPv3 data messages carrying Ethernet (RFC 3931 §4.1, RFC 4719):
 * {@link io.netfabric.wire.l2tpv3.L2tpv3Layout} (where each field sits, fixed per tunnel),
 * {@link io.netfabric.wire.l2tpv3.L2tpv3Packet} (view) and {@link io.netfabric.wire.l2tpv3.L2tpv3Repr}
 * (value).
 *
 * <h2>Theory of operation</h2>
 * An L2TPv3 data header has no length or type fields that say which optional parts follow: both
 * ends agree out of band (QEMU: the netdev options) on the encapsulation (UDP or IP protocol 115),
 * the cookie length (0, 4 or 8 octets), whether a 32-bit counter follows and how many octets of
 * padding precede the frame. That agreement is a {@link io.netfabric.wire.l2tpv3.L2tpv3Layout},
 * computed once per tunnel; the view takes it on every wrap and never guesses. Integers are
 * big-endian. The view starts at the L2TPv3 header: over UDP at the UDP payload, over IP at the
 * IP payload (a raw IPv4 socket hands the IP header too; the caller skips it).
 */
package io.netfabric.wire.l2tpv3;
