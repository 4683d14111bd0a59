package io.netfabric.hubport;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.HubPortOptions;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.spi.NetdevFactory;
import java.util.Set;

/** {@code -netdev hubport,id=ID,hubid=N[,netdev=ID]} (QEMU {@code net_init_hubport}). */
public final class HubPortFactory implements NetdevFactory {
    @Override
    public Set<String> types() {
        return Set.of("hubport");
    }

    @Override
    public NetClient create(Fabric fabric, Netdev netdev) {
        HubPortOptions o = (HubPortOptions) netdev.options();
        NetClient peer = null;
        if (o.netdev() != null) {
            peer = fabric.findNetdev(o.netdev());
            if (peer == null) {
                throw FabricException.generic("netdev '" + o.netdev() + "' not found");
            }
            if (peer instanceof HubPort other && Hubs.of(fabric).reaches(other.hub().id(), o.hubid())) {
                // A frame would go round the loop for ever (QEMU 7.2 recurses until it crashes):
                // refused, as anything else would leave the fabric's loop spinning.
                throw FabricException.generic(other.hub().id() == o.hubid()
                        ? "hubport '" + o.netdev() + "' is on hub " + o.hubid()
                                + " too: peering two ports of one hub would loop frames for ever"
                        : "hubport '" + o.netdev() + "' is on hub " + other.hub().id() + ", which already reaches hub "
                                + o.hubid() + ": peering them would loop frames for ever");
            }
        }
        return Hubs.of(fabric).newPort(o.hubid(), netdev.id(), peer);
    }
}
