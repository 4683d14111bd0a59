package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -qmp ...,server} without {@code wait=off}: QEMU blocks at start-up for the first client
 * ("QEMU waiting for connection on: ...") and greets it once the netdevs exist.
 */
class QmpWaitTest {
    @TempDir
    Path dir;

    @Test
    void aServerWithoutWaitOffHoldsStartUpForItsFirstClient() throws Exception {
        Path qmp = dir.resolve("qmp.sock");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cl = CommandLine.parse(new String[] {"-nodefaults",
            "-netdev", "hubport,id=n0,hubid=0", "-netdev", "hubport,id=n1,hubid=0",
            "-qmp", "unix:" + qmp + ",server"});
        CompletableFuture<Launcher> started = CompletableFuture.supplyAsync(() -> {
            try {
                return Launcher.start(cl, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true));
            } catch (Launcher.StartupException e) {
                throw new CompletionException(e);
            }
        });
        for (int i = 0; i < 250 && !Files.exists(qmp); i++) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        assertThat(started).isNotDone();
        assertThat(err.toString()).contains("-qmp unix:" + qmp + ",server: info: netfabric waiting for connection on: "
                + "disconnected:unix:" + qmp + ",server=on");
        // The first client sends its commands and closes its side at once (printf ... | socat):
        // start-up goes on, then the greeting comes, then the replies, then the end.
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(qmp));
            c.write(ByteBuffer.wrap("{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"query-version\"}\n"
                    .getBytes(StandardCharsets.UTF_8)));
            c.shutdownOutput();
            try (Launcher l = started.get(10, TimeUnit.SECONDS)) {
                assertThat(l.fabric().call(() -> l.fabric().clients().size())).isEqualTo(2);
                String[] lines = new String(Channels.newInputStream(c).readAllBytes(), StandardCharsets.UTF_8).split("\r\n");
                assertThat(lines).hasSize(3);
                assertThat(lines[0]).startsWith("{\"QMP\": ");
                assertThat(lines[1]).isEqualTo("{\"return\": {}}");
                assertThat(lines[2]).startsWith("{\"return\": {\"qemu\": ");
            }
        }
    }

    @Test
    void waitOffAndNowaitDoNotWait() throws Exception {
        for (String flags : new String[] {",server=on,wait=off", ",server,nowait"}) {
            Path qmp = dir.resolve("q" + flags.length() + ".sock");
            CommandLine cl = CommandLine.parse(new String[] {"-nodefaults",
                "-netdev", "hubport,id=n0,hubid=0", "-qmp", "unix:" + qmp + flags});
            try (Launcher l = Launcher.start(cl, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(new ByteArrayOutputStream()));
                    NicHelperTest.Qmp q = new NicHelperTest.Qmp(qmp)) {
                assertThat(q.execute("{\"execute\":\"query-version\"}").has("return")).isTrue();
            }
        }
    }
}
