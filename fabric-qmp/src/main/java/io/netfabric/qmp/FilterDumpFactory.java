package io.netfabric.qmp;

import io.netfabric.core.NetFilter;

/**
 * Makes the {@code filter-dump} object of {@code object-add} (QEMU net/dump.c). The arguments are
 * already checked against QEMU's rules; the factory opens the file and throws
 * {@link io.netfabric.core.FabricException} with QEMU's message when it cannot. Called on the
 * fabric's event loop.
 */
public interface FilterDumpFactory {
    /** @param maxlen QEMU's snap length, 1..2^32-1, default 65536 */
    NetFilter create(String id, String netdev, String file, long maxlen);
}
