package io.netfabric.core.spi;

import io.netfabric.core.Fabric;
import java.util.Map;

/**
 * A QMP command a backend module adds (the user network's {@code hostfwd_add}, say), found
 * through {@link java.util.ServiceLoader} by the QMP dispatcher so that fabric-qmp needs to know
 * no backend. Arguments and results are plain Java JSON values (String, Boolean, Long/BigInteger,
 * Double, List, Map with insertion order, null).
 */
public interface FabricCommand {
    /** The QMP command name. */
    String name();

    /**
     * Runs the command from any thread (use {@link Fabric#call} for loop work). Answers the
     * {@code return} value, null for {@code {}}; throws {@link io.netfabric.core.FabricException}
     * with QEMU-style class and message when refused.
     */
    Object execute(Fabric fabric, Map<String, Object> arguments);
}
