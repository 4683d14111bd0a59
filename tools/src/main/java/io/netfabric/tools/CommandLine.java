package io.netfabric.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The launcher's arguments in QEMU's syntax: {@code -opt value} or {@code --opt value}, in order.
 * Only splitting happens here; each option's value is parsed by the component it configures.
 */
record CommandLine(List<Option> options, boolean noDefaults, boolean help, boolean version) {

    /** One option with a value, as given: {@code name} without dashes, e.g. {@code netdev}. */
    record Option(String name, String value) {
        /** How QEMU names the option in a message: {@code -netdev user,id=n0}. */
        String location() {
            return "-" + name + " " + value;
        }
    }

    private static final Set<String> WITH_VALUE = Set.of("netdev", "net", "nic", "qmp", "monitor", "object", "device");

    /** Thrown for a malformed command line, with QEMU's text (without the program prefix). */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static CommandLine parse(String[] args) throws UsageException {
        List<Option> options = new ArrayList<>();
        boolean noDefaults = false;
        boolean help = false;
        boolean version = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-") || a.equals("-") || a.equals("--")) {
                throw new UsageException(a + ": unexpected argument (netfabric takes options only; see -h)");
            }
            String name = a.startsWith("--") ? a.substring(2) : a.substring(1);
            if (WITH_VALUE.contains(name)) {
                if (i + 1 >= args.length) {
                    throw new UsageException(a + ": requires an argument");
                }
                options.add(new Option(name, args[++i]));
                continue;
            }
            switch (name) {
                case "nodefaults" -> noDefaults = true;
                case "h", "help" -> help = true;
                case "version" -> version = true;
                default -> throw new UsageException(a + ": invalid option");
            }
        }
        return new CommandLine(List.copyOf(options), noDefaults, help, version);
    }

    List<Option> all(String name) {
        return options.stream().filter(o -> o.name.equals(name)).toList();
    }

    /** True when the command line names a netdev, so no embedded default is started. */
    boolean namesNetdevs() {
        return options.stream().anyMatch(o -> o.name.equals("netdev") || o.name.equals("net") || o.name.equals("nic"));
    }

    static final String USAGE = """
            usage: netfabric [options]

            QEMU's network backends as a helper process. Options use QEMU's syntax:

              -netdev TYPE,id=ID[,...]   add a netdev (repeatable): hubport, and the types whose
                                         backends are built (see README.md)
              -netdev '{"type":...}'     the same in JSON, as QEMU accepts it
              -netdev help               list the netdev types this build runs
              -net TYPE[,...]            legacy: add a backend on a new port of hub 0
              -nic TYPE[,model=M][,mac=MAC][,...]
                                         a netdev of TYPE with a NIC on it (e1000 by default),
                                         as QEMU's -nic; the NIC's guest side is not served
                                         (-nic model=help lists the models)
              -object filter-dump,id=ID,netdev=ID,file=PATH[,maxlen=N]
                                         capture what passes a netdev to a pcap file
              -device MODEL,netdev=ID[,id=ID][,mac=MAC][,guest=unix:PATH]
                                         a NIC (virtio-net, e1000, rtl8139) with its receive
                                         filter; guest= serves its guest side as a stream socket
              -qmp unix:PATH,server=on,wait=off
              -qmp tcp:HOST:PORT,server=on,wait=off
              -qmp stdio                 serve QMP (repeatable); without wait=off, start-up
                                         waits for the first client, as in QEMU; with stdio,
                                         other output goes to stderr
              -monitor unix:PATH,server=on,wait=off | tcp:HOST:PORT,server=on,wait=off | stdio
                                         QEMU's human monitor (its network commands: help)
              -nodefaults                start nothing but what the command line names
              -version                   print the version and exit
              -h, -help                  print this text and exit

            With no -netdev or -net options netfabric starts its embedded default (README.md).
            """;
}
