package io.netfabric.nic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netfabric.core.Fabric;
import io.netfabric.core.testing.RecordingClient;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against QEMU 7.2 itself ({@code qemu-system-x86_64 -S}, no guest, hub ports as netdevs): the
 * same {@code query-rx-filter} answer for a fresh virtio-net, the same errors, and the same
 * {@code -device} messages word for word.
 */
class QemuRxFilterInteropIT {
    private static final String QEMU = "qemu-system-x86_64";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void qemuInstalled() {
        boolean found = false;
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            found |= Files.isExecutable(Path.of(d, QEMU));
        }
        assumeTrue(found, QEMU + " is not installed");
    }

    private static final List<String> BASE = List.of(QEMU, "-M", "pc", "-nodefaults", "-display", "none",
            "-accel", "tcg", "-S", "-netdev", "hubport,id=h0,hubid=0", "-netdev", "hubport,id=h1,hubid=1");

    /** Runs QEMU with {@code args}, feeding {@code qmp} lines on stdin; answers stdout and stderr. */
    private String[] runQemu(List<String> args, String qmp) throws Exception {
        List<String> cmd = new ArrayList<>(BASE);
        cmd.addAll(args);
        cmd.addAll(List.of("-qmp", "stdio"));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            p.getOutputStream().write(qmp.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("QEMU exits").isTrue();
        } finally {
            p.destroyForcibly();   // the process this test started, by its handle
        }
        return new String[] {Files.readString(out), Files.readString(err)};
    }

    @Test
    void queryRxFilterMatchesQemu() throws Exception {
        String[] r = runQemu(List.of(
                "-device", "virtio-net-pci,netdev=h0,id=vnet0,mac=52:54:00:12:34:56,romfile=",
                "-device", "e1000,netdev=h1,id=e0,mac=52:54:00:12:34:57"),
                """
                {"execute":"qmp_capabilities"}
                {"execute":"query-rx-filter","arguments":{"name":"vnet0"}}
                {"execute":"query-rx-filter","arguments":{"name":"h0"}}
                {"execute":"query-rx-filter","arguments":{"name":"zz"}}
                {"execute":"query-rx-filter"}
                {"execute":"quit"}
                """);
        List<JsonNode> replies = new ArrayList<>();
        for (String line : r[0].split("\n")) {
            JsonNode n = JSON.readTree(line);
            if (n.has("return") || n.has("error")) {
                replies.add(n);
            }
        }
        try (Fabric fabric = Fabric.create()) {
            fabric.addClient(new RecordingClient("h0"));
            fabric.addClient(new RecordingClient("h1"));
            NicDevice.create(fabric, "virtio-net-pci,netdev=h0,id=vnet0,mac=52:54:00:12:34:56,romfile=");
            NicDevice.create(fabric, "e1000,netdev=h1,id=e0,mac=52:54:00:12:34:57");
            JsonNode ours = JSON.valueToTree(fabric.queryRxFilter("vnet0").get(0).toQmp());
            assertThat(ours).isEqualTo(replies.get(1).get("return").get(0));
            assertThat(catchThrowable(() -> fabric.queryRxFilter("h0")))
                    .hasMessage(replies.get(2).get("error").get("desc").asText());
            assertThat(catchThrowable(() -> fabric.queryRxFilter("zz")))
                    .hasMessage(replies.get(3).get("error").get("desc").asText());
            // QEMU lists virtio-net only; we list e1000 too (README: our choice).
            assertThat(replies.get(4).get("return")).hasSize(1);
            assertThat(fabric.queryRxFilter(null)).hasSize(2);
        }
    }

    @Test
    void deviceMessagesMatchQemu() throws Exception {
        String[] devices = {
            "e1000,netdev=x",
            "e1000,netdev=h0,id=d1",
            "virtio-net-pci,netdev=x",
            "virtio-net,netdev=h0,id=d2",
            "e1000,netdev=h1,mac=52:54:00:12:34",
            "virtio-net-pci,netdev=h1,mac=zz",
            "e1000,foo=1",
            "e1000,netdev=h1,failover=on",
            "ne2k_foo",
            "e1000,netdev=x,mac=zz",
            "e1000,id=first",
        };
        for (String d : devices) {
            // The first -device takes h0 and the id "first", so "in use" and duplicates show.
            String[] r = runQemu(List.of("-device", "e1000,netdev=h0,id=first", "-device", d),
                    "{\"execute\":\"quit\"}\n");
            String prefix = QEMU + ": -device " + d + ": ";
            String qemuLine = r[1].lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(
                    () -> new AssertionError("QEMU accepted -device " + d + ": " + r[1]));
            try (Fabric fabric = Fabric.create()) {
                fabric.addClient(new RecordingClient("h0"));
                fabric.addClient(new RecordingClient("h1"));
                NicDevice.create(fabric, "e1000,netdev=h0,id=first");
                Throwable t = catchThrowable(() -> NicDevice.create(fabric, d));
                assertThat(t).as("-device %s", d).isNotNull();
                assertThat(t.getMessage()).as("-device %s", d).isEqualTo(qemuLine.substring(prefix.length()));
            }
        }
    }
}
