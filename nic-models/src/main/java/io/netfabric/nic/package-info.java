/**
 * NIC frontends: what an emulator's device model attaches to the fabric.
 *
 * <h2>Theory of operation</h2>
 * A {@link io.netfabric.nic.Nic} is a net client (QEMU's {@code NICState}, one queue) peered
 * with a netdev. Its guest side is a {@link io.netfabric.nic.GuestPort}: the emulator's receive
 * ring, or a {@link io.netfabric.nic.GuestStreamEndpoint} socket in the helper process.
 *
 * <pre>
 *  guest TX ring --send/sendAsync--> Nic --peer--> netdev
 *  guest RX ring <--GuestPort.receive-- RxFilter.accepts <-- Nic.receive <-- netdev
 * </pre>
 *
 * Every frame from the fabric passes the model's {@link io.netfabric.nic.RxFilter}: the
 * hardware's filter registers and its decision, the only model-specific part. The guest's
 * register writes go to the filter; each change raises {@code NIC_RX_FILTER_CHANGED} once until
 * {@code query-rx-filter} re-arms it. Link changes ({@code set_link}, {@code netdev_del}) reach
 * the guest through {@link io.netfabric.nic.GuestPort#linkChanged}; the fabric drops frames both
 * ways while the link is down. {@code announce-self} rounds (fabric-core) send each NIC's RARP
 * and call the NIC's announce hook.
 *
 * <p>Ownership as everywhere in the fabric: {@code receive} takes one reference and releases or
 * forwards it, except a "busy" answer (0), which leaves the frame queued until the emulator calls
 * {@link io.netfabric.core.NetClient#flushQueued()}. Everything runs on the fabric's event loop.
 */
package io.netfabric.nic;
