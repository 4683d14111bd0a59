package io.netfabric.vhost;

import io.netfabric.core.ErrorClass;
import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.NetdevOptions;
import io.netfabric.core.options.NetmapOptions;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.spi.NetdevFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code -netdev netmap,ifname=...[,devname=...]}. QEMU 7.2 net/netmap.c {@code netmap_open}
 * calls {@code nm_open(ifname)}, which opens {@code /dev/netmap} first; without the netmap
 * kernel module that fails with ENOENT and QEMU says {@code Failed to nm_open() <ifname>: No such
 * file or directory}. We give that message, with a command-line hint naming {@code /dev/netmap}.
 * With the device present we refuse too: netfabric has no netmap data path. {@code devname} is
 * ignored, as in QEMU since 2016.
 */
public final class NetmapFactory implements NetdevFactory {
    static final Path DEV_NETMAP = Path.of("/dev/netmap");

    private final Path device;

    public NetmapFactory() {
        this(DEV_NETMAP);
    }

    /** Tests point {@code device} at a file of their own to take the "present" branch. */
    NetmapFactory(Path device) {
        this.device = device;
    }

    @Override
    public Set<String> types() {
        return Set.of(NetmapOptions.TYPE);
    }

    @Override
    public NetClient create(Fabric fabric, Netdev netdev) {
        throw refusal(netdev.options());
    }

    FabricException refusal(NetdevOptions options) {
        NetmapOptions o = (NetmapOptions) options;
        if (!Files.exists(device)) {
            return new FabricException(ErrorClass.GenericError,
                    "Failed to nm_open() " + o.ifname() + ": No such file or directory",
                    device + " is missing: the netmap kernel module (netmap.ko) is not loaded\n", null);
        }
        return FabricException.generic("netmap: " + device
                + " is present, but netfabric does not run netmap ports yet (interface " + o.ifname() + ")");
    }
}
