package io.netfabric.qmp;

import io.netfabric.core.Fabric;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.spi.NetdevFactory;
import io.netty.buffer.ByteBuf;
import java.util.Set;

/**
 * A stand-in {@code user} backend (the real one is not on this module's class path) that drops
 * what it receives: enough for query-netdev to list a netdev with options and a peer.
 */
public final class StubNetdevFactory implements NetdevFactory {
    @Override
    public Set<String> types() {
        return Set.of("user");
    }

    @Override
    public NetClient create(Fabric fabric, Netdev netdev) {
        return new StubClient(netdev.id(), netdev.options().type());
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
