package io.netfabric.vhost;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.options.VhostVdpaOptions;
import io.netfabric.core.spi.NetdevFactory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * {@code -netdev vhost-vdpa,vhostdev=/dev/vhost-vdpa-N[,queues=N]}. QEMU 7.2 net/vhost-vdpa.c
 * {@code net_init_vhost_vdpa}: without {@code vhostdev} (and {@code vhostfd}, which the schema
 * this project follows does not have) it refuses first; then it opens the device read-write
 * (util/osdep.c {@code qemu_open}: {@code Could not open '<path>': <strerror>}) before any
 * ioctl, and {@code queues} is not looked at before that. We do the same, close the device
 * again and refuse: netfabric does not drive vhost-vdpa devices yet.
 */
public final class VhostVdpaFactory implements NetdevFactory {
    @Override
    public Set<String> types() {
        return Set.of(VhostVdpaOptions.TYPE);
    }

    @Override
    public NetClient create(Fabric fabric, Netdev netdev) {
        VhostVdpaOptions o = (VhostVdpaOptions) netdev.options();
        if (o.vhostdev() == null) {
            throw FabricException.generic("vhost-vdpa: neither vhostdev= nor vhostfd= was specified");
        }
        try (FileChannel dev = FileChannel.open(Path.of(o.vhostdev()), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            // Opened as QEMU opens it; the VHOST_GET_FEATURES ioctl and the virtqueues are not built.
        } catch (IOException e) {
            throw FabricException.generic("Could not open '" + o.vhostdev() + "': " + HostErrors.strerror(e));
        } catch (RuntimeException e) {
            // An invalid path string (a NUL byte): open(2) would say ENOENT.
            throw FabricException.generic("Could not open '" + o.vhostdev() + "': No such file or directory");
        }
        throw FabricException.generic("vhost-vdpa: " + o.vhostdev()
                + " opened, but netfabric does not drive vhost-vdpa devices yet");
    }
}
