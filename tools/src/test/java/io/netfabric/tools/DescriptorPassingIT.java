package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netfabric.testkit.netns.Netns;
import io.netfabric.testkit.netns.NetnsExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Descriptors passed over a unix QMP socket ({@code SCM_RIGHTS}, then {@code getfd}), the way
 * libvirt hands a tap it opened to an unprivileged QEMU: a Python client
 * ({@code qmp_fd_client.py}, sending as QEMU's own Python client does) against the launcher run
 * as users run it, and against QEMU 7.2 for the answers. Loopback and the test's namespace only.
 */
class DescriptorPassingIT {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path CLIENT = Path.of("src/test/resources/qmp_fd_client.py").toAbsolutePath();

    @RegisterExtension
    final NetnsExtension netns = new NetnsExtension();

    @TempDir
    Path dir;

    private Process start(Path log, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.netfabric.tools.Netfabric", "-nodefaults"));
        cmd.addAll(args);
        return started(new ProcessBuilder(cmd), log);
    }

    private Process started(ProcessBuilder pb, Path log) throws IOException {
        Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        netns.killAfter(p);
        return p;
    }

    private static void awaitSocket(Path socket, Process proc, Path log) throws Exception {
        for (int i = 0; i < 300 && !Files.exists(socket) && proc.isAlive(); i++) {
            Thread.sleep(50);
        }
        assertThat(socket).as("QMP socket; log: %s", Files.exists(log) ? Files.readString(log) : "").exists();
    }

    /** Runs the client; its output, one line per command. */
    private static List<String> client(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), CLIENT.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    private Path qmp(String name) {
        return dir.resolve(name);
    }

    private static String qmpOption(Path socket) {
        return "unix:" + socket + ",server=on,wait=off";
    }

    /** The launcher with a user network on hub 0 and a unix QMP socket, whose path it returns. */
    private Path userNetworkWithQmp() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "python3 is not installed");
        Path n = qmp("n.sock");
        Process nf = start(dir.resolve("nf.log"), List.of("-netdev", "user,id=u0,dns-upstream=127.0.0.1:9",
                "-netdev", "hubport,id=hu,hubid=0,netdev=u0", "-qmp", qmpOption(n)));
        awaitSocket(n, nf, dir.resolve("nf.log"));
        return n;
    }

    /**
     * The client's {@code mode} against QEMU 7.2 and against netfabric, each serving one unix
     * monitor socket given by {@code monitorOption} ({@code -qmp} or {@code -monitor}): {QEMU's
     * lines, ours}.
     */
    private List<List<String>> againstQemu(String mode, String monitorOption, String... more) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "qemu-system-x86 is not installed");
        assumeTrue(Files.isExecutable(PYTHON), "python3 is not installed");
        Path q = qmp("q.sock");
        Process qemu = started(new ProcessBuilder("qemu-system-x86_64", "-M", "none", "-nodefaults", "-display", "none",
                monitorOption, qmpOption(q)), dir.resolve("qemu.log"));
        awaitSocket(q, qemu, dir.resolve("qemu.log"));
        List<String> expected = client(args(mode, q, more));
        qemu.destroy();

        Path n = qmp("n.sock");
        Process nf = start(dir.resolve("nf.log"), List.of(monitorOption, qmpOption(n)));
        awaitSocket(n, nf, dir.resolve("nf.log"));
        List<String> actual = client(args(mode, n, more));
        nf.destroy();
        return List.of(expected, actual);
    }

    private static String[] args(String mode, Path socket, String... more) {
        List<String> a = new ArrayList<>(List.of(mode, socket.toString()));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    @Test
    void getfdClosefdAndFdNamesAnswerAsQemu() throws Exception {
        List<List<String>> both = againstQemu("compare", "-qmp");
        assertThat(both.get(0)).hasSizeGreaterThan(20);
        assertThat(both.get(1)).containsExactlyElementsOf(both.get(0))
                .anySatisfy(l -> assertThat(l).contains("\"fd\": \"s6\", \"id\": \"n6\"").endsWith("{\"return\": {}}"));
    }

    @Test
    void theHumanMonitorTakesDescriptorsAsQemus() throws Exception {
        List<List<String>> both = againstQemu("hmp", "-monitor");
        assertThat(both.get(0)).hasSize(8);
        assertThat(both.get(1)).containsExactlyElementsOf(both.get(0))
                .contains("info network -> n1: index=0,type=socket,socket: fd=N|(qemu) ");
    }

    /** QEMU has a client per queue, each showing its own descriptor: fds=q0:q1 shows both. */
    @Test
    void theQueuesOfAHandedOverMultiqueueTapShowTheirOwnDescriptors() throws Exception {
        String prefix = netns.ifname("m");   // the client adds q (QEMU's run) or n (ours)
        netns.deleteLinkAfter(prefix + "q");
        netns.deleteLinkAfter(prefix + "n");
        List<List<String>> both = againstQemu("mqtap", "-qmp", prefix);
        assertThat(both.get(0)).contains("queues 2 distinct descriptors");
        assertThat(both.get(1).stream().map(l -> l.replaceAll("fd=\\d+", "fd=N")).toList())
                .containsExactlyElementsOf(both.get(0).stream().map(l -> l.replaceAll("fd=\\d+", "fd=N")).toList());
    }

    @Test
    void aTapOpenedByAManagerCarriesTheGuest() throws Exception {
        Path n = userNetworkWithQmp();
        String tap = netns.ifname("fd");
        netns.deleteLinkAfter(tap);
        assertThat(client("tap", n.toString(), tap)).allSatisfy(l -> assertThat(l).endsWith("{\"return\": {}}"));
        // The client has closed its copy: the tap lives on the descriptor netfabric holds.
        Netns guest = netns.create("g").adopt(tap).configure(tap, "10.0.2.15/24");
        guest.ping("10.0.2.2", 2).requireSuccess();
    }

    @Test
    void aSocketPairEndBecomesAStreamNetdev() throws Exception {
        Path n = userNetworkWithQmp();
        List<String> out = client("stream", n.toString());
        assertThat(out).contains("EVENT NETDEV_STREAM_CONNECTED {\"addr\": {\"path\": \"\", \"type\": \"unix\"}, \"netdev-id\": \"s0\"}")
                .contains("DHCP reply offers 10.0.2.15");
    }
}
