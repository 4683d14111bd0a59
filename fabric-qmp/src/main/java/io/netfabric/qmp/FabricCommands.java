package io.netfabric.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.NetFilter;
import io.netfabric.core.options.Netdev;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The QMP commands of one fabric: {@code qmp_capabilities}, {@code query-version},
 * {@code query-commands}, {@code quit}, {@code netdev_add}, {@code netdev_del}, {@code set_link},
 * {@code query-netdev}, {@code object-add}/{@code object-del} (filter-dump). Each handler runs
 * the fabric's own methods, which hop onto its event loop.
 */
public final class FabricCommands {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Fabric fabric;
    private final NetdevArguments netdevArguments;
    private final FilterDumpFactory filterDump;
    private final Runnable onQuit;
    /**
     * The options each QMP-added netdev was made from, for query-netdev: fabric-core's clients do
     * not keep them. Entries whose client is gone are ignored. Guarded by this.
     */
    private final Map<String, Netdev> options = new LinkedHashMap<>();

    private FabricCommands(Fabric fabric, NetdevArguments netdevArguments,
            FilterDumpFactory filterDump, Runnable onQuit) {
        this.fabric = Objects.requireNonNull(fabric);
        this.netdevArguments = Objects.requireNonNull(netdevArguments);
        this.filterDump = filterDump;
        this.onQuit = Objects.requireNonNull(onQuit);
    }

    /**
     * A dispatcher holding every command of this module. {@code filterDump} may be null (then
     * {@code filter-dump} is an unknown qom-type); {@code onQuit} runs after quit's reply is sent.
     */
    public static QmpDispatcher dispatcher(Fabric fabric, NetdevArguments netdevArguments,
            FilterDumpFactory filterDump, Runnable onQuit) {
        QmpDispatcher d = new QmpDispatcher();
        new FabricCommands(fabric, netdevArguments, filterDump, onQuit).registerInto(d);
        return d;
    }

    private void registerInto(QmpDispatcher d) {
        d.register("qmp_capabilities", QmpSession::alreadyNegotiated);
        d.register("query-version", args -> {
            args.end();
            return QmpVersion.json();
        });
        d.register("query-commands", args -> {
            args.end();
            ArrayNode list = NODES.arrayNode();
            for (String name : d.commandNames()) {
                list.addObject().put("name", name);
            }
            return list;
        });
        d.register("quit", this::quit);
        d.register("set_link", this::setLink);
        d.register("netdev_add", this::netdevAdd);
        d.register("netdev_del", this::netdevDel);
        d.register("query-netdev", this::queryNetdev);
        d.register("object-add", this::objectAdd);
        d.register("object-del", this::objectDel);
    }

    /** QEMU emits SHUTDOWN (reason host-qmp-quit) before quit's reply, then exits. */
    private JsonNode quit(QmpArguments args) {
        args.end();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("guest", false);
        data.put("reason", "host-qmp-quit");
        fabric.emit("SHUTDOWN", data);
        args.afterReply(onQuit);
        return null;
    }

    private JsonNode setLink(QmpArguments args) {
        String name = args.requiredString("name");
        boolean up = args.requiredBool("up");
        args.end();
        fabric.setLink(name, up);
        return null;
    }

    private JsonNode netdevAdd(QmpArguments args) {
        Netdev netdev = netdevArguments.decode(QmpArguments.toJava(args.all()), fabric.availableTypes());
        fabric.addNetdev(netdev);
        synchronized (this) {
            options.put(netdev.id(), netdev);
        }
        return null;
    }

    private JsonNode netdevDel(QmpArguments args) {
        String id = args.requiredString("id");
        args.end();
        fabric.deleteNetdev(id);
        synchronized (this) {
            options.remove(id);
        }
        return null;
    }

    /**
     * QEMU 6.0-rc's query-netdev (reverted before release; reference §10): every netdev but hub
     * ports, with its creation options and {@code peer-id}. NICs are not netdevs.
     */
    private JsonNode queryNetdev(QmpArguments args) {
        args.end();
        ArrayNode list = NODES.arrayNode();
        for (NetClient c : fabric.clients()) {
            Netdev netdev;
            synchronized (this) {
                netdev = options.get(c.name());
            }
            if (!c.isNetdev() || c.isNic() || netdev == null || "hubport".equals(netdev.options().type())) {
                continue;
            }
            ObjectNode info = (ObjectNode) QmpArguments.toJson(netdevArguments.encode(netdev));
            info.put("id", netdev.id());
            info.put("type", netdev.options().type());
            NetClient peer = c.peer();
            if (peer != null) {
                info.put("peer-id", peer.name());
            }
            list.add(info);
        }
        return list;
    }

    /**
     * object-add for {@code filter-dump} (QEMU qom/object_interfaces.c, net/filter.c, net/dump.c):
     * members checked in QEMU's order, then the netdev looked up, then the file opened.
     */
    private JsonNode objectAdd(QmpArguments args) {
        String type = args.requiredString("qom-type");
        String id = args.requiredString("id");
        if (!"filter-dump".equals(type) || filterDump == null) {
            throw FabricException.generic("Parameter 'qom-type' does not accept value '" + type + "'");
        }
        String netdev = args.optionalString("netdev");
        String file = args.optionalString("file");
        long maxlen = maxlen(args.optional("maxlen"));
        args.end();
        if (netdev == null) {
            throw FabricException.generic("Parameter 'netdev' is missing");
        }
        // net/filter.c netfilter_complete resolves the netdev before the dump opens its file.
        boolean exists = fabric.call(() -> fabric.findNetdev(netdev) != null);
        if (!exists) {
            throw FabricException.generic("Parameter 'netdev' expects a network backend id");
        }
        if (file == null) {
            throw FabricException.generic("dump filter needs 'file' property set!");
        }
        fabric.run(() -> {
            NetFilter filter = filterDump.create(id, netdev, file, maxlen);
            try {
                fabric.addFilter(netdev, filter);
            } catch (RuntimeException e) {
                filter.close();
                throw e;
            }
        });
        return null;
    }

    /** net/dump.c's uint32 {@code maxlen} property, default 65536, 0 refused. */
    private static long maxlen(JsonNode v) {
        if (v == null) {
            return 65536;
        }
        BigInteger n = v.isIntegralNumber() ? v.bigIntegerValue() : null;
        if (n == null || n.signum() < 0) {
            throw FabricException.generic("Parameter 'maxlen' expects uint64");
        }
        if (n.signum() == 0 || n.bitLength() > 32) {
            throw FabricException.generic("Property 'filter-dump.maxlen' doesn't take value '" + n + "'");
        }
        return n.longValue();
    }

    private JsonNode objectDel(QmpArguments args) {
        String id = args.requiredString("id");
        args.end();
        if (!fabric.removeFilter(id)) {
            throw FabricException.generic("object '" + id + "' not found");
        }
        return null;
    }
}
