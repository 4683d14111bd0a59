package io.netfabric.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.capture.FilterDump;
import io.netfabric.core.options.FilterDumpOptions;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.core.options.NetdevQmpDecoder;
import io.netfabric.core.options.NetdevRules;
import io.netfabric.core.options.NicOptions;
import io.netfabric.hubport.Hub;
import io.netfabric.hubport.HubPort;
import io.netfabric.hubport.Hubs;
import io.netfabric.nic.GuestPort;
import io.netfabric.nic.Nic;
import io.netfabric.nic.NicConfig;
import io.netfabric.nic.NicDevice;
import io.netfabric.nic.NicModel;
import io.netfabric.wire.MacAddress;
import io.netfabric.qmp.FabricCommands;
import io.netfabric.qmp.HumanMonitorServer;
import io.netfabric.qmp.QmpDispatcher;
import io.netfabric.qmp.QmpEndpoint;
import io.netfabric.qmp.QmpServer;
import io.netfabric.qmp.QmpStdio;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds a running fabric from a {@link CommandLine}, in QEMU's order: every {@code -netdev} is
 * parsed first (QemuOpts duplicate ids are caught there), then netdevs given in the modern
 * syntax (JSON) are created, then the QemuOpts ones, then {@code -nic} netdevs, then legacy
 * {@code -net} backends on hub 0, then {@code -object} filters, then the board NICs of
 * {@code -nic} and {@code -net nic}, then {@code -device} NICs, then the QMP servers and the
 * embedded default.
 */
final class Launcher implements AutoCloseable {
    /** A refused command line: the text after {@code netfabric: }. */
    static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;

        StartupException(String message) {
            super(message);
        }
    }

    /**
     * Made on first use: building an ObjectMapper loads ~370 Jackson classes, about 200 ms of a
     * cold start (0.06-0.27 s of a 0.75 s start of the main job), and only a JSON {@code -netdev}
     * needs one here.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private final Fabric fabric;
    private final PrintStream out;
    private final PrintStream err;
    /** {@code -qmp stdio}'s streams. */
    private java.io.InputStream stdin = System.in;
    private PrintStream stdout = System.out;
    private final List<AutoCloseable> services = new ArrayList<>();
    private final CountDownLatch quit = new CountDownLatch(1);
    private boolean closed;
    private volatile boolean signalled;

    /** The process was asked to end by a signal (the shutdown hook): close announces it as QEMU does. */
    void closeOnSignal() {
        signalled = true;
        close();
    }

    private Launcher(Fabric fabric, PrintStream out, PrintStream err) {
        this.fabric = fabric;
        this.out = out;
        this.err = err;
    }

    Fabric fabric() {
        return fabric;
    }

    static Launcher start(CommandLine cl, PrintStream out, PrintStream err) throws StartupException {
        return start(cl, out, err, System.in);
    }

    /**
     * @param stdin what {@code -qmp stdio} reads; with it, {@code out} carries QMP only and the
     *              launcher's own lines go to {@code err}, as QEMU keeps stdout for the monitor
     */
    static Launcher start(CommandLine cl, PrintStream out, PrintStream err, java.io.InputStream stdin)
            throws StartupException {
        boolean stdio = cl.all("qmp").stream().anyMatch(o -> o.value().equals("stdio"))
                || cl.all("monitor").stream().anyMatch(o -> o.value().equals("stdio"));
        Launcher l = new Launcher(Fabric.create(), stdio ? err : out, err);
        l.stdin = stdin;
        l.stdout = out;
        try {
            l.build(cl);
            return l;
        } catch (StartupException | RuntimeException e) {
            l.close();
            throw e;
        }
    }

    private record ParsedNetdev(CommandLine.Option option, Netdev netdev, boolean modern) {
    }

    private void build(CommandLine cl) throws StartupException {
        Set<String> available = fabric.availableTypes();
        List<ParsedNetdev> netdevs = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (CommandLine.Option o : cl.all("netdev")) {
            boolean json = NetdevOptionParser.isJson(o.value());
            if (!json) {
                checkUniqueId(o, ids, "netdev");
            }
            Netdev nd = located(o, () -> json
                    ? NetdevQmpDecoder.decodeCommandLineJson(parseJson(o.value()), available)
                    : NetdevOptionParser.parseNetdev(o.value(), available, w -> warnAt(o, w)));
            netdevs.add(new ParsedNetdev(o, nd, json));
        }
        // -nic's own QemuOpts list, whose ids are checked apart from -netdev's.
        Set<String> nicIds = new LinkedHashSet<>();
        for (CommandLine.Option o : cl.all("nic")) {
            checkUniqueId(o, nicIds, "nic");
        }
        List<QmpServer> qmps = startMonitors(cl);
        // QEMU 7.2 creates the modern-syntax netdevs first, then the QemuOpts ones (vl.c).
        for (boolean modern : new boolean[] {true, false}) {
            for (ParsedNetdev p : netdevs) {
                if (p.modern == modern) {
                    located(p.option, () -> fabric.addNetdev(p.netdev, null, w -> warnAt(p.option, w)));
                }
            }
        }
        // net.c net_init_clients: -netdev, then -nic, then -net.
        for (CommandLine.Option o : cl.all("nic")) {
            located(o, () -> {
                addNic(NetdevOptionParser.parseNic(o.value(), w -> warnAt(o, w)), o, available);
                return null;
            });
        }
        for (CommandLine.Option o : cl.all("net")) {
            located(o, () -> {
                NetdevOptionParser.parseLegacyNet(o.value(), available, w -> warnAt(o, w))
                        .ifPresent(nd -> addLegacyNet(nd, w -> warnAt(o, w)));
                return null;
            });
        }
        for (CommandLine.Option o : cl.all("object")) {
            FilterDumpOptions fo = located(o, () -> FilterDumpOptions.parseObjectSyntax(o.value()));
            try {
                FilterDump.attach(fabric, fo.checked());
            } catch (FabricException e) {
                // QEMU reports filter completion errors without the option's location.
                throw new StartupException(e.getMessage());
            }
        }
        createLegacyNics();
        // QEMU creates -device after the backends, filters and the machine's own NICs
        // (vl.c qemu_create_cli_devices).
        for (CommandLine.Option o : cl.all("device")) {
            located(o, () -> NicDevice.create(fabric, o.value()));
        }
        boolean embeddedDefault = !cl.namesNetdevs() && !cl.noDefaults();
        if (embeddedDefault) {
            EmbeddedDefault.start(this, cl.all("qmp").isEmpty());
        } else {
            warnAboutUnconnectedClients();
        }
        qmps.forEach(QmpServer::open);
        if (stdioMonitor) {
            // The monitor attaches once start-up is done, as QEMU's does.
            HumanMonitorServer.startStdio(fabric, this::requestQuit, stdin, stdout);
        }
    }

    /** {@code -monitor stdio} was asked for: it starts once the rest is built. */
    private boolean stdioMonitor;

    private interface ClientWait {
        void await() throws InterruptedException;
    }

    /**
     * {@code -qmp} and {@code -monitor}: QEMU creates their chardevs among the early backends,
     * before any netdev, and a server without wait=off blocks there for its first client; the
     * monitors attach (greet) once the rest is built (vl.c qemu_create_early_backends /
     * qemu_create_late_backends). Answers the QMP servers to open then.
     */
    private List<QmpServer> startMonitors(CommandLine cl) throws StartupException {
        List<QmpServer> held = new ArrayList<>();
        boolean stdioTaken = false;
        for (String kind : List.of("qmp", "monitor")) {
            for (CommandLine.Option o : cl.all(kind)) {
                boolean qmp = kind.equals("qmp");
                if (o.value().equals("stdio")) {
                    if (stdioTaken) {
                        throw new StartupException(o.location() + ": cannot use stdio by multiple character devices");
                    }
                    stdioTaken = true;
                    if (qmp) {
                        QmpStdio session;
                        try {
                            session = QmpStdio.start(fabric, dispatcher(), stdin, stdout, true);
                        } catch (java.io.UncheckedIOException | IllegalStateException e) {
                            throw new StartupException(o.location() + ": " + e.getMessage());
                        }
                        services.add(session);
                        held.add(session.server());
                    } else {
                        stdioMonitor = true;
                    }
                    continue;
                }
                ClientWait wait;
                if (qmp) {
                    QmpServer q = startQmp(o.location(), o.value(), false);
                    held.add(q);
                    wait = q::awaitFirstClient;
                } else {
                    HumanMonitorServer m;
                    try {
                        m = HumanMonitorServer.start(QmpEndpoint.parse(o.value()), fabric, this::requestQuit);
                    } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
                        throw monitorRefused(o.location(), e);
                    }
                    services.add(m);
                    wait = m::awaitFirstClient;
                }
                if (QmpEndpoint.waitsForClient(o.value())) {
                    err.println("netfabric: " + o.location() + ": info: netfabric waiting for connection on: disconnected:"
                            + QmpEndpoint.describe(o.value()));
                    try {
                        wait.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new StartupException(o.location() + ": interrupted while waiting for a client");
                    }
                }
            }
        }
        return held;
    }

    /** A QMP server on {@code spec} (QEMU's {@code -qmp} syntax), closed with the launcher. */
    QmpServer startQmp(String location, String spec) throws StartupException {
        return startQmp(location, spec, true);
    }

    /** @param open greet clients at once; else the caller {@link QmpServer#open}s it when ready */
    private QmpServer startQmp(String location, String spec, boolean open) throws StartupException {
        try {
            QmpEndpoint endpoint = QmpEndpoint.parse(spec);
            QmpServer server = open ? QmpServer.start(endpoint, fabric, dispatcher())
                    : QmpServer.startHeld(endpoint, fabric, dispatcher());
            services.add(server);
            return server;
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            throw monitorRefused(location, e);
        }
    }

    /** A refused {@code -qmp}/{@code -monitor}; an unknown driver gets QEMU's second line too. */
    private static StartupException monitorRefused(String location, RuntimeException e) {
        String text = location + ": " + e.getMessage();
        if (e instanceof QmpEndpoint.UnknownDriver u) {
            text += "\nnetfabric: " + location + ": parse error: " + u.spec();
        }
        return new StartupException(text);
    }

    private QmpDispatcher dispatcher;

    /** One dispatcher for every QMP server of this process; {@code quit} ends the process. */
    synchronized QmpDispatcher dispatcher() {
        if (dispatcher == null) {
            dispatcher = FabricCommands.dispatcher(fabric, this::requestQuit);
        }
        return dispatcher;
    }

    PrintStream out() {
        return out;
    }

    /** Adds a netdev given in QEMU's {@code -netdev} syntax, as the command line would. */
    NetClient addNetdev(String optarg) {
        return fabric.addNetdev(NetdevOptionParser.parseNetdev(optarg, fabric.availableTypes(), this::warn), null, this::warn);
    }

    /** Files the launcher created and removes on close (socket paths of the embedded default). */
    void removeOnClose(java.nio.file.Path path) {
        services.add(() -> java.nio.file.Files.deleteIfExists(path));
    }

    /**
     * A legacy {@code -net TYPE}: the backend (named by its id or QEMU's {@code #net<n><rr>}) on a
     * new port of hub 0 (QEMU net.c {@code net_client_init1}).
     */
    private void addLegacyNet(Netdev nd, java.util.function.Consumer<String> warnings) {
        if (nd.options() instanceof NicOptions nic) {
            if (nd.id() == null) {
                legacyId();   // net_client_init names every -net, a nic too, from the same counter
            }
            if (legacyNics.size() >= MAX_NICS) {
                throw FabricException.generic("too many NICs");
            }
            legacyNics.add(legacyNic(nic));
            return;
        }
        String id = nd.id() != null ? nd.id() : legacyId();
        NetClient backend = fabric.addLegacyNetdev(new Netdev(id, nd.options()), warnings);
        fabric.run(() -> fabric.addClient(Hubs.of(fabric).newPort(0, null, backend)));
    }

    /** QEMU's {@code MAX_NICS}: the board's NIC slots, shared by {@code -nic} and {@code -net nic}. */
    private static final int MAX_NICS = 8;
    /** The pc board's NIC model (pc_nic_init) for {@code -nic} and {@code -net nic} without {@code model=}. */
    private static final String DEFAULT_NIC_MODEL = "e1000";

    /**
     * QemuOpts refuses a second option of one list ({@code netdev}, {@code nic}) with the same id
     * while parsing (util/qemu-option.c qemu_opts_create), after the id's syntax and before
     * anything else.
     */
    private static void checkUniqueId(CommandLine.Option o, Set<String> seen, String list) throws StartupException {
        String id = NetdevOptionParser.commandLineId(o.value());
        if (id != null && NetdevRules.isWellFormedId(id) && !seen.add(id)) {
            throw new StartupException(o.location() + ": Duplicate ID '" + id + "' for " + list);
        }
    }

    /**
     * {@code -nic TYPE[,id=ID][,model=M][,mac=MAC][,...]} (QEMU 7.2 net.c {@code net_param_nic}):
     * a netdev of TYPE (user by default; {@code none}: nothing), named by its id or, like a
     * {@code -net}, {@code #net<n><rr>}, and a board NIC on it (e1000 by default), in a NIC slot
     * before those of {@code -net nic}.
     */
    private void addNic(NetdevOptionParser.NicShortcut nic, CommandLine.Option o, Set<String> available) {
        if (nic.none()) {
            return;
        }
        if (legacyNics.size() >= MAX_NICS) {
            throw FabricException.generic("no more on-board/default NIC slots available");
        }
        String id = nic.id() != null ? nic.id() : legacyId();
        MacAddress mac = nicMac(nic.mac(), "NIC cannot have multicast MAC address");
        fabric.addNetdev(nic.netdev(id, available, w -> warnAt(o, w)), null, w -> warnAt(o, w));
        legacyNics.add(nicsFromNicOption++, new LegacyNic(nic.model() != null ? nic.model() : DEFAULT_NIC_MODEL, mac, id));
    }

    /** How many of {@link #legacyNics} came from {@code -nic}: they take the first slots. */
    private int nicsFromNicOption;

    /** A {@code -net nic} checked as QEMU's net_init_nic does, its NIC made at machine init. */
    private record LegacyNic(String model, MacAddress mac, String peer) {
    }

    private final List<LegacyNic> legacyNics = new ArrayList<>();

    /**
     * QEMU net.c {@code net_init_nic}: the netdev must exist, the MAC must parse and be unicast;
     * without {@code netdev=} the NIC's peer is a new port of hub 0, made now so ports are
     * numbered in command-line order.
     */
    private LegacyNic legacyNic(NicOptions nic) {
        String peer;
        if (nic.netdev() != null) {
            if (fabric.call(() -> fabric.findNetdev(nic.netdev())) == null) {
                throw FabricException.generic("netdev '" + nic.netdev() + "' not found");
            }
            peer = nic.netdev();
        } else {
            peer = fabric.call(() -> {
                HubPort port = Hubs.of(fabric).newPort(0, null, null);
                fabric.addClient(port);
                return port.name();
            });
        }
        MacAddress mac = nicMac(nic.macaddr(), "NIC cannot have multicast MAC address (odd 1st byte)");
        return new LegacyNic(nic.model() != null ? nic.model() : DEFAULT_NIC_MODEL, mac, peer);
    }

    /**
     * A board NIC's {@code mac=}, or null when not given: QEMU's messages for one that does not
     * parse and for a multicast one ({@code -nic} and {@code -net nic} word the latter apart).
     */
    private static MacAddress nicMac(String text, String multicastMessage) {
        if (text == null) {
            return null;
        }
        MacAddress mac;
        try {
            mac = MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw FabricException.generic("invalid syntax for ethernet address");
        }
        if (mac.isMulticast()) {
            throw FabricException.generic(multicastMessage);
        }
        return mac;
    }

    /** The board's NICs of {@code -nic} and {@code -net nic} (QEMU pc_nic_init; e1000 is the pc default). */
    private void createLegacyNics() throws StartupException {
        for (LegacyNic n : legacyNics) {
            NicModel model = NicModel.ofDriver(n.model());
            if (model == null) {
                throw new StartupException("Unsupported NIC model: " + n.model());
            }
            Nic.attach(fabric, new NicConfig(model, null, n.mac(), n.peer()), new DiscardingGuest());
        }
    }

    /** The guest side of a {@code -net nic}: nothing behind it, frames for it are dropped. */
    private static final class DiscardingGuest implements GuestPort {
        @Override
        public int receive(io.netty.buffer.ByteBuf frame) {
            int n = frame.readableBytes();
            frame.release();
            return n;
        }
    }

    private int legacyCounter;

    /** util/id.c {@code id_generate(ID_NET)}: {@code #net}, a counter, two random digits. */
    private String legacyId() {
        return "#net" + legacyCounter++ + String.format("%02d", ThreadLocalRandom.current().nextInt(100));
    }

    /** QEMU's start-up warnings (net.c {@code net_check_clients}, hub.c {@code net_hub_check_clients}). */
    private void warnAboutUnconnectedClients() {
        fabric.run(() -> {
            for (Hub hub : Hubs.of(fabric).all()) {
                boolean hasNic = false;
                boolean hasHost = false;
                for (HubPort port : hub.ports()) {
                    NetClient peer = port.peer();
                    if (peer == null) {
                        warn("hub port " + port.name() + " has no peer");
                    } else if (peer.isNic()) {
                        hasNic = true;
                    } else {
                        hasHost = true;
                    }
                }
                if (hasHost && !hasNic) {
                    warn("hub " + hub.id() + " with no nics");
                }
                if (hasNic && !hasHost) {
                    warn("hub " + hub.id() + " is not connected to host network");
                }
            }
            for (NetClient c : fabric.clients()) {
                if (c.isNetdev()) {
                    // net_check_clients warns once per queue's client without a peer: a NIC takes
                    // every queue of its backend, a hub port only the first.
                    NetClient peer = c.peer();
                    int unpeered = peer == null ? c.queueCount() : peer.isNic() ? 0 : c.queueCount() - 1;
                    for (int q = 0; q < unpeered; q++) {
                        warn("netdev " + c.name() + " has no peer");
                    }
                }
            }
        });
    }

    private void warn(String message) {
        err.println("netfabric: warning: " + message);
    }

    /** A warning about one option as QEMU words it while that option is parsed: with its location. */
    private void warnAt(CommandLine.Option o, String message) {
        err.println("netfabric: " + o.location() + ": warning: " + message);
    }

    @FunctionalInterface
    private interface Step<T> {
        T run() throws StartupException;
    }

    /** Runs a step for one option; a refusal is reported as QEMU does: location, message, hint. */
    private static <T> T located(CommandLine.Option o, Step<T> step) throws StartupException {
        try {
            return step.run();
        } catch (FabricException e) {
            String text = o.location() + ": " + e.getMessage();
            if (e.reportedBefore() != null) {
                text = o.location() + ": " + e.reportedBefore() + "\nnetfabric: " + text;
            }
            if (e.hint() != null) {
                text += "\n" + e.hint().stripTrailing();
            }
            throw new StartupException(text);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseJson(String text) {
        try {
            Object v = Json.MAPPER.readValue(text, Object.class);
            if (v instanceof Map) {
                return (Map<String, Object>) v;
            }
            // qobject_input_visitor_new_str: a JSON -netdev must be an object.
            throw FabricException.generic("Invalid parameter type for 'null', expected: object");
        } catch (JsonProcessingException e) {
            throw FabricException.generic("JSON parse error, " + e.getOriginalMessage());
        }
    }

    /** Blocks until {@link #requestQuit()} (QMP {@code quit}) or the process is signalled. */
    void awaitQuit() {
        try {
            quit.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void requestQuit() {
        quit.countDown();
    }

    /** Stops the services, then every backend (sockets and files removed). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (signalled) {
            // QEMU's qemu_system_killed(): SHUTDOWN with reason host-signal reaches the monitors
            // before they close (each server writes it ahead of its close on the same loop).
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("guest", false);
            data.put("reason", "host-signal");
            fabric.emit("SHUTDOWN", data);
        }
        for (int i = services.size() - 1; i >= 0; i--) {
            try {
                services.get(i).close();
            } catch (Exception e) {
                err.println("netfabric: warning: closing " + services.get(i) + ": " + e.getMessage());
            }
        }
        fabric.close();
        quit.countDown();
    }

}
