package io.netfabric.qmp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One QMP command's handler. It reads its arguments through {@link QmpArguments} (which gives
 * QEMU's messages for missing, mistyped and unexpected members), calls {@link QmpArguments#end()}
 * before acting, and returns the {@code return} value, or null for QEMU's empty {@code {}}.
 * Refusals are {@link io.netfabric.core.FabricException}s. Handlers run on the caller's thread
 * (the QMP server's I/O thread); fabric state is reached only through the fabric's methods,
 * which run on its event loop.
 */
@FunctionalInterface
public interface QmpCommand {
    JsonNode execute(QmpArguments arguments);
}
