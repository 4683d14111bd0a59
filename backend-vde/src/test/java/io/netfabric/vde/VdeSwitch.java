package io.netfabric.vde;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real {@code vde_switch} in the foreground under the test's control: switch directory and
 * management socket in a temp directory, stdin held open (EOF on stdin stops the switch), killed
 * by pid on close and its directory removed.
 */
final class VdeSwitch implements AutoCloseable {
    final Path root;
    final Path dir;
    final Path mgmt;
    private final Process process;
    private final OutputStream stdin;

    private VdeSwitch(Path root, Process process) {
        this.root = root;
        this.dir = root.resolve("switch");
        this.mgmt = root.resolve("mgmt");
        this.process = process;
        this.stdin = process.getOutputStream();
    }

    static void assumeInstalled() {
        assumeTrue(onPath("vde_switch"), "vde_switch is not installed (Debian package vde2)");
    }

    static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }

    static VdeSwitch start(String... extra) throws Exception {
        assumeInstalled();
        Path root = Files.createTempDirectory("vde-test");
        return start(root, extra);
    }

    /** (Re)starts a switch at {@code root}/switch. */
    static VdeSwitch start(Path root, String... extra) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("vde_switch",
                "-s", root.resolve("switch").toString(), "-M", root.resolve("mgmt").toString()));
        cmd.addAll(java.util.List.of(extra));
        // A killed switch leaves its sockets behind; the wait below must see the new ones.
        Files.deleteIfExists(root.resolve("switch").resolve("ctl"));
        Files.deleteIfExists(root.resolve("mgmt"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(root.resolve("switch.log").toFile()).start();
        VdeSwitch s = new VdeSwitch(root, p);
        long end = System.currentTimeMillis() + 5000;
        while (!Files.exists(s.dir.resolve("ctl")) || !Files.exists(s.mgmt)) {
            if (System.currentTimeMillis() > end || !p.isAlive()) {
                s.close();
                throw new IllegalStateException("vde_switch did not start: " + Files.readString(root.resolve("switch.log")));
            }
            Thread.sleep(10);
        }
        return s;
    }

    long pid() {
        return process.pid();
    }

    /** One management command ({@code port/print}...), its answer up to the status line. */
    String command(String cmd) throws IOException {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(mgmt));
            StringBuilder sb = new StringBuilder();
            readUntil(c, sb, "$ ");
            sb.setLength(0);
            c.write(ByteBuffer.wrap((cmd + "\n").getBytes(StandardCharsets.US_ASCII)));
            readUntil(c, sb, "\n1000 ");
            return sb.toString();
        }
    }

    private static void readUntil(SocketChannel c, StringBuilder sb, String marker) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(65536);
        long end = System.currentTimeMillis() + 5000;
        while (sb.indexOf(marker) < 0 && System.currentTimeMillis() < end) {
            b.clear();
            if (c.read(b) < 0) {
                return;
            }
            sb.append(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
        }
    }

    /** Stops the switch (by the pid this test started) but keeps its directory. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws Exception {
        kill();
        try {
            stdin.close();
        } catch (IOException ignored) {
            // the switch is gone already
        }
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
