package io.netfabric.core.spi;

import io.netfabric.core.Fabric;
import java.util.List;

/**
 * A command of QEMU's human monitor (HMP) that a module adds, run through QMP's
 * {@code human-monitor-command} (how scripts and {@code virsh qemu-monitor-command --hmp} reach
 * QEMU's {@code hostfwd_add} and {@code info usernet}, which have no QMP form). Found through
 * {@link java.util.ServiceLoader} by fabric-qmp, like {@link FabricCommand}.
 */
public interface HmpCommand {
    /** The command, or {@code "info NAME"} for an info subcommand. */
    String name();

    /** What {@code help NAME} prints between the name and {@code --}: the arguments, maybe empty. */
    String params();

    /** What {@code help NAME} prints after {@code --}. */
    String text();

    /** How many whitespace-separated arguments the command takes at least and at most. */
    int minArgs();

    int maxArgs();

    /**
     * Runs the command from any thread (use {@link Fabric#call} for loop work) and answers its
     * output, each line ending in {@code \n}. Throws {@link Usage} for QEMU's argument errors
     * (printed with {@code Try "help NAME"}); a {@link io.netfabric.core.FabricException} is
     * printed as QEMU's {@code hmp_handle_error} does, {@code Error: MESSAGE}.
     */
    String run(Fabric fabric, List<String> args);

    /** A command whose name, help and argument counts are given once, at construction. */
    abstract class Described implements HmpCommand {
        private final String name;
        private final String params;
        private final String text;
        private final int min;
        private final int max;

        protected Described(String name, String params, String text, int minArgs, int maxArgs) {
            this.name = name;
            this.params = params;
            this.text = text;
            this.min = minArgs;
            this.max = maxArgs;
        }

        @Override
        public final String name() {
            return name;
        }

        @Override
        public final String params() {
            return params;
        }

        @Override
        public final String text() {
            return text;
        }

        @Override
        public final int minArgs() {
            return min;
        }

        @Override
        public final int maxArgs() {
            return max;
        }
    }

    /** An argument QEMU's monitor refuses before the command runs ("Expected 'on' or 'off'"). */
    final class Usage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Usage(String message) {
            super(message, null, false, false);
        }
    }
}
