package io.netfabric.core.spi;

import io.netfabric.core.Fabric;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.Netdev;
import java.util.Set;

/**
 * Creates the net client of one or more netdev types. Backend modules provide it through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.netfabric.core.spi.NetdevFactory});
 * fabric-core knows none of them. A module registers only the types it can run: a type with no
 * factory is refused with QEMU's invalid-type error.
 */
public interface NetdevFactory {
    /** The QAPI type names ({@code NetClientDriver}) this factory creates. */
    Set<String> types();

    /**
     * Creates and starts the netdev, on the fabric's event loop. The options are already valid
     * at the QAPI level; the factory does the backend's own checks and throws
     * {@link io.netfabric.core.FabricException} with QEMU's message when they fail, having
     * released whatever it opened. The returned client is not yet registered: the fabric does it.
     */
    NetClient create(Fabric fabric, Netdev netdev);
}
