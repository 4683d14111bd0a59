package io.netfabric.nic;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netty.buffer.ByteBuf;

/**
 * {@code -device MODEL,...} of the helper process: parses the argument with qdev's checks,
 * opens the guest side ({@code guest=unix:PATH}, or none: frames for the guest are then
 * discarded), and attaches the {@link Nic}. Call from outside the fabric's loop.
 */
public final class NicDevice {
    private NicDevice() {
    }

    /** Creates the NIC {@code optarg} describes; refused with QEMU's message. */
    public static Nic create(Fabric fabric, String optarg) {
        DeviceOptions o = DeviceOptions.parse(optarg, (model, netdev) -> checkNetdev(fabric, model, netdev));
        if (o.guestPath() == null) {
            return Nic.attach(fabric, o.config(), new DiscardingGuest());
        }
        GuestStreamEndpoint endpoint = GuestStreamEndpoint.listen(fabric, o.guestPath());
        try {
            Nic nic = Nic.attach(fabric, o.config(), endpoint);
            fabric.run(() -> endpoint.bind(nic));
            return nic;
        } catch (RuntimeException e) {
            endpoint.close();
            throw e;
        }
    }

    /** qdev's netdev property checks (hw/core/qdev-properties-system.c {@code set_netdev}). */
    private static void checkNetdev(Fabric fabric, NicModel model, String netdev) {
        fabric.run(() -> {
            NetClient c = fabric.findNetdev(netdev);
            String prop = "Property '" + model.propertyOwner() + ".netdev' ";
            if (c == null) {
                throw FabricException.generic(prop + "can't find value '" + netdev + "'");
            }
            if (c.peer() != null) {
                throw FabricException.generic(prop + "can't take value '" + netdev + "', it's in use");
            }
        });
    }

    /** A guest with no way out: takes and drops what the filter passes. */
    private static final class DiscardingGuest implements GuestPort {
        @Override
        public int receive(ByteBuf frame) {
            int len = frame.readableBytes();
            frame.release();
            return len;
        }
    }
}
