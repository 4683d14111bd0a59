package io.netfabric.qmp;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.spi.NetdevFactory;
import io.netty.buffer.ByteBuf;
import java.util.Set;

/**
 * Test backends: {@code hubport} (peered with its {@code netdev=} as QEMU's net/hub.c does, no
 * hub behind it) and an option-less {@code user}, enough to drive the QMP commands.
 */
public final class StubNetdevFactory implements NetdevFactory {
    @Override
    public Set<String> types() {
        return Set.of("hubport", "user");
    }

    @Override
    public NetClient create(Fabric fabric, Netdev netdev) {
        NetClient c = new StubClient(netdev.id(), netdev.options().type());
        if (netdev.options() instanceof HubportArguments.HubportOptions h && h.netdev() != null) {
            NetClient peer = fabric.findNetdev(h.netdev());
            if (peer == null) {
                throw FabricException.generic("netdev '" + h.netdev() + "' not found");
            }
            NetClient.connect(c, peer);
        }
        return c;
    }

    static final class StubClient extends NetClient {
        StubClient(String name, String model) {
            super(name, model);
        }

        @Override
        protected int receive(ByteBuf frame) {
            int n = frame.readableBytes();
            frame.release();
            return n;
        }
    }
}
