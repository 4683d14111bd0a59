package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netfabric.qmp.QmpDispatcher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The same HMP lines through {@code human-monitor-command} to the installed QEMU 7.2 and to
 * netfabric, with the same netdevs: the answers must be equal, line for line (descriptor numbers
 * in {@code info usernet} aside). QEMU runs first and has quit before netfabric binds the same
 * forwarded ports. Needs qemu-system-x86_64 (.ci/run installs it); loopback only.
 */
class HmpAgainstQemuIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] NETDEVS = {"-netdev", "user,id=u0", "-netdev", "user,id=u1",
        "-netdev", "hubport,id=h0,hubid=0", "-netdev", "hubport,id=h1,hubid=1,netdev=u1"};

    /**
     * A port below the kernel's ephemeral range (ip_local_port_range, 32768-60999 by default),
     * free now on every address of both families. A port the kernel handed out for a bind to
     * port 0 may go next to some connect() (a client of the test's own) before the test listens
     * on it: a CI run saw QEMU's listener on {@code ::} fail that way.
     */
    static int freePort() throws Exception {
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = 20000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(12000);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new java.net.InetSocketAddress(port), 1);   // the wildcard: both families
                return port;
            } catch (java.io.IOException taken) {
                // in use: try another
            }
        }
        throw new IllegalStateException("no free port in 20000-31999");
    }

    /** A {@code human-monitor-command} request for one HMP line. */
    static String request(String line) {
        ObjectNode req = JSON.createObjectNode().put("execute", "human-monitor-command");
        req.putObject("arguments").put("command-line", line);
        return req.toString();
    }

    /** The descriptor column of info usernet differs between any two processes. */
    private static String normalized(String answer) {
        return answer.replaceAll("(\\[[A-Z_ 0-9a-z]+\\]) +-?\\d+ ", "$1 FD ");
    }

    private static List<String> qemu(List<String> machine, String[] netdevs, List<String> lines) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64"));
        cmd.addAll(machine);
        cmd.addAll(List.of("-nodefaults", "-display", "none", "-qmp", "stdio"));
        cmd.addAll(List.of(netdevs));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        StringBuilder in = new StringBuilder("{\"execute\":\"qmp_capabilities\"}\n");
        lines.forEach(l -> in.append(request(l)).append('\n'));
        in.append("{\"execute\":\"quit\"}\n");
        p.getOutputStream().write(in.toString().getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> answers = new ArrayList<>();
        for (String l : out.split("\r?\n")) {
            JsonNode n = JSON.readTree(l);
            if (n.has("return") && n.get("return").isTextual()) {
                answers.add(n.get("return").asText());
            }
        }
        return answers;
    }

    @Test
    void theNetworkCommandsAnswerAsQemuDoes() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "qemu-system-x86 is not installed");
        int p1 = freePort();
        int p2 = freePort();
        List<String> lines = List.of(
                "info network",
                "hostfwd_add tcp:127.0.0.1:" + p1 + "-:22",
                "hostfwd_add u1 udp:127.0.0.1:" + p2 + "-10.0.2.15:53",
                "hostfwd_add nosuch tcp::1-:22",
                "hostfwd_add h0 tcp::1-:22",
                "hostfwd_add tcp:1",
                "hostfwd_add u0 tcp::x-:22",
                "hostfwd_add u0 tcp:127.0.0.1:" + p1 + "-:23",
                "hostfwd_add u0 tcp:127.0.0.1:1-10.0.3.15:22",
                "hostfwd_add",
                "hostfwd_add a b c",
                "info usernet",
                "hostfwd_remove tcp:127.0.0.1:" + p1,
                "hostfwd_remove tcp:127.0.0.1:" + p1,
                "hostfwd_remove u1 udp:127.0.0.1:" + p2,
                "hostfwd_remove u1 bogus",
                "hostfwd_remove u0",
                "info usernet",
                "set_link u0 off",
                "set_link nosuch on",
                "set_link u0 maybe",
                "set_link",
                "netdev_add user,id=u2,net=10.9.0.0/24",
                "netdev_add user,id=u3,net=1.2.3.4/99",
                "netdev_add bogus,id=x",
                "netdev_add hubport,id=h2",
                "netdev_del h0",
                "netdev_del nosuch",
                "info network",
                "nosuchcommand",
                "info nosuch",
                "help hostfwd_add",
                "help hostfwd_remove",
                "help set_link",
                "help netdev_del",
                "help announce_self",
                "announce_self",
                "announce_self a,b x",
                "announce_self a b c",
                // A human-monitor-command line runs in a monitor that holds no descriptor.
                "netdev_add socket,id=s9,fd=abc",
                "getfd abc",
                "getfd 1abc",
                "getfd",
                "getfd a b",
                "closefd abc",
                "closefd",
                "help getfd",
                "help closefd",
                "");
        compare(List.of("-M", "none"), NETDEVS, lines);
    }

    /** NICs (QEMU needs a machine with a PCI bus: pc, stopped), a socket netdev with filters. */
    @Test
    void infoNetworkWithNicsFiltersAndLinkChangesAsQemu(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "qemu-system-x86 is not installed");
        String[] netdevs = {"-netdev", "user,id=u0", "-device", "e1000,netdev=u0,id=nic0",
            "-netdev", "hubport,id=hp,hubid=0", "-device", "rtl8139,netdev=hp",
            "-netdev", "user,id=u1", "-device", "virtio-net-pci,netdev=u1,mac=52:54:00:00:00:02",
            "-netdev", "socket,id=s0,listen=127.0.0.1:" + freePort(),
            "-object", "filter-dump,id=f0,netdev=s0,file=" + dir.resolve("f0.pcap"),
            "-object", "filter-dump,id=f1,netdev=u1,file=" + dir.resolve("f1.pcap") + ",maxlen=128"};
        compare(List.of("-M", "pc", "-S"), netdevs, List.of(
                "info network",
                "set_link nic0 off",
                "set_link u0 off",
                "info network",
                "netdev_add hubport,id=hq,hubid=0",
                "info network",
                // A NIC's backend deleted: QEMU keeps it as the NIC's peer (listed under it) and
                // takes its id back; a NIC whose hub port went is no longer listed at all.
                "netdev_del u0",
                "info network",
                "netdev_add user,id=u0",
                "netdev_del hp",
                "info network",
                "netdev_del u0",
                "info network"));
    }

    /** -nic and -net nic together: the -nic NICs take the first slots and MACs. */
    @Test
    void nicOptionAsQemu() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "qemu-system-x86 is not installed");
        String[] netdevs = {"-net", "nic", "-net", "user,id=u9",
            "-nic", "user,id=n1,model=virtio-net-pci,mac=52:54:00:aa:bb:cc",
            "-nic", "socket,id=n2,listen=127.0.0.1:" + freePort(), "-nic", "hubport,hubid=1,id=n3",
            "-netdev", "user,id=u8", "-netdev", "hubport,id=h8,hubid=1,netdev=u8"};
        compare(List.of("-M", "pc", "-S"), netdevs, List.of("info network", "netdev_del n1", "info network"));
    }

    private static void compare(List<String> machine, String[] netdevs, List<String> lines) throws Exception {
        List<String> fromQemu = qemu(machine, netdevs, lines);
        assertThat(fromQemu).hasSize(lines.size());
        try (Launcher l = Launcher.start(CommandLine.parse(concat("-nodefaults", netdevs)),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()))) {
            QmpDispatcher d = l.dispatcher();
            for (int i = 0; i < lines.size(); i++) {
                JsonNode r = d.dispatch(JSON.readTree(request(lines.get(i))));
                assertThat(normalized(r.path("return").asText("<" + r + ">")))
                        .as("%s", lines.get(i)).isEqualTo(normalized(fromQemu.get(i)));
            }
        }
    }

    private static String[] concat(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
