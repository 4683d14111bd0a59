package io.netfabric.core;

import io.netfabric.core.options.Netdev;
import io.netfabric.core.spi.NetdevFactory;
import io.netfabric.wire.MacAddress;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One virtual network: its net clients, their peerings and filters, and the single event loop
 * that runs all of their packet work (DESIGN.md, "one event loop owns the data plane").
 *
 * <p>Management methods ({@link #addNetdev}, {@link #deleteNetdev}, {@link #setLink}, ...) may be
 * called from any thread: they run on the loop through {@link #call} (the command proxy) and
 * throw {@link FabricException} with QEMU's class and message when refused. Events go to
 * listeners on the loop thread.
 */
public final class Fabric implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Fabric.class);

    private final EventLoopGroup ownedGroup;
    private final EventLoop loop;
    private final Transport transport;
    private final Map<String, NetdevFactory> factories;
    /** Every client in creation order, QEMU's {@code net_clients}. */
    private final List<NetClient> clients = new ArrayList<>();
    private final Map<String, FilterEntry> filters = new LinkedHashMap<>();
    private final List<Consumer<FabricEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Map<Class<?>, Object> attachments = new HashMap<>();
    private boolean closed;
    /** The monitor whose command is running on the loop now (QEMU's {@code monitor_cur()}). */
    private MonitorFds currentMonitor;
    /** Where {@link #warn} sends a backend's warnings while its netdev is made; null: the log. */
    private Consumer<String> currentWarnings;

    private record FilterEntry(NetFilter filter, NetClient netdev) {
    }

    private Fabric(EventLoopGroup ownedGroup, EventLoop loop, Transport transport) {
        this.ownedGroup = ownedGroup;
        this.loop = loop;
        this.transport = transport;
        this.factories = loadFactories();
    }

    /** A fabric with its own event-loop thread, on the best available transport. */
    public static Fabric create() {
        return create(Transport.best());
    }

    public static Fabric create(Transport transport) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("netfabric-loop", true), transport.ioHandlerFactory());
        return new Fabric(group, group.next(), transport);
    }

    /** A fabric on an embedder's event loop (which must be of the given transport). */
    public static Fabric create(EventLoop loop, Transport transport) {
        return new Fabric(null, loop, transport);
    }

    /**
     * The netdev types whose backends are on the class path, without making a fabric (and its
     * event loop): what {@link #availableTypes()} of any fabric of this class path answers.
     */
    public static Set<String> installedTypes() {
        return loadFactories().keySet();
    }

    /**
     * net.c {@code show_netdevs()}'s order. {@code netmap}, {@code vhost-user} and
     * {@code vhost-vdpa} are registered only to refuse with a reason (backend-vhost), so they are
     * not offered.
     */
    private static final List<String> NETDEV_HELP_ORDER =
            List.of("socket", "stream", "dgram", "hubport", "tap", "user", "l2tpv3", "vde", "bridge");

    /** QEMU's answer to {@code -netdev help} and HMP {@code netdev_add help}: the runnable types. */
    public static String netdevTypesListing() {
        Set<String> available = installedTypes();
        StringBuilder out = new StringBuilder("Available netdev backend types:\n");
        NETDEV_HELP_ORDER.stream().filter(available::contains).forEach(t -> out.append(t).append('\n'));
        return out.toString();
    }

    private static Map<String, NetdevFactory> loadFactories() {
        Map<String, NetdevFactory> m = new TreeMap<>();
        for (NetdevFactory f : ServiceLoader.load(NetdevFactory.class, Fabric.class.getClassLoader())) {
            for (String t : f.types()) {
                m.putIfAbsent(t, f);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    public EventLoop eventLoop() {
        return loop;
    }

    public Transport transport() {
        return transport;
    }

    /** The netdev types whose backends are on the class path. */
    public Set<String> availableTypes() {
        return factories.keySet();
    }

    // ---------------------------------------------------------------- command proxy

    /** Runs {@code task} on the event loop and waits for it; rethrows its exception as is. */
    public <T> T call(Callable<T> task) {
        if (loop.inEventLoop()) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return loop.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    /** Runs {@code task} on the event loop and waits. */
    public void run(Runnable task) {
        call(() -> {
            task.run();
            return null;
        });
    }

    /** Runs {@code task} on the event loop later; never waits. */
    public void execute(Runnable task) {
        loop.execute(task);
    }

    private void checkLoop() {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("not on the fabric's event loop");
        }
    }

    // ---------------------------------------------------------------- clients

    /**
     * {@code netdev_add}: creates the netdev through its type's factory and registers it.
     * QEMU net/net.c {@code net_client_init1}: the id must not name an existing non-NIC client.
     */
    public NetClient addNetdev(Netdev netdev) {
        return addNetdev(netdev, null);
    }

    /**
     * {@code netdev_add} from a QMP session: as {@link #addNetdev(Netdev)}, with the session's
     * named descriptors visible to the factory through {@link #currentMonitor()}.
     */
    public NetClient addNetdev(Netdev netdev, MonitorFds monitor) {
        return addNetdev(netdev, monitor, null);
    }

    /**
     * {@link #addNetdev(Netdev, MonitorFds)} whose backend's warnings ({@link #warn}) go to
     * {@code warnings} (null: the log), as QEMU's warn_report goes to where the netdev was asked
     * for: the option's location on the command line, a QMP session's stderr, an HMP answer.
     */
    public NetClient addNetdev(Netdev netdev, MonitorFds monitor, Consumer<String> warnings) {
        return call(() -> creating(monitor, warnings, () -> createNetdev(netdev, true)));
    }

    /**
     * A backend of a legacy {@code -net}: created like a netdev but not one, so
     * {@code netdev_del} refuses it (QEMU's {@code is_netdev} false). The caller peers it.
     */
    public NetClient addLegacyNetdev(Netdev netdev) {
        return addLegacyNetdev(netdev, null);
    }

    /** {@link #addLegacyNetdev(Netdev)} with the backend's warnings to {@code warnings} (null: the log). */
    public NetClient addLegacyNetdev(Netdev netdev, Consumer<String> warnings) {
        return call(() -> creating(null, warnings, () -> createNetdev(netdev, false)));
    }

    private NetClient creating(MonitorFds monitor, Consumer<String> warnings, Supplier<NetClient> make) {
        MonitorFds outerMonitor = currentMonitor;
        Consumer<String> outerWarnings = currentWarnings;
        currentMonitor = monitor;
        currentWarnings = warnings;
        try {
            return make.get();
        } finally {
            currentMonitor = outerMonitor;
            currentWarnings = outerWarnings;
        }
    }

    /**
     * QEMU's {@code warn_report} from a backend while its netdev is made: to the sink its
     * creator gave, else the log. A message may end in a newline, as libslirp's do (QEMU then
     * prints an empty line after it). Loop thread.
     */
    public void warn(String message) {
        checkLoop();
        Consumer<String> w = currentWarnings;
        if (w != null) {
            w.accept(message);
        } else {
            log.warn("{}", message.strip());
        }
    }

    /**
     * QEMU's {@code monitor_cur()}: the descriptors of the QMP session whose command is running,
     * or null for the command line and the library API. Loop thread, inside a factory.
     */
    public MonitorFds currentMonitor() {
        checkLoop();
        return currentMonitor;
    }

    private NetClient createNetdev(Netdev netdev, boolean isNetdev) {
        checkOpen();
        String id = netdev.id();
        if (findNetdev(id) != null) {
            throw FabricException.generic("Duplicate ID '" + id + "'");
        }
        NetdevFactory f = factories.get(netdev.options().type());
        if (f == null) {
            // QEMU 7.2 net_client_init1, for a schema type with no backend in this build.
            throw FabricException.generic("network backend '" + netdev.options().type()
                    + "' is not compiled into this binary");
        }
        NetClient c = f.create(this, netdev);
        c.netdev = isNetdev;
        c.creationOptions = netdev;
        register(c);
        return c;
    }

    /**
     * Registers a client made by a backend or an embedder (a NIC, a hub port of a legacy
     * {@code -net}). Its name must not collide with a netdev's unless it is a NIC.
     */
    public void addClient(NetClient client) {
        run(() -> {
            checkOpen();
            if (!client.isNic() && findNetdev(client.name()) != null) {
                throw FabricException.generic("Duplicate ID '" + client.name() + "'");
            }
            register(client);
        });
    }

    private void register(NetClient c) {
        if (c.fabric != null && c.fabric != this) {
            throw new IllegalStateException(c.name() + " belongs to another fabric");
        }
        c.fabric = this;
        clients.add(c);
        log.debug("added {}", c);
    }

    /**
     * {@code netdev_del}. QEMU: NIC names are invisible here; a backend peered with a NIC is
     * removed and the NIC's link goes down, and the NIC is never reconnected.
     */
    public void deleteNetdev(String id) {
        run(() -> {
            NetClient c = findNetdev(id);
            if (c == null) {
                throw FabricException.deviceNotFound(id);
            }
            if (!c.isNetdev()) {
                throw FabricException.generic("Device '" + id + "' is not a netdev");
            }
            remove(c);
        });
    }

    /** Removes any client: filters closed, peer told, resources released. */
    public void remove(NetClient c) {
        run(() -> {
            if (!clients.remove(c)) {
                return;
            }
            filters.values().removeIf(e -> e.netdev == c);
            NetClient peer = c.peer();
            if (peer != null && peer.isNic()) {
                peer.deletedPeerLines = c.infoNetworkLines();
                peer.deletedPeerModel = c.model();
                peer.setLinkDown(true);
                peer.linkStatusChanged();
            }
            c.disconnect();
            try {
                c.cleanup();
            } catch (RuntimeException e) {
                log.warn("cleanup of {} failed", c.name(), e);
            }
            c.dispose();
            log.debug("removed {}", c.name());
        });
    }

    /** The non-NIC client named {@code name}, or null (QEMU's netdev namespace). */
    public NetClient findNetdev(String name) {
        checkLoop();
        for (NetClient c : clients) {
            if (!c.isNic() && c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** A snapshot of every client in creation order. */
    public List<NetClient> clients() {
        return call(() -> List.copyOf(clients));
    }

    /**
     * {@code set_link}: every client named {@code name} (NICs included) goes up or down; the
     * first is told, and its peer is told too, a NIC peer following the link (QEMU net.c
     * {@code qmp_set_link}).
     */
    public void setLink(String name, boolean up) {
        run(() -> {
            List<NetClient> named = new ArrayList<>();
            for (NetClient c : clients) {
                if (c.name().equals(name)) {
                    named.add(c);
                }
            }
            if (named.isEmpty()) {
                throw FabricException.deviceNotFound(name);
            }
            for (NetClient c : named) {
                c.setLinkDown(!up);
            }
            NetClient first = named.get(0);
            first.linkStatusChanged();
            NetClient peer = first.peer();
            if (peer != null) {
                if (peer.isNic()) {
                    peer.setLinkDown(!up);
                }
                peer.linkStatusChanged();
            }
        });
    }

    // ---------------------------------------------------------------- NIC commands

    /**
     * {@code query-rx-filter}: the receive filter of the NIC named {@code name}, or of every NIC
     * that can report one when {@code name} is null, in creation order (QEMU net.c
     * {@code qmp_query_rx_filter}: the first client of that name decides; a netdev there is
     * {@code isn't a NIC}). Querying a NIC re-arms its {@code NIC_RX_FILTER_CHANGED}.
     */
    public List<RxFilterInfo> queryRxFilter(String name) {
        return call(() -> {
            List<RxFilterInfo> out = new ArrayList<>();
            for (NetClient c : List.copyOf(clients)) {
                if (name != null && !c.name().equals(name)) {
                    continue;
                }
                if (!c.isNic()) {
                    if (name != null) {
                        throw FabricException.generic("net client(" + name + ") isn't a NIC");
                    }
                    continue;
                }
                RxFilterInfo info = c.queryRxFilter();
                if (info != null) {
                    out.add(info);
                } else if (name != null) {
                    throw FabricException.generic("net client(" + name + ") doesn't support rx-filter querying");
                }
                if (name != null) {
                    break;
                }
            }
            if (out.isEmpty() && name != null) {
                throw FabricException.generic("invalid net client name: " + name);
            }
            return out;
        });
    }

    /**
     * {@code announce-self}: (re)starts the announce timer named by {@code params.id()} on this
     * fabric's loop; the first round goes out before this returns (QEMU net/announce.c).
     */
    public void announceSelf(AnnounceParameters params) {
        run(() -> {
            checkOpen();
            announceTimers().start(params);
        });
    }

    private AnnounceTimers announceTimers;

    private AnnounceTimers announceTimers() {
        if (announceTimers == null) {
            announceTimers = new AnnounceTimers((delay, task) -> {
                var f = loop.schedule(task, delay, TimeUnit.MILLISECONDS);
                return () -> f.cancel(false);
            }, this::announceRound);
        }
        return announceTimers;
    }

    /**
     * One round ({@code qemu_announce_self_iter} over every NIC): the RARP of each selected NIC,
     * sent from the NIC towards its peer (dropped while the NIC's link is down), then the NIC's
     * own {@code announce} hook.
     */
    private void announceRound(AnnounceParameters params) {
        for (NetClient c : List.copyOf(clients)) {
            MacAddress mac = c.announceMac();
            if (!c.isNic() || mac == null
                    || (params.interfaces() != null && !params.interfaces().contains(c.name()))) {
                continue;
            }
            c.send(RarpAnnouncement.frame(mac));
            c.announce();
        }
    }

    // ---------------------------------------------------------------- filters

    /** Attaches {@code filter} at the tail of the netdev's filter list. */
    public void addFilter(String netdevId, NetFilter filter) {
        try {
            addFilter(filter.id(), netdevId, null, false, c -> filter);
        } catch (RuntimeException e) {
            filter.close();
            throw e;
        }
    }

    /**
     * Creates and attaches a filter (QEMU net/filter.c {@code netfilter_complete}, after QOM's
     * {@code user_creatable_add_type}): the object id must be new, the netdev must be a backend
     * (filters never attach to NICs), the position must name a filter of the same netdev; only
     * then is {@code create} called (a dump opens its file there), and the filter is placed as
     * {@code position} ({@code head}, {@code tail} or null, {@code id=<filter>}) and
     * {@code insert=before} say.
     */
    public void addFilter(String id, String netdevId, String position, boolean insertBefore,
            java.util.function.Function<NetClient, NetFilter> create) {
        run(() -> {
            checkOpen();
            if (filters.containsKey(id)) {
                throw FabricException.generic("attempt to add duplicate property '" + id
                        + "' to object (type 'container')");
            }
            NetClient c = netdevId == null ? null : findNetdev(netdevId);
            if (c == null) {
                throw FabricException.generic("Parameter 'netdev' expects a network backend id");
            }
            int index = c.filters().length;
            if ("head".equals(position)) {
                index = 0;
            } else if (position != null && position.startsWith("id=")) {
                String other = position.substring(3);
                FilterEntry e = filters.get(other);
                if (e == null) {
                    throw FabricException.generic("filter '" + other + "' not found");
                }
                if (e.netdev != c) {
                    throw FabricException.generic("filter '" + other + "' belongs to a different netdev");
                }
                int at = c.filterIndex(e.filter);
                index = insertBefore ? at : at + 1;
            } else if (position != null && !position.equals("tail")) {
                throw FabricException.generic("Parameter 'position' expects 'head', 'tail' or 'id=<id>'");
            }
            NetFilter filter = create.apply(c);
            c.addFilter(filter, index);
            filters.put(id, new FilterEntry(filter, c));
        });
    }

    /** {@code object-del} of a filter; false when no filter has that id. */
    public boolean removeFilter(String id) {
        return call(() -> {
            FilterEntry e = filters.remove(id);
            if (e == null) {
                return false;
            }
            e.netdev.removeFilter(e.filter);
            e.filter.close();
            return true;
        });
    }

    // ---------------------------------------------------------------- events

    public void addEventListener(Consumer<FabricEvent> listener) {
        listeners.add(listener);
    }

    public void removeEventListener(Consumer<FabricEvent> listener) {
        listeners.remove(listener);
    }

    /** Raises a QMP event to every listener; any thread. */
    public void emit(String event, Map<String, Object> data) {
        long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        FabricEvent e = new FabricEvent(event, data, now);
        for (Consumer<FabricEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                log.warn("event listener failed on {}", event, ex);
            }
        }
    }

    // ---------------------------------------------------------------- attachments

    /**
     * Per-fabric state a backend keeps (the hub table of backend-hubport, for instance), created
     * on first use. Loop thread only.
     */
    public <T> T attachment(Class<T> key, Supplier<T> create) {
        checkLoop();
        return key.cast(attachments.computeIfAbsent(key, k -> create.get()));
    }

    // ---------------------------------------------------------------- lifecycle

    private void checkOpen() {
        if (closed) {
            throw FabricException.generic("the fabric is closed");
        }
    }

    /** Removes every client (newest first) and stops the loop if the fabric owns it. */
    @Override
    public void close() {
        if (!loop.isShuttingDown()) {
            run(() -> {
                if (closed) {
                    return;
                }
                closed = true;
                if (announceTimers != null) {
                    announceTimers.cancelAll();
                }
                for (String id : List.copyOf(filters.keySet())) {
                    removeFilter(id);
                }
                for (int i = clients.size() - 1; i >= 0; i--) {
                    if (i < clients.size()) {
                        remove(clients.get(i));
                    }
                }
            });
        }
        if (ownedGroup != null) {
            ownedGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
