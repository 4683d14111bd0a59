package io.netfabric.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netfabric.core.AnnounceParameters;
import io.netfabric.core.ClientCounters;
import io.netfabric.core.DropReason;
import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.RxFilterInfo;
import io.netfabric.core.capture.FilterDump;
import io.netfabric.core.options.FilterDumpOptions;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.options.NetdevQmpDecoder;
import io.netfabric.core.spi.FabricCommand;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * The QMP commands of one fabric: {@code qmp_capabilities}, {@code query-version},
 * {@code query-commands}, {@code quit}, {@code netdev_add}, {@code netdev_del}, {@code set_link},
 * {@code query-netdev}, {@code query-rx-filter}, {@code announce-self}, {@code object-add}/
 * {@code object-del} (filter-dump), {@code human-monitor-command} (HMP's network commands,
 * {@link HumanMonitor}). Each handler runs
 * the fabric's own methods, which hop onto its event loop.
 */
public final class FabricCommands {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Fabric fabric;
    private final Runnable onQuit;

    private FabricCommands(Fabric fabric, Runnable onQuit) {
        this.fabric = Objects.requireNonNull(fabric);
        this.onQuit = Objects.requireNonNull(onQuit);
    }

    /**
     * A dispatcher holding every command of this module; {@code onQuit} runs after quit's reply
     * is sent. Later modules register their commands into the same dispatcher.
     */
    public static QmpDispatcher dispatcher(Fabric fabric, Runnable onQuit) {
        QmpDispatcher d = new QmpDispatcher();
        new FabricCommands(fabric, onQuit).registerInto(d);
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
        d.register("query-netdev-stats", this::queryNetdevStats);
        d.register("query-rx-filter", this::queryRxFilter);
        d.register("announce-self", this::announceSelf);
        d.register("object-add", this::objectAdd);
        d.register("object-del", this::objectDel);
        d.register("human-monitor-command", new HumanMonitor(fabric, onQuit)::execute);
        // After human-monitor-command, as in QEMU's misc.json (query-commands lists them in reverse).
        d.register("getfd", this::getfd);
        d.register("closefd", this::closefd);
        // Commands the backends on the class path bring (hostfwd_add, query-usernet, ...).
        for (FabricCommand c : ServiceLoader.load(FabricCommand.class, FabricCommands.class.getClassLoader())) {
            d.register(c.name(), args -> {
                Object result = c.execute(fabric, QmpArguments.toJava(args.all()));
                return result == null ? null : QmpArguments.toJson(result);
            });
        }
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
        Netdev netdev = NetdevQmpDecoder.decode(QmpArguments.toJava(args.all()), fabric.availableTypes());
        // fd=NAME takes a descriptor getfd named on this monitor (QEMU's monitor_fd_param).
        // A backend's warn_report in a QMP command: QEMU prints it on stderr, with no location.
        fabric.addNetdev(netdev, args.descriptors().table(), w -> System.err.println("warning: " + w));
        return null;
    }

    /**
     * QEMU's {@code getfd} (monitor/misc.c): names the descriptor that came with this connection's
     * last message that carried any ({@code SCM_RIGHTS} on a unix socket), for a later
     * {@code fd=NAME} ({@code netdev_add} of tap, socket, stream, dgram).
     */
    private JsonNode getfd(QmpArguments args) {
        String name = args.requiredString("fdname");
        args.end();
        args.descriptors().claimAs(name);
        return null;
    }

    /** QEMU's {@code closefd}: closes a descriptor {@code getfd} named. */
    private JsonNode closefd(QmpArguments args) {
        String name = args.requiredString("fdname");
        args.end();
        args.descriptors().table().close(name);
        return null;
    }

    private JsonNode netdevDel(QmpArguments args) {
        String id = args.requiredString("id");
        args.end();
        fabric.deleteNetdev(id);
        return null;
    }

    /**
     * QEMU 6.0-rc's query-netdev (reverted before release; reference §10): every netdev but hub
     * ports, with its {@link NetClient#storedConfig() stored configuration} and {@code peer-id};
     * the backends of legacy {@code -net} are listed too, as QEMU's were. NICs are not netdevs.
     * Newest first, as QEMU's list was built ({@code QAPI_LIST_PREPEND} over {@code net_clients}).
     */
    private JsonNode queryNetdev(QmpArguments args) {
        args.end();
        ArrayNode list = NODES.arrayNode();
        List<NetClient> clients = new ArrayList<>(fabric.clients());
        Collections.reverse(clients);
        for (NetClient c : clients) {
            // QEMU listed every client with a stored config: backends of legacy -net too
            // (named as info network names them), never NICs or hub ports.
            if (c.isNic() || c.creationOptions() == null || "hubport".equals(c.creationOptions().type())) {
                continue;
            }
            Netdev netdev = c.storedConfig();
            ObjectNode info = (ObjectNode) QmpArguments.toJson(netdev.toQapi());
            info.put("id", c.name());
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
     * {@code query-netdev-stats [name]} (a netfabric extension; QEMU counts nothing it shows):
     * every client's frames and bytes each way and the frames it dropped, by reason, as the
     * fabric counts them; a backend adds what it counts itself ({@code user}: its stack's drops
     * and services). Clients in {@code info network}'s order of creation; one by name, else
     * QEMU's {@code Device 'X' not found}.
     */
    private JsonNode queryNetdevStats(QmpArguments args) {
        String name = args.optionalString("name");
        args.end();
        return fabric.call(() -> {
            ArrayNode list = NODES.arrayNode();
            boolean found = false;
            for (NetClient c : fabric.clients()) {
                if (name != null && !name.equals(c.name())) {
                    continue;
                }
                found = true;
                ObjectNode o = list.addObject();
                o.put("name", c.name());
                o.put("model", c.model());
                ClientCounters n = c.counters();
                o.put("rx-frames", n.rxFrames());
                o.put("rx-bytes", n.rxBytes());
                o.put("tx-frames", n.txFrames());
                o.put("tx-bytes", n.txBytes());
                ObjectNode drops = o.putObject("drops");
                for (DropReason r : DropReason.values()) {
                    drops.put(r.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), n.drops(r));
                }
                Map<String, Long> more = c.backendCounters();
                if (more != null) {
                    ObjectNode b = o.putObject("backend");
                    more.forEach(b::put);
                }
            }
            if (name != null && !found) {
                throw FabricException.deviceNotFound(name);
            }
            return list;
        });
    }

    /**
     * {@code query-rx-filter [name]}: what the NICs' own {@code queryRxFilter} hooks report
     * (nic-models answers for virtio-net, e1000 and rtl8139), with QEMU's errors from
     * {@link Fabric#queryRxFilter}. Querying re-arms the NICs' NIC_RX_FILTER_CHANGED.
     */
    private JsonNode queryRxFilter(QmpArguments args) {
        String name = args.optionalString("name");
        args.end();
        ArrayNode list = NODES.arrayNode();
        for (RxFilterInfo info : fabric.queryRxFilter(name)) {
            list.add(QmpArguments.toJson(info.toQmp()));
        }
        return list;
    }

    /**
     * {@code announce-self} (boxed {@code AnnounceParameters}): members read in schema order,
     * as QEMU's visitor does, then the named timer (re)started; the first round is sent before
     * the reply.
     */
    private JsonNode announceSelf(QmpArguments args) {
        long initial = args.requiredInt("initial");
        long max = args.requiredInt("max");
        long rounds = args.requiredInt("rounds");
        long step = args.requiredInt("step");
        List<String> interfaces = args.optionalStringList("interfaces");
        String id = args.optionalString("id");
        args.end();
        fabric.announceSelf(new AnnounceParameters(initial, max, rounds, step, interfaces, id));
        return null;
    }

    /**
     * object-add for {@code filter-dump} (QEMU qom/object_interfaces.c, net/filter.c, net/dump.c):
     * the arguments checked as QEMU's schema and property setters do, then the object id, the
     * netdev and the position, then the file opened.
     */
    private JsonNode objectAdd(QmpArguments args) {
        FilterDumpOptions o = FilterDumpOptions.decodeObjectAdd(QmpArguments.toJava(args.all()));
        FilterDump.attach(fabric, o);
        return null;
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
