package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netfabric.core.Fabric;
import io.netfabric.testkit.guest.GuestVm;
import io.netfabric.testkit.guest.TinyGuest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QMP against a running guest: {@code set_link} down stops its traffic and up restores it (its
 * ping shows the gap); {@code netdev_del} of its stream netdev leaves QEMU running, and a new
 * stream netdev from {@code netdev_add} lets a second guest attach and take a lease.
 */
class MainJobLinkIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TinyGuest guest;

    @TempDir
    Path dir;

    @BeforeAll
    static void guest() {
        assumeTrue(TinyGuest.missingTools().isEmpty(), "cannot build the tiny guest, missing: " + TinyGuest.missingTools());
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "qemu-system-x86 is not installed");
        try (Fabric probe = Fabric.create()) {
            assumeTrue(probe.availableTypes().containsAll(List.of("user", "stream")), "needs the user and stream backends");
        }
        guest = TinyGuest.build();
    }

    private static JsonNode qmp(Launcher nf, String request) throws Exception {
        JsonNode reply = nf.dispatcher().dispatch(JSON.readTree(request));
        assertThat(reply.has("return")).as("%s -> %s", request, reply).isTrue();
        return reply.get("return");
    }

    private Launcher start(Path sock) throws Exception {
        return Launcher.start(CommandLine.parse(new String[] {"-nodefaults",
            "-netdev", "user,id=u0", "-netdev", "hubport,id=pu,hubid=0,netdev=u0",
            "-netdev", "stream,id=g0,server=on,addr.type=unix,addr.path=" + sock,
            "-netdev", "hubport,id=pg,hubid=0,netdev=g0"}),
            new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
    }

    private static List<String> net(Path sock) {
        return List.of("-netdev", "stream,id=n0,server=off,addr.type=unix,addr.path=" + sock,
                "-device", "virtio-net-pci,netdev=n0,romfile=");
    }

    @Test
    void setLinkDownStopsTheGuestsTrafficAndUpRestoresIt() throws Exception {
        Path sock = dir.resolve("g0.sock");
        try (Launcher nf = start(sock);
             GuestVm vm = GuestVm.boot(guest, net(sock), """
                     ip link set eth0 up
                     udhcpc -i eth0 -n -q -t 10 -T 2
                     ping -c 40 -i 0.25 -W 1 10.0.2.2 | sed 's/^/NFGUEST-PING /'
                     """)) {
            assertThat(vm.awaitLine("NFGUEST-LEASE", Duration.ofMinutes(3))).as(vm.console()).isNotNull();
            assertThat(vm.await(l -> l.contains("seq=4 "), Duration.ofSeconds(60))).as(vm.console()).isNotNull();
            qmp(nf, "{\"execute\":\"set_link\",\"arguments\":{\"name\":\"g0\",\"up\":false}}");
            Thread.sleep(2500);
            qmp(nf, "{\"execute\":\"set_link\",\"arguments\":{\"name\":\"g0\",\"up\":true}}");
            assertThat(vm.awaitDone(Duration.ofSeconds(90))).as(vm.console()).isZero();
            List<Integer> seqs = new ArrayList<>();
            Matcher m = Pattern.compile("NFGUEST-PING .*seq=(\\d+) ").matcher(vm.console());
            while (m.find()) {
                seqs.add(Integer.parseInt(m.group(1)));
            }
            int gaps = 0;
            for (int i = 1; i < seqs.size(); i++) {
                gaps += seqs.get(i) - seqs.get(i - 1) - 1;
            }
            assertThat(gaps).as("replies lost while the link was down: %s", seqs).isGreaterThanOrEqualTo(4);
            assertThat(seqs.get(seqs.size() - 1)).as("replies came back after up: %s", seqs).isGreaterThan(30);
        }
    }

    @Test
    void netdevDelDisconnectsQemuAndANewStreamNetdevTakesASecondGuest() throws Exception {
        Path sock = dir.resolve("g0.sock");
        Path sock2 = dir.resolve("g1.sock");
        try (Launcher nf = start(sock)) {
            try (GuestVm first = GuestVm.boot(guest, net(sock), """
                    ip link set eth0 up
                    udhcpc -i eth0 -n -q -t 10 -T 2
                    sleep 120
                    """)) {
                assertThat(first.awaitLine("NFGUEST-LEASE", Duration.ofMinutes(3))).as(first.console()).isNotNull();
                qmp(nf, "{\"execute\":\"netdev_del\",\"arguments\":{\"id\":\"g0\"}}");
                Thread.sleep(1000);
                assertThat(first.console()).doesNotContain("<console closed>"); // QEMU is still running
                assertThat(qmp(nf, "{\"execute\":\"query-netdev\"}").toString()).doesNotContain("\"g0\"");
            }
            qmp(nf, "{\"execute\":\"netdev_add\",\"arguments\":{\"type\":\"stream\",\"id\":\"g1\",\"server\":true,"
                    + "\"addr\":{\"type\":\"unix\",\"path\":\"" + sock2 + "\"}}}");
            qmp(nf, "{\"execute\":\"netdev_add\",\"arguments\":{\"type\":\"hubport\",\"id\":\"pg1\",\"hubid\":0,\"netdev\":\"g1\"}}");
            try (GuestVm second = GuestVm.boot(guest, net(sock2), """
                    ip link set eth0 up
                    udhcpc -i eth0 -n -q -t 10 -T 2
                    """)) {
                assertThat(second.awaitLine("NFGUEST-LEASE", Duration.ofMinutes(3))).as(second.console())
                        .isNotNull().contains("ip=10.0.2.15");
            }
        }
    }
}
