package io.netfabric.hubport;

import io.netfabric.core.Fabric;
import io.netfabric.core.NetClient;
import io.netfabric.core.NetFilter;
import io.netfabric.core.spi.HmpCommand;
import java.util.List;

/**
 * HMP's {@code info network} (QEMU 7.2 net/net.c hmp_info_network and net/hub.c net_hub_info):
 * each hub newest first with its ports newest first ({@code  \ PORT: PEER...}), then every other
 * client in creation order, a NIC with its backend below it. Found by fabric-qmp through
 * {@link HmpCommand}'s service file.
 */
public final class InfoNetwork extends HmpCommand.Described {
    public InfoNetwork() {
        super("info network", "", "show the network state", 0, 0);
    }

    @Override
    public String run(Fabric fabric, List<String> args) {
        return fabric.call(() -> {
            StringBuilder out = new StringBuilder();
            for (Hub hub : Hubs.of(fabric).newestFirst()) {
                out.append("hub ").append(hub.id()).append('\n');
                for (HubPort port : hub.ports()) {
                    out.append(" \\ ").append(port.name());
                    if (port.peer() != null) {
                        out.append(": ");
                        print(port.peer(), out);
                    } else {
                        out.append('\n');
                    }
                }
            }
            for (NetClient c : fabric.clients()) {
                if (c instanceof HubPort || c.hubId() >= 0) {
                    continue;   // printed with its hub
                }
                NetClient peer = c.peer();
                if (peer == null || c.isNic()) {
                    print(c, out);
                }
                if (peer != null && c.isNic()) {
                    out.append(" \\ ");
                    print(peer, out);
                }
            }
            return out.toString();
        });
    }

    /**
     * net.c print_net_client: {@code NAME: index=0,type=TYPE,INFO} and the filters; a line per
     * queue of a multiqueue tap, each {@code index=0} as QEMU 7.2 prints them.
     */
    private static void print(NetClient c, StringBuilder out) {
        for (int q = 0; q < c.queueCount(); q++) {
            out.append(c.name()).append(": index=0,type=").append(c.model().equals("hub") ? "hubport" : c.model())
                    .append(',').append(c.info()).append('\n');
        }
        List<NetFilter> filters = c.filterList();
        if (!filters.isEmpty()) {
            out.append("filters:\n");
            for (NetFilter f : filters) {
                out.append("  - ").append(f.id()).append(": ").append(f.info()).append('\n');
            }
        }
    }
}
