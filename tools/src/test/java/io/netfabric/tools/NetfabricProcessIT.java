package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netfabric.wire.pcap.PcapReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as users run it: a separate process with QEMU's options, QMP driven by socat,
 * stopped by SIGTERM (sockets removed, capture closed), and a refused option's exit status.
 */
class NetfabricProcessIT {
    @TempDir
    Path dir;

    private Process start(List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.netfabric.tools.Netfabric"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("XDG_RUNTIME_DIR", dir.toString());
        return pb.start();
    }

    private static void awaitFile(Path p, Process proc) throws InterruptedException {
        for (int i = 0; i < 200 && !Files.exists(p) && proc.isAlive(); i++) {
            Thread.sleep(50);
        }
        assertThat(p).exists();
    }

    private static String socat(Path socket, String... lines) throws Exception {
        Process p = new ProcessBuilder("socat", "-t", "2", "-", "unix-connect:" + socket).redirectErrorStream(true).start();
        p.getOutputStream().write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void servesQmpOverSocatAndCleansUpOnSigterm() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/socat")), "socat is not installed (.ci/run installs it)");
        Path qmp = dir.resolve("nf.qmp");
        Path pcap = dir.resolve("p0.pcap");
        Process proc = start(List.of("-nodefaults",
                "-netdev", "hubport,id=p0,hubid=0", "-netdev", "hubport,id=p1,hubid=0",
                "-qmp", "unix:" + qmp + ",server=on,wait=off",
                "-object", "filter-dump,id=d0,netdev=p0,file=" + pcap), dir.resolve("log"));
        try {
            awaitFile(qmp, proc);
            assertThat(Files.getPosixFilePermissions(qmp)).extracting(Object::toString)
                    .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
            String out = socat(qmp,
                    "{\"execute\":\"query-netdev\"}",
                    "{\"execute\":\"qmp_capabilities\"}",
                    "{\"execute\":\"set_link\",\"arguments\":{\"name\":\"p1\",\"up\":false},\"id\":7}",
                    "{\"execute\":\"netdev_del\",\"arguments\":{\"id\":\"nope\"}}");
            assertThat(out.lines()).containsExactly(
                    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 1, \"major\": 0}, "
                            + "\"package\": \"netfabric 0.1.0\"}, \"capabilities\": []}}",
                    "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Expecting capabilities negotiation with 'qmp_capabilities'\"}}",
                    "{\"return\": {}}",
                    "{\"return\": {}, \"id\": 7}",
                    "{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": \"Device 'nope' not found\"}}");
        } finally {
            proc.destroy(); // SIGTERM
        }
        assertThat(proc.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(qmp).doesNotExist();
        try (PcapReader r = PcapReader.open(pcap)) {
            assertThat(r.linkType()).isEqualTo(1);
        }
    }

    /** QEMU's qemu_system_killed(): a monitor sees SHUTDOWN (reason host-signal) before the end. */
    @Test
    void sigtermIsAnnouncedToQmpClientsAsQemuDoes() throws Exception {
        Path qmp = dir.resolve("nf.qmp");
        Process proc = start(List.of("-nodefaults", "-netdev", "hubport,id=p0,hubid=0",
                "-qmp", "unix:" + qmp + ",server=on,wait=off"), dir.resolve("log"));
        try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            awaitFile(qmp, proc);
            c.connect(java.net.UnixDomainSocketAddress.of(qmp));
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    java.nio.channels.Channels.newInputStream(c), StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("{\"QMP\": ");
            c.write(java.nio.ByteBuffer.wrap("{\"execute\":\"qmp_capabilities\"}\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(in.readLine()).isEqualTo("{\"return\": {}}");
            proc.destroy(); // SIGTERM
            String event = in.readLine();
            assertThat(event).contains("\"event\": \"SHUTDOWN\", \"data\": {\"guest\": false, \"reason\": \"host-signal\"}}");
            assertThat(in.readLine()).isNull();
        } finally {
            proc.destroy();
        }
        assertThat(proc.waitFor(15, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aBadOptionExitsWithStatusOneAndQemusMessage() throws Exception {
        Path log = dir.resolve("log");
        Process proc = start(List.of("-netdev", "hubport,id=x"), log);
        assertThat(proc.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(proc.exitValue()).isEqualTo(1);
        assertThat(Files.readString(log)).isEqualTo("netfabric: -netdev hubport,id=x: Parameter 'hubid' is missing\n");
    }

    @Test
    void theEmbeddedDefaultTellsWhereItListens() throws Exception {
        Path log = dir.resolve("log");
        Process proc = start(List.of(), log);
        try {
            awaitFile(dir.resolve("netfabric/qmp.sock"), proc);
            for (int i = 0; i < 100 && !Files.readString(log).contains("QMP:"); i++) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(log)).contains("netfabric: started the embedded default")
                    .contains("QMP:   " + dir.resolve("netfabric/qmp.sock"));
        } finally {
            proc.destroy();
        }
        assertThat(proc.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(dir.resolve("netfabric/qmp.sock")).doesNotExist();
    }
}
