package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.core.NetClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -device} on the launcher's command line: created after the netdevs, QEMU's messages. */
class DeviceOptionTest {
    @TempDir
    Path dir;

    private static CommandLine parse(String... args) throws Exception {
        return CommandLine.parse(args);
    }

    @Test
    void attachesANicToItsNetdev() throws Exception {
        Path sock = dir.resolve("guest.sock");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Launcher l = Launcher.start(parse("-nodefaults", "-device", "e1000,id=e0,netdev=h,guest=unix:" + sock,
                "-netdev", "hubport,id=h,hubid=0"), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8))) {
            NetClient nic = l.fabric().clients().stream().filter(NetClient::isNic).findFirst().orElseThrow();
            assertThat(nic.toString()).isEqualTo("e0: index=0,type=nic,model=e1000,macaddr=52:54:00:12:34:56");
            assertThat(l.fabric().call(() -> nic.peer().name())).isEqualTo("h");
            assertThat(Files.exists(sock)).isTrue();
            assertThat(l.fabric().queryRxFilter("e0")).hasSize(1);
        }
        assertThat(Files.exists(sock)).isFalse();
    }

    @Test
    void refusedWithQemusMessage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Netfabric.run(new String[] {"-nodefaults", "-netdev", "hubport,id=h,hubid=0",
            "-device", "e1000,netdev=x"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).isEqualTo(1);
        // Recorded from qemu-system-x86_64 7.2 with the same options.
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("netfabric: -device e1000,netdev=x: Property 'e1000.netdev' can't find value 'x'");
    }

    private static String refused(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Netfabric.run(args, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).isEqualTo(1);
        return err.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.contains("warning")).findFirst().orElse("");
    }

    @Test
    void legacyNetNicRefusalsAreQemus() {
        // Recorded from qemu-system-x86_64 7.2 -M pc with the same -net options.
        assertThat(refused("-nodefaults", "-net", "nic,model=foo")).isEqualTo("netfabric: Unsupported NIC model: foo");
        assertThat(refused("-nodefaults", "-net", "nic,macaddr=01:00:5e:00:00:01")).isEqualTo(
                "netfabric: -net nic,macaddr=01:00:5e:00:00:01: NIC cannot have multicast MAC address (odd 1st byte)");
        assertThat(refused("-nodefaults", "-net", "nic,macaddr=zz"))
                .isEqualTo("netfabric: -net nic,macaddr=zz: invalid syntax for ethernet address");
        assertThat(refused("-nodefaults", "-net", "nic,netdev=x")).isEqualTo("netfabric: -net nic,netdev=x: netdev 'x' not found");
    }

    @Test
    void legacyNetNicJoinsHubZero() throws Exception {
        try (Launcher l = Launcher.start(parse("-nodefaults", "-net", "nic,model=virtio-net-pci", "-net", "nic",
                "-netdev", "hubport,id=h,hubid=0"), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()))) {
            // QEMU 7.2's info network for "-net nic,model=virtio-net-pci -net nic": names, models,
            // MACs; the -netdev hubport (created first) took port number 0.
            List<String> nics = l.fabric().call(() -> l.fabric().clients().stream().filter(NetClient::isNic)
                    .map(c -> c.peer().name() + ": " + c).toList());
            assertThat(nics).containsExactly(
                    "hub0port1: virtio-net-pci.0: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:56",
                    "hub0port2: e1000.0: index=0,type=nic,model=e1000,macaddr=52:54:00:12:34:57");
            assertThat(l.fabric().queryRxFilter(null)).hasSize(2);
        }
    }
}
