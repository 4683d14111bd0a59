package io.netfabric.vde;

import io.netfabric.core.Fabric;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.testkit.netns.Netns;
import io.netfabric.testkit.netns.NetnsExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two namespaces, each behind a netfabric tap, reach each other through a real vde_switch:
 * <pre>
 * ns a [tap] == fabric 1: tap - hub 0 - vde ==unix dgram== vde_switch ==unix dgram== vde - hub 0 - tap :fabric 2 == [tap] ns b
 * </pre>
 * Needs root, /dev/net/tun, ip and vde_switch (skipped otherwise).
 */
class VdeNetnsIT {
    @RegisterExtension
    final NetnsExtension netns = new NetnsExtension();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private void side(String tap, VdeSwitch sw) {
        Fabric f = Fabric.create();
        open.add(f);
        for (String o : List.of("tap,id=t,ifname=" + tap + ",script=no,downscript=no", "vde,id=v,sock=" + sw.dir,
                "hubport,id=h0,hubid=0,netdev=t", "hubport,id=h1,hubid=0,netdev=v")) {
            f.addNetdev(NetdevOptionParser.parseNetdev(o, f.availableTypes()));
        }
    }

    @Test
    void pingAcrossTheSwitch() throws Exception {
        VdeSwitch.assumeInstalled();
        NetnsExtension.assumeReady();
        VdeSwitch sw = VdeSwitch.start();
        open.add(sw);
        String ta = netns.ifname("a");
        String tb = netns.ifname("b");
        side(ta, sw);
        side(tb, sw);
        Netns a = netns.create("a").adopt(ta).configure(ta, "10.9.1.1/24");
        Netns b = netns.create("b").adopt(tb).configure(tb, "10.9.1.2/24");
        a.ping("10.9.1.2", 3, "-i", "0.2").requireSuccess();
        b.ping("10.9.1.1", 3, "-i", "0.2").requireSuccess();
    }
}
