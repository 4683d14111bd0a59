package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -monitor}: QEMU's human monitor on a socket or on stdio, its prompt and its quit. */
class HumanMonitorServerTest {
    private static final String USER_LINE = "u0: index=0,type=user,net=10.0.2.0,restrict=off\r\n";

    @TempDir
    Path dir;

    /** Reads up to and including the next "(qemu) " prompt. */
    private static String untilPrompt(InputStream in) throws Exception {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("(qemu) ")) {
            int c = in.read();
            if (c < 0) {
                throw new AssertionError("monitor closed after: " + b);
            }
            b.append((char) c);
        }
        return b.toString();
    }

    @Test
    void aUnixMonitorAnswersEachLineWithAPromptAndQuitEndsTheProcess() throws Exception {
        Path mon = dir.resolve("mon.sock");
        CommandLine cl = CommandLine.parse(new String[] {"-nodefaults", "-netdev", "user,id=u0",
            "-monitor", "unix:" + mon + ",server=on,wait=off"});
        try (Launcher l = Launcher.start(cl, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()));
                SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            assertThat(Files.getPosixFilePermissions(mon)).extracting(Object::toString)
                    .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
            c.connect(UnixDomainSocketAddress.of(mon));
            InputStream in = Channels.newInputStream(c);
            assertThat(untilPrompt(in)).isEqualTo("netfabric 0.1.0 monitor - type 'help' for more information\r\n(qemu) ");
            c.write(ByteBuffer.wrap("info network\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(untilPrompt(in)).isEqualTo(USER_LINE + "(qemu) ");
            c.write(ByteBuffer.wrap("set_link u0 maybe\r\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(untilPrompt(in)).isEqualTo("Expected 'on' or 'off'\r\nTry \"help set_link\" for more information\r\n(qemu) ");
            c.write(ByteBuffer.wrap("q\n".getBytes(StandardCharsets.UTF_8)));
            Thread waiter = new Thread(l::awaitQuit);
            waiter.start();
            waiter.join(5000);
            assertThat(waiter.isAlive()).as("quit ends the process").isFalse();
        }
        assertThat(mon).doesNotExist();
    }

    @Test
    void aStdioMonitorTakesStdoutAndTheRestGoesToStderr() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cl = CommandLine.parse(new String[] {"-nodefaults", "-netdev", "user,id=u0", "-monitor", "stdio"});
        try (Launcher l = Launcher.start(cl, new PrintStream(out, true), new PrintStream(err, true),
                new ByteArrayInputStream("info network\n".getBytes(StandardCharsets.UTF_8)))) {
            String expected = "netfabric 0.1.0 monitor - type 'help' for more information\r\n(qemu) " + USER_LINE + "(qemu) ";
            for (int i = 0; i < 250 && !out.toString(StandardCharsets.UTF_8).equals(expected); i++) {
                Thread.sleep(20);
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("netdev u0 has no peer");
        }
    }

    @Test
    void noPromptAfterQuitAsQemuEndsFirst() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommandLine cl = CommandLine.parse(new String[] {"-nodefaults", "-netdev", "user,id=u0", "-monitor", "stdio"});
        try (Launcher l = Launcher.start(cl, new PrintStream(out, true), new PrintStream(new ByteArrayOutputStream(), true),
                new ByteArrayInputStream("info network\nquit\n".getBytes(StandardCharsets.UTF_8)))) {
            Thread waiter = new Thread(l::awaitQuit);
            waiter.start();
            waiter.join(5000);
            assertThat(waiter.isAlive()).as("quit ends the process").isFalse();
            Thread.sleep(100);
            // QEMU 7.2 over a socket: "q" echoed, then the connection closes, no "(qemu) " again.
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .isEqualTo("netfabric 0.1.0 monitor - type 'help' for more information\r\n(qemu) " + USER_LINE + "(qemu) ");
        }
    }

    @Test
    void stdioForBothMonitorsIsRefusedInQemusWords() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Launcher.start(
                CommandLine.parse(new String[] {"-nodefaults", "-qmp", "stdio", "-monitor", "stdio"}),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()),
                new ByteArrayInputStream(new byte[0])))
                .hasMessage("-monitor stdio: cannot use stdio by multiple character devices");
    }
}
