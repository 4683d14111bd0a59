package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code -qmp stdio}: QMP on the process's standard input and output, as QEMU's stdio monitor. */
class QmpStdioTest {
    @Test
    void aSessionOnStdinAndStdoutWithEverythingElseOnStderr() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        byte[] input = ("{\"execute\":\"qmp_capabilities\"}\n"
                + "{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"info network\"}}\n")
                .getBytes(StandardCharsets.UTF_8);
        // The embedded default prints how to attach a guest: with stdout taken by QMP, on stderr.
        CommandLine cl = CommandLine.parse(new String[] {"-qmp", "stdio"});
        try (Launcher l = Launcher.start(cl, new PrintStream(out, true), new PrintStream(err, true),
                new ByteArrayInputStream(input))) {
            String text = "";
            for (int i = 0; i < 250 && text.split("\r\n").length < 3; i++) {
                Thread.sleep(20);
                text = out.toString(StandardCharsets.UTF_8);
            }
            String[] lines = text.split("\r\n");
            assertThat(lines).hasSize(3);
            assertThat(lines[0]).startsWith("{\"QMP\": {\"version\": ");
            assertThat(lines[1]).isEqualTo("{\"return\": {}}");
            assertThat(lines[2]).startsWith("{\"return\": \"hub 0\\r\\n");
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("-netdev stream");
        }
    }

    @Test
    void stdioTwiceIsRefusedInQemusWords() throws Exception {
        CommandLine cl = CommandLine.parse(new String[] {"-nodefaults", "-qmp", "stdio", "-qmp", "stdio"});
        assertThatThrownBy(() -> Launcher.start(cl, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), new ByteArrayInputStream(new byte[0])))
                .hasMessage("-qmp stdio: cannot use stdio by multiple character devices");
    }
}
