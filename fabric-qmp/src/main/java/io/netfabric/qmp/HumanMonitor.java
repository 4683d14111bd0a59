package io.netfabric.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.netfabric.core.AnnounceParameters;
import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.core.options.NetdevRules;
import io.netfabric.core.spi.HmpCommand;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * QMP's {@code human-monitor-command}: the network part of QEMU's HMP, so that what scripts send
 * QEMU ({@code hostfwd_add ::2222-:22}, {@code info usernet}, {@code set_link net0 off}) works
 * unchanged. Built in here: {@code set_link}, {@code netdev_add}, {@code netdev_del},
 * {@code announce_self}, {@code quit}, {@code help}; the backends bring theirs through
 * {@link HmpCommand}. Output and refusals are QEMU 7.2's, checked against its binary
 * (HmpAgainstQemuIT): lines end in CRLF (the monitor's {@code monitor_puts}), argument errors
 * add {@code Try "help NAME" for more information}, a command's own error is
 * {@code Error: MESSAGE} (hmp_handle_error), an unknown command {@code unknown command: 'NAME'}.
 */
final class HumanMonitor {
    private final Fabric fabric;
    private final Map<String, HmpCommand> commands = new LinkedHashMap<>();

    /** @param onQuit what HMP's {@code quit} does (QEMU's: end the process), after its (empty) answer */
    private volatile boolean quitRequested;
    /** The descriptors of the connection whose line runs ({@link #run(String, ConnectionFds)}). */
    private ConnectionFds fds = ConnectionFds.detached();

    /** True once {@code quit} ran: the process is ending and the monitor prompts no more. */
    boolean quitRequested() {
        return quitRequested;
    }

    HumanMonitor(Fabric fabric, Runnable onQuit) {
        this.fabric = fabric;
        add(new Builtin("quit|q", "", "quit the emulator", 0, 0) {
            @Override
            public String run(Fabric f, List<String> args) {
                quitRequested = true;
                Thread t = new Thread(onQuit, "netfabric-hmp-quit");
                t.setDaemon(true);
                t.start();
                return "";
            }
        });
        add(new Builtin("netdev_add", NETDEV_ADD_PARAMS, "add host network device", 0, 1) {
            @Override
            public String run(Fabric f, List<String> args) {
                String opts = args.isEmpty() ? "" : args.get(0);
                if (NetdevOptionParser.isHelp(NetdevOptionParser.commandLineOption(opts, "type"))) {
                    return Fabric.netdevTypesListing();   // hmp_netdev_add: show_netdevs()
                }
                String id = opts.isEmpty() ? null : NetdevOptionParser.commandLineId(opts);
                // QEMU's QemuOpts checks the id while the monitor parses the arguments, before
                // the command runs: the message goes to stderr, the answer is the usage hint.
                if (id != null && !NetdevRules.isWellFormedId(id)) {
                    System.err.println("netfabric: Parameter 'id' expects an identifier");
                    System.err.println(NetdevRules.ID_HINT);
                    throw new HmpCommand.Usage(null);
                }
                if (id != null && f.call(() -> f.findNetdev(id)) != null) {
                    System.err.println("netfabric: Duplicate ID '" + id + "' for netdev");
                    throw new HmpCommand.Usage(null);
                }
                // fd=NAME names a descriptor getfd gave this monitor (QEMU's monitor_fd_param).
                // A backend's warn_report in an HMP command goes to the monitor: it is the answer.
                // QEMU 7.2's answer carries the last one only (checked: two dnssearch names
                // libslirp cannot encode, either order, answer with the second's warning).
                String[] last = {""};
                // The options' own warnings (a short-form boolean) come while the monitor parses
                // them: QEMU prints those on stderr, without a location.
                f.addNetdev(NetdevOptionParser.parseNetdev(opts, f.availableTypes(), w -> System.err.println("warning: " + w)),
                        fds.table(), w -> last[0] = "warning: " + w + "\n");
                return last[0];
            }
        });
        addNameCommand("getfd", "receive a file descriptor via SCM rights and assign it a name",
                name -> fds.claimAs(name));
        addNameCommand("closefd", "close a file descriptor previously passed via SCM rights",
                name -> fds.table().close(name));
        add(new Builtin("netdev_del", "id", "remove host network device", 1, 1) {
            @Override
            public String run(Fabric f, List<String> args) {
                f.deleteNetdev(args.get(0));
                return "";
            }
        });
        add(new Builtin("set_link", "name on|off", "change the link status of a network adapter", 1, 2) {
            @Override
            public String run(Fabric f, List<String> args) {
                // HMP's 'b' argument: exactly "on" or "off", checked before the command runs.
                String up = args.size() > 1 ? args.get(1) : "";
                if (!up.equals("on") && !up.equals("off")) {
                    throw new HmpCommand.Usage("Expected 'on' or 'off'");
                }
                f.setLink(args.get(0), up.equals("on"));
                return "";
            }
        });
        add(new Builtin("announce_self", "[interfaces] [id]", "Trigger GARP/RARP announcements", 0, 2) {
            @Override
            public String run(Fabric f, List<String> args) {
                // hmp_announce_self: the migration defaults, a comma list of interfaces, an id.
                AnnounceParameters d = AnnounceParameters.defaults();
                List<String> interfaces = args.isEmpty() ? null : List.of(args.get(0).split(","));
                f.announceSelf(new AnnounceParameters(d.initial(), d.max(), d.rounds(), d.step(), interfaces,
                        args.size() > 1 ? args.get(1) : null));
                return "";
            }
        });
        for (HmpCommand c : ServiceLoader.load(HmpCommand.class, HumanMonitor.class.getClassLoader())) {
            add(c);
        }
    }

    /** hmp-commands.hx's getfd and closefd: one name argument, params "CMD name", no output. */
    private void addNameCommand(String name, String text, java.util.function.Consumer<String> action) {
        add(new Builtin(name, name + " name", text, 1, 1) {
            @Override
            public String run(Fabric f, List<String> args) {
                action.accept(args.get(0));
                return "";
            }
        });
    }

    private void add(HmpCommand c) {
        commands.put(c.name(), c);
    }

    /** The QMP command: {@code {"command-line": str, "cpu-index"?: int}} answers the output text. */
    JsonNode execute(QmpArguments args) {
        String line = args.requiredString("command-line");
        if (args.optional("cpu-index") != null) {
            args.requiredInt("cpu-index");   // type-checked as QEMU does; no CPUs here
        }
        args.end();
        return TextNode.valueOf(run(line).replace("\n", "\r\n"));
    }

    /**
     * One command line of {@code human-monitor-command}, its output with {@code \n} line ends.
     * QEMU runs each in a monitor of its own, which never holds a descriptor.
     */
    String run(String line) {
        return run(line, ConnectionFds.detached());
    }

    /** One command line from a connection holding {@code connectionFds}; output with {@code \n} line ends. */
    String run(String line, ConnectionFds connectionFds) {
        fds = connectionFds;
        try {
            return runLine(line);
        } finally {
            fds = ConnectionFds.detached();
        }
    }

    private String runLine(String line) {
        Tokens t = new Tokens(line);
        String name = t.word();
        if (name.isEmpty()) {
            return "";
        }
        if (name.equals("help") || name.equals("?")) {
            return help(t.rest().trim());
        }
        if (name.equals("info")) {
            String sub = t.word();
            if (sub.isEmpty()) {
                return help("info");
            }
            name = "info " + sub;
        }
        String wanted = name;
        HmpCommand c = commands.get(wanted);
        if (c == null) {
            // A name with aliases ("quit|q") answers to each of them, as in QEMU's command table.
            c = commands.values().stream().filter(x -> x.name().contains("|")
                    && List.of(x.name().split("\\|")).contains(wanted)).findFirst().orElse(null);
        }
        if (c == null) {
            return "unknown command: '" + name + "'\n";
        }
        List<String> args = new ArrayList<>();
        try {
            for (int i = 0; i < c.maxArgs(); i++) {
                String a = t.string();
                if (a == null) {
                    if (i < c.minArgs()) {
                        throw new HmpCommand.Usage(c.name() + ": string expected");
                    }
                    break;
                }
                args.add(a);
            }
            if (!t.rest().isBlank()) {
                // QEMU names an info command by its sub-command here ("network: ...").
                throw new HmpCommand.Usage(c.name().replaceFirst("^info ", "")
                        + ": extraneous characters at the end of line");
            }
            return c.run(fabric, args);
        } catch (HmpCommand.Usage u) {
            return (u.getMessage() == null ? "" : u.getMessage() + "\n")
                    + "Try \"help " + c.name() + "\" for more information\n";
        } catch (FabricException e) {
            return (e.reportedBefore() != null ? e.reportedBefore() + "\n" : "") + "Error: " + e.getMessage() + "\n";
        } catch (RuntimeException e) {
            // Not QEMU's words, but the monitor stays up and says what went wrong.
            return "Error: " + (e.getMessage() != null ? e.getMessage() : e.toString()) + "\n";
        }
    }

    /** {@code help}, {@code help NAME}, {@code help info}: QEMU's "NAME PARAMS -- TEXT" lines. */
    private String help(String topic) {
        StringBuilder b = new StringBuilder();
        boolean any = false;
        for (HmpCommand c : commands.values()) {
            boolean info = c.name().startsWith("info ");
            if (topic.isEmpty() ? !info : topic.equals("info") ? info : List.of(c.name().split("\\|")).contains(topic)) {
                b.append(c.name()).append(' ').append(c.params()).append(" -- ").append(c.text()).append('\n');
                any = true;
            }
        }
        if (topic.isEmpty()) {
            b.append("help|? [cmd] -- show the help\n");
            b.append("info [subcommand] -- show various information about the system state\n");
        } else if (!any) {
            return "unknown command: '" + topic + "'\n";
        }
        return b.toString();
    }

    /**
     * hmp-commands.hx's text, which QEMU 7.2 does not fit to what it was built with (it names
     * netmap, which Debian's build lacks, and leaves out l2tpv3 and vhost-vdpa, which it has).
     */
    private static final String NETDEV_ADD_PARAMS =
            "[user|tap|socket|stream|dgram|vde|bridge|hubport|netmap|vhost-user],id=str[,prop=value][,...]";

    private abstract static class Builtin extends HmpCommand.Described {
        Builtin(String name, String params, String text, int min, int max) {
            super(name, params, text, min, max);
        }
    }

    /**
     * The monitor's argument reader (monitor/hmp.c get_str): blanks separate words; a word in
     * double quotes may hold blanks and the escapes \n \r \\ \' \".
     */
    private static final class Tokens {
        private final String s;
        private int i;

        Tokens(String s) {
            this.s = s;
        }

        private void skipBlanks() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        /** The command name: up to the next blank. */
        String word() {
            skipBlanks();
            int start = i;
            while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            return s.substring(start, i);
        }

        /** The next string argument, or null at the end of the line. */
        String string() {
            skipBlanks();
            if (i >= s.length()) {
                return null;
            }
            if (s.charAt(i) != '"') {
                return word();
            }
            StringBuilder b = new StringBuilder();
            i++;
            while (i < s.length() && s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c == '\\' && i < s.length()) {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 'r' -> b.append('\r');
                        case '\\', '\'', '"' -> b.append(e);
                        default -> throw new HmpCommand.Usage("unsupported escape code: '\\" + e + "'");
                    }
                } else {
                    b.append(c);
                }
            }
            if (i >= s.length()) {
                throw new HmpCommand.Usage("unterminated string");
            }
            i++;
            return b.toString();
        }

        String rest() {
            return s.substring(Math.min(i, s.length()));
        }
    }
}
