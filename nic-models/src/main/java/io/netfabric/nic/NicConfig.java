package io.netfabric.nic;

import io.netfabric.wire.MacAddress;
import java.util.Objects;

/**
 * What a NIC is created with, QEMU's qdev properties of a network device.
 *
 * @param model    the device model
 * @param id       the device id, also the net client's name; null for QEMU's {@code <type>.<n>}
 * @param mac      the configured MAC; null for QEMU's next free {@code 52:54:00:12:34:xx}
 * @param netdev   the backend to peer with; null for none (the NIC's frames go nowhere)
 * @param failover virtio-net {@code failover=on}: FAILOVER_NEGOTIATED when STANDBY is acked
 */
public record NicConfig(NicModel model, String id, MacAddress mac, String netdev, boolean failover) {
    public NicConfig {
        Objects.requireNonNull(model);
    }

    public NicConfig(NicModel model, String id, MacAddress mac, String netdev) {
        this(model, id, mac, netdev, false);
    }
}
