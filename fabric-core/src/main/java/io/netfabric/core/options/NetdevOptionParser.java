package io.netfabric.core.options;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Front door 1: QEMU's {@code -netdev} and legacy {@code -net} option strings, with QEMU 7.2's
 * QemuOpts + OptsVisitor rules and messages, e.g.
 * {@code user,id=n0,hostfwd=tcp::2222-:22,hostfwd=udp::5353-:53,restrict=on}.
 *
 * <p>Order of checks, as in QEMU: the id's syntax while the string is split
 * (util/qemu-option.c {@code qemu_opts_create()}); the {@code ipv6-net} shorthand
 * (net/net.c {@code net_client_init()}); the members, id then type then the branch's in schema
 * order, then leftovers (qapi/opts-visitor.c); then whether the type is available
 * (net/net.c {@code net_client_init1()}). Errors are {@link io.netfabric.core.FabricException}
 * with QEMU's message; a malformed id carries QEMU's hint ({@code hint()}).
 *
 * <p>The JSON form {@code -netdev '{...}'} ({@link #isJson}) is decoded by the caller into a map
 * and given to {@link NetdevQmpDecoder#decodeCommandLineJson}. QEMU 7.2 also sends
 * {@code stream} and {@code dgram} in {@code key=value} form down that path (keyval syntax, with
 * dotted keys for their {@code SocketAddress} members): for them the id's syntax is not checked
 * and the keyval visitor's messages apply ({@code Parameter 'foo' is unexpected}).
 */
public final class NetdevOptionParser {
    private NetdevOptionParser() {
    }

    /** net/net.c {@code netdev_is_modern()}: JSON goes to the QAPI (QMP) decoder. */
    /**
     * The id QemuOpts registers for a {@code -netdev} argument (the first {@code id=}), or null;
     * QEMU checks ids for duplicates at parse time, before the type is looked at.
     */
    public static String commandLineId(String optarg) {
        return QemuOptsSyntax.parse(optarg, "type").id();
    }

    /**
     * The last value of option {@code name} in a QemuOpts argument whose first bare word is its
     * {@code type} ({@code -netdev}, {@code -net}, {@code -nic}), or null; for help requests
     * ({@code -netdev help}, {@code -nic model=help}), which QEMU answers before anything else.
     */
    public static String commandLineOption(String optarg, String name) {
        String value = null;
        for (QemuOptsSyntax.Opt o : QemuOptsSyntax.parse(optarg, "type").opts()) {
            if (o.name().equals(name)) {
                value = o.value();
            }
        }
        return value;
    }

    /** QEMU's {@code is_help_option()}: {@code help} or {@code ?}. */
    public static boolean isHelp(String value) {
        return "help".equals(value) || "?".equals(value);
    }

    public static boolean isJson(String optarg) {
        return optarg.startsWith("{");
    }

    /**
     * Parses a {@code -netdev} argument.
     *
     * @param available the backend types this build can create (e.g. the types with a
     *                  {@code NetdevFactory}); a schema type outside it is refused as QEMU refuses
     *                  a type not compiled in, after its members were checked
     */
    public static Netdev parseNetdev(String optarg, Set<String> available) {
        return parseNetdev(optarg, available, w -> { });
    }

    /** As {@link #parseNetdev(String, Set)}, passing QEMU's warnings (deprecated forms) on. */
    public static Netdev parseNetdev(String optarg, Set<String> available, Consumer<String> warnings) {
        QemuOptsSyntax opts = split(optarg, warnings);
        if (opts.id() == null) {
            throw QapiErrors.missing("id");   // visit of the base member 'id' (OptsVisitor's fake id opt)
        }
        Visited v = visit(opts.id(), opts, warnings);
        NetdevRules.checkNetdevAvailable(v.type, available);
        return new Netdev(v.id, v.options);
    }

    /**
     * Parses a legacy {@code -net} argument: same syntax and members, but no id is needed (the
     * result's id is then null and the fabric names it, as QEMU's {@code id_generate()}),
     * {@code hubport} is refused, {@code nic} is always allowed, and {@code none} gives nothing.
     * There is no {@code name=} (nor {@code vlan=}) in 7.2: both are "Invalid parameter".
     */
    public static Optional<Netdev> parseLegacyNet(String optarg, Set<String> available, Consumer<String> warnings) {
        QemuOptsSyntax opts = split(optarg, warnings);
        Visited v = visit(opts.id(), opts, warnings);
        NetdevRules.checkLegacyAvailable(v.type, available);
        return v.options == null ? Optional.empty() : Optional.of(new Netdev(v.id, v.options));
    }

    public static Optional<Netdev> parseLegacyNet(String optarg, Set<String> available) {
        return parseLegacyNet(optarg, available, w -> { });
    }

    /**
     * A {@code -nic} argument (QEMU 7.2 net/net.c {@code net_param_nic()}) split into the NIC's
     * {@code model=} and {@code mac=} (the last of each; null when not given) and the rest, which
     * make a netdev of {@code type} ({@code user} when not given). {@code type=none} asks for
     * nothing. The caller checks the NIC's slot and MAC first, as QEMU does, then makes the
     * netdev with {@link #netdev}.
     */
    public static final class NicShortcut {
        private final String type;
        private final String id;
        private final String model;
        private final String mac;
        private final List<QemuOptsSyntax.Opt> rest;

        private NicShortcut(String type, String id, String model, String mac, List<QemuOptsSyntax.Opt> rest) {
            this.type = type;
            this.id = id;
            this.model = model;
            this.mac = mac;
            this.rest = rest;
        }

        /** The netdev's type; {@code none} asks for nothing. */
        public String type() {
            return type;
        }

        /** The given {@code id=}, or null. */
        public String id() {
            return id;
        }

        /** The NIC's {@code model=}, or null (the board's default). */
        public String model() {
            return model;
        }

        /** The NIC's {@code mac=} as given, or null. */
        public String mac() {
            return mac;
        }

        public boolean none() {
            return type.equals("none");
        }

        /**
         * The netdev, named {@code id} (the given one, or the one the caller generated): QEMU's
         * {@code net_client_init(opts, true)}, so refused types and members get {@code -netdev}'s
         * messages.
         */
        public Netdev netdev(String id, Set<String> available, Consumer<String> warnings) {
            Visited v = visit(id, new QemuOptsSyntax(id, rest, List.of()), warnings);
            NetdevRules.checkNetdevAvailable(v.type, available);
            return new Netdev(id, v.options);
        }
    }

    /** Splits a {@code -nic} argument: see {@link NicShortcut}. The id's syntax is checked here. */
    public static NicShortcut parseNic(String optarg, Consumer<String> warnings) {
        QemuOptsSyntax opts = split(optarg, warnings);
        String model = null;
        String mac = null;
        String type = null;
        List<QemuOptsSyntax.Opt> rest = new ArrayList<>();
        for (QemuOptsSyntax.Opt o : opts.opts()) {
            switch (o.name()) {
                case "model" -> model = o.value();
                case "mac" -> mac = o.value();
                default -> {
                    if (o.name().equals("type")) {
                        type = o.value();
                    }
                    rest.add(o);
                }
            }
        }
        if (type == null) {
            type = UserOptions.TYPE;
            rest.add(0, new QemuOptsSyntax.Opt("type", type));
        }
        return new NicShortcut(type, opts.id(), model, mac, List.copyOf(rest));
    }

    private static QemuOptsSyntax split(String optarg, Consumer<String> warnings) {
        Objects.requireNonNull(optarg);
        QemuOptsSyntax opts = QemuOptsSyntax.parse(optarg, "type");
        opts.warnings().forEach(warnings);
        if (opts.id() != null && !isModern(opts)) {
            NetdevRules.checkId(opts.id(), true);
        }
        return opts;
    }

    /** net/net.c {@code netdev_is_modern()}: types whose -netdev string goes to keyval. */
    private static boolean isModern(QemuOptsSyntax opts) {
        for (QemuOptsSyntax.Opt o : opts.opts()) {
            if (o.name().equals("type")) {
                return o.value().equals(StreamOptions.TYPE) || o.value().equals(DgramOptions.TYPE);
            }
        }
        return false;
    }

    /** A decoded netdev before the availability check; options null for {@code none}. */
    record Visited(String id, String type, NetdevOptions options) {
    }

    private static Visited visit(String id, QemuOptsSyntax syntax, Consumer<String> warnings) {
        List<QemuOptsSyntax.Opt> list = expandIpv6Net(syntax.opts());
        OptsSource source = new OptsSource(list, warnings);
        String type = source.take("type");
        if (type == null) {
            throw QapiErrors.missing("type");
        }
        NetdevRules.checkKnownType(type);
        if (type.equals(StreamOptions.TYPE) || type.equals(DgramOptions.TYPE)) {
            source.useKeyvalRules();
        }
        NetdevBranch branch = NetdevBranch.forType(type);
        NetdevOptions options = branch == null ? null : branch.create(source.readAll(branch.members()));
        source.checkAllConsumed();
        return new Visited(id, type, options);
    }

    /**
     * net/net.c {@code net_client_init()}: {@code ipv6-net=PREFIX[/LEN]} becomes
     * {@code ipv6-prefix}/{@code ipv6-prefixlen} appended at the end (so it beats them), before
     * anything is visited and whatever the type. Only the last {@code ipv6-net} is replaced
     * ({@code qemu_opt_unset()} deletes one), so an earlier one stays and is refused.
     */
    private static List<QemuOptsSyntax.Opt> expandIpv6Net(List<QemuOptsSyntax.Opt> opts) {
        int last = -1;
        for (int i = 0; i < opts.size(); i++) {
            if (opts.get(i).name().equals("ipv6-net")) {
                last = i;
            }
        }
        if (last < 0) {
            return opts;
        }
        String net = opts.get(last).value();
        if (net.isEmpty()) {   // g_strsplit("", "/", 2) has no first element
            throw QapiErrors.expects("ipv6-net", "a valid IPv6 prefix");
        }
        int slash = net.indexOf('/');
        long len = 64;
        if (slash >= 0) {
            Long parsed = QemuNumbers.parseStrtou64(net.substring(slash + 1), 10);
            if (parsed == null) {
                throw QapiErrors.expects("ipv6-prefixlen", "a number");
            }
            len = parsed;
        }
        List<QemuOptsSyntax.Opt> out = new ArrayList<>(opts);
        out.remove(last);
        out.add(new QemuOptsSyntax.Opt("ipv6-prefix", slash >= 0 ? net.substring(0, slash) : net));
        out.add(new QemuOptsSyntax.Opt("ipv6-prefixlen", Long.toString(len)));   // qemu_opt_set_number: PRId64
        return out;
    }
}
