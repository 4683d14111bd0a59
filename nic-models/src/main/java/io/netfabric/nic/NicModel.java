package io.netfabric.nic;

import io.netfabric.wire.MacAddress;
import java.util.function.Function;

/** The NIC models with a receive filter, named as QEMU's device types. */
public enum NicModel {
    /**
     * virtio-net (QEMU's {@code virtio-net-pci}); its qdev properties belong to the inner
     * {@code virtio-net-device}, whose name QEMU's property errors show.
     */
    VIRTIO_NET("virtio-net-pci", "virtio-net-device", VirtioNetRxFilter::new),
    E1000("e1000", "e1000", E1000RxFilter::new),
    RTL8139("rtl8139", "rtl8139", Rtl8139RxFilter::new);

    private final String typeName;
    private final String propertyOwner;
    private final Function<MacAddress, RxFilter> filterFactory;

    NicModel(String typeName, String propertyOwner, Function<MacAddress, RxFilter> filterFactory) {
        this.typeName = typeName;
        this.propertyOwner = propertyOwner;
        this.filterFactory = filterFactory;
    }

    /** QEMU's device type name: the client's {@code model=} and the default id's prefix. */
    public String typeName() {
        return typeName;
    }

    /** The type named in qdev property errors ({@code Property '<owner>.netdev' ...}). */
    public String propertyOwner() {
        return propertyOwner;
    }

    RxFilter newFilter(MacAddress mac) {
        return filterFactory.apply(mac);
    }

    /**
     * The model of a {@code -device} driver name: {@code virtio-net} (QEMU's alias on x86),
     * {@code virtio-net-pci}, {@code e1000}, {@code rtl8139}; null for anything else.
     */
    public static NicModel ofDriver(String driver) {
        return switch (driver) {
            case "virtio-net", "virtio-net-pci" -> VIRTIO_NET;
            case "e1000" -> E1000;
            case "rtl8139" -> RTL8139;
            default -> null;
        };
    }
}
