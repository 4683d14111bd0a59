/**
 * Ethernet II framing with an optional single 802.1Q tag: {@link io.netfabric.wire.ethernet.EthernetPacket}
 * (view), {@link io.netfabric.wire.ethernet.EthernetRepr} (value), {@link io.netfabric.wire.ethernet.EtherType}.
 *
 * <h2>Theory of operation</h2>
 * A frame in the fabric is one Ethernet frame without FCS starting at the buffer's reader index.
 * The view finds the payload EtherType behind the tag when the TPID is 0x8100 and reports the
 * payload offset for the next layer's {@code wrapChecked}. Stacked tags (802.1ad) are not
 * unwrapped: the outer type is reported as the EtherType. Short frames are not padded here.
 */
package io.netfabric.wire.ethernet;
