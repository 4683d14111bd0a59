package io.netfabric.hubport;

import io.netfabric.core.Fabric;
import io.netfabric.core.NetClient;
import io.netfabric.core.NetFilter;
import io.netfabric.core.spi.HmpCommand;
import java.util.List;

/**
 * HMP's {@code info network} (QEMU 7.2 net/net.c hmp_info_network and net/hub.c net_hub_info):
 * each hub newest first with its ports newest first ({@code  \ PORT: PEER...}), then every other
 * client in creation order, a NIC with its backend below it, also one that {@code netdev_del}
 * removed ({@link NetClient#deletedPeerLines()}); a NIC whose hub port was removed is not listed.
 * Found by fabric-qmp through {@link HmpCommand}'s service file.
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
                if (c.isNic() && c.peer() == null && "hub".equals(c.deletedPeerModel())) {
                    // QEMU's net_hub_id_for_client still sees the deleted port as the NIC's peer
                    // and skips the NIC as printed with its hub, which no longer lists the port.
                    continue;
                }
                NetClient peer = c.peer();
                if (peer == null || c.isNic()) {
                    print(c, out);
                }
                if (peer != null && c.isNic()) {
                    out.append(" \\ ");
                    print(peer, out);
                } else if (c.isNic() && c.deletedPeerLines() != null) {
                    out.append(" \\ ").append(c.deletedPeerLines());
                }
            }
            return out.toString();
        });
    }

    /** net.c print_net_client: {@link NetClient#infoNetworkLines()} and the filters. */
    private static void print(NetClient c, StringBuilder out) {
        out.append(c.infoNetworkLines());
        List<NetFilter> filters = c.filterList();
        if (!filters.isEmpty()) {
            out.append("filters:\n");
            for (NetFilter f : filters) {
                out.append("  - ").append(f.id()).append(": ").append(f.info()).append('\n');
            }
        }
    }
}
