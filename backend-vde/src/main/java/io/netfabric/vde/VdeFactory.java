package io.netfabric.vde;

import io.netfabric.core.Fabric;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.options.VdeOptions;
import io.netfabric.core.spi.NetdevFactory;
import java.util.Set;

/**
 * {@code -netdev vde,id=ID[,sock=DIR][,port=N][,group=G][,mode=OCTAL]} (QEMU 7.2 net/vde.c
 * {@code net_init_vde}): opens a switch port with {@link VdePlug} (QEMU: {@code vde_open(sock,
 * "QEMU", {port, group, mode})}); every failure is {@code Could not open vde: <strerror>}.
 */
public final class VdeFactory implements NetdevFactory {
    @Override
    public Set<String> types() {
        return Set.of(VdeOptions.TYPE);
    }

    @Override
    public NetClient create(Fabric fabric, Netdev netdev) {
        VdeOptions o = (VdeOptions) netdev.options();
        VdePlug plug = VdePlug.open(fabric, o, System.getenv());
        VdeNetdev n = new VdeNetdev(netdev.id(), o.sock(), plug);
        n.start();
        return n;
    }
}
