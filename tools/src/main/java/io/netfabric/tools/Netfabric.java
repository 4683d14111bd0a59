package io.netfabric.tools;

import io.netfabric.core.HelperNettyDefaults;
import java.io.PrintStream;

/**
 * {@code bin/netfabric}: QEMU's network backends as a helper process, with QEMU's command-line
 * syntax. Exit status 0 after {@code quit} or a signal, 1 when the command line is refused.
 */
public final class Netfabric {
    /** netfabric's own version, also in the QMP greeting. */
    public static final String VERSION = "0.1.0";

    private Netfabric() {
    }

    public static void main(String[] args) {
        HelperNettyDefaults.apply();   // before any Netty class runs
        System.exit(run(args, System.out, System.err));
    }

    /** Runs until quit; answers the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl;
        try {
            cl = CommandLine.parse(args);
        } catch (CommandLine.UsageException e) {
            err.println("netfabric: " + e.getMessage());
            return 1;
        }
        if (cl.help()) {
            out.print(CommandLine.USAGE);
            return 0;
        }
        if (cl.version()) {
            out.println("netfabric " + VERSION + " (QEMU 7.2 network backend layer)");
            return 0;
        }
        String listing = HelpListings.requested(cl);
        if (listing != null) {
            out.print(listing);
            return 0;
        }
        Launcher launcher;
        try {
            launcher = Launcher.start(cl, out, err);
        } catch (Launcher.StartupException e) {
            err.println("netfabric: " + e.getMessage());
            return 1;
        }
        Thread hook = new Thread(launcher::closeOnSignal, "netfabric-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        launcher.awaitQuit();
        launcher.close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // A signal got here first; its hook closes the launcher too.
        }
        return 0;
    }
}
