package io.netfabric.nic;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.wire.MacAddress;

/**
 * QEMU's default NIC MACs (net.c {@code qemu_macaddr_default_if_unset}): {@code 52:54:00:12:34:XX}
 * with XX the lowest of 0x56..0xFE no live NIC of the fabric uses; a configured MAC inside that
 * range reserves its last octet too.
 */
final class DefaultMacs {
    private static final long BASE = 0x5254_0012_3400L;

    private DefaultMacs() {
    }

    /** Loop thread. */
    static MacAddress next(Fabric fabric) {
        boolean[] used = new boolean[256];
        for (NetClient c : fabric.clients()) {
            if (c instanceof Nic n && (n.mac().toLong() & ~0xFFL) == BASE) {
                used[(int) (n.mac().toLong() & 0xFF)] = true;
            }
        }
        for (int x = 0x56; x < 0xFF; x++) {
            if (!used[x]) {
                return MacAddress.fromLong(BASE | x);
            }
        }
        throw FabricException.generic("no free default MAC address left in 52:54:00:12:34:56..fe");
    }
}
