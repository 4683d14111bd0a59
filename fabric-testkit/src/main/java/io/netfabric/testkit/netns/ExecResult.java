package io.netfabric.testkit.netns;

import java.util.List;

/** What a command run by the kit printed and how it ended. */
public record ExecResult(List<String> command, int exitCode, String stdout, String stderr) {

    public boolean ok() {
        return exitCode == 0;
    }

    /** This result, or an AssertionError carrying the command and its output. */
    public ExecResult requireSuccess() {
        if (exitCode != 0) {
            throw new AssertionError(this.toString());
        }
        return this;
    }

    @Override
    public String toString() {
        return String.join(" ", command) + " -> exit " + exitCode
                + (stdout.isBlank() ? "" : "\n--- stdout\n" + stdout)
                + (stderr.isBlank() ? "" : "\n--- stderr\n" + stderr);
    }
}
