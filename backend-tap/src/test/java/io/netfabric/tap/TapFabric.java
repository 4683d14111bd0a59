package io.netfabric.tap;

import io.netfabric.core.Fabric;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.NetdevOptionParser;

/** A fabric driven by QEMU's {@code -netdev} strings, as the tests write them. */
final class TapFabric implements AutoCloseable {
    final Fabric fabric = Fabric.create();

    NetClient netdev(String optarg) {
        return fabric.addNetdev(NetdevOptionParser.parseNetdev(optarg, fabric.availableTypes()));
    }

    /** tap {@code id} on {@code ifname}, joined to hub 0 through a port. */
    TapClient tapOnHub(String id, String ifname, String extra) {
        TapClient t = (TapClient) netdev("tap,id=" + id + ",ifname=" + ifname + ",script=no,downscript=no" + extra);
        netdev("hubport,id=hp-" + id + ",hubid=0,netdev=" + id);
        return t;
    }

    @Override
    public void close() {
        fabric.close();
    }
}
