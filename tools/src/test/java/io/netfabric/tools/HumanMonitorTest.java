package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netfabric.core.Fabric;
import io.netfabric.qmp.FabricCommands;
import io.netfabric.qmp.QmpDispatcher;
import java.net.InetAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/**
 * QMP's human-monitor-command with HMP's network commands. Every expected text below is what
 * QEMU 7.2 (qemu-system-x86_64 -M none -qmp stdio, the same netdevs) answered to the same line.
 */
class HumanMonitorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TABLE_HEAD =
            "  Protocol[State]    FD  Source Address  Port   Dest. Address  Port RecvQ SendQ\r\n";

    private static String hmp(QmpDispatcher d, String line) {
        ObjectNode req = JSON.createObjectNode().put("execute", "human-monitor-command");
        req.putObject("arguments").put("command-line", line);
        JsonNode r = d.dispatch(req);
        assertThat(r.has("return")).as(r.toString()).isTrue();
        return r.get("return").asText();
    }

    @Test
    void hostfwdAndTheOtherNetworkCommandsAnswerAsQemu() throws Exception {
        int p1 = HmpAgainstQemuIT.freePort();
        int p2 = HmpAgainstQemuIT.freePort();
        int p3 = HmpAgainstQemuIT.freePort();
        try (Fabric fabric = Fabric.create()) {
            QmpDispatcher d = FabricCommands.dispatcher(fabric, () -> { });
            for (String nd : new String[] {"user,id=u0", "user,id=u1", "hubport,id=h,hubid=0"}) {
                assertThat(hmp(d, "netdev_add " + nd)).isEmpty();
            }
            // Without an id, the first user netdev; the forward listens on the host at once.
            assertThat(hmp(d, "hostfwd_add tcp:127.0.0.1:" + p1 + "-:22")).isEmpty();
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), p1)) {
                assertThat(c.isConnected()).isTrue();
            }
            assertThat(hmp(d, "hostfwd_add u1 tcp:127.0.0.1:" + p2 + "-:22")).isEmpty();
            assertThat(hmp(d, "hostfwd_add nosuch tcp::" + p3 + "-:22")).isEqualTo("unrecognized netdev id 'nosuch'\r\n");
            assertThat(hmp(d, "hostfwd_add h tcp::" + p3 + "-:22")).isEqualTo("invalid device specified\r\n");
            assertThat(hmp(d, "hostfwd_add tcp:1")).isEqualTo("Invalid host forwarding rule 'tcp:1' (Missing : separator)\r\n");
            assertThat(hmp(d, "hostfwd_add u0")).isEqualTo("Invalid host forwarding rule 'u0' (No : separators)\r\n");
            assertThat(hmp(d, "hostfwd_add u0 tcp:127.0.0.1:" + p1 + "-:22"))
                    .isEqualTo("Could not set up host forwarding rule 'tcp:127.0.0.1:" + p1 + "-:22'\r\n");
            String info = hmp(d, "info usernet");
            assertThat(info).startsWith("Hub -1 (u0):\r\n" + TABLE_HEAD);
            assertThat(info).containsPattern("\r\n  TCP\\[HOST_FORWARD\\] +\\d+ +127\\.0\\.0\\.1 +" + p1 + " +10\\.0\\.2\\.15 +22 +0 +0\r\n");
            assertThat(info).contains("Hub -1 (u1):\r\n" + TABLE_HEAD);
            // The client accepted above waits for a guest that never answers: libslirp's SS_INCOMING row.
            assertThat(info).containsPattern("\r\n  TCP\\[SYN_SENT\\] +\\d+ +127\\.0\\.0\\.1 +" + p1 + " +10\\.0\\.2\\.15 +22 +0 +0\r\n");
            assertThat(hmp(d, "hostfwd_remove tcp:127.0.0.1:" + p1)).isEqualTo("host forwarding rule for tcp:127.0.0.1:" + p1 + " removed\r\n");
            assertThat(hmp(d, "hostfwd_remove tcp:127.0.0.1:" + p1)).isEqualTo("host forwarding rule for tcp:127.0.0.1:" + p1 + " not found\r\n");
            assertThat(hmp(d, "hostfwd_remove u1 tcp:127.0.0.1:" + p2)).isEqualTo("host forwarding rule for tcp:127.0.0.1:" + p2 + " removed\r\n");
            assertThat(hmp(d, "hostfwd_remove u1 bogus")).isEqualTo("invalid format\r\n");
            assertThat(hmp(d, "hostfwd_remove u0")).isEqualTo("invalid format\r\n");
            assertThat(hmp(d, "hostfwd_remove nosuch tcp::1")).isEqualTo("unrecognized netdev id 'nosuch'\r\n");
            assertThat(hmp(d, "hostfwd_add")).isEqualTo("hostfwd_add: string expected\r\nTry \"help hostfwd_add\" for more information\r\n");
            assertThat(hmp(d, "hostfwd_add a b c"))
                    .isEqualTo("hostfwd_add: extraneous characters at the end of line\r\nTry \"help hostfwd_add\" for more information\r\n");
            assertThat(hmp(d, "info usernet")).doesNotContain("HOST_FORWARD").endsWith("Hub -1 (u1):\r\n" + TABLE_HEAD);
            // Quoted arguments and extra blanks, as the monitor reads them.
            assertThat(hmp(d, "  hostfwd_add   u0   \"udp::" + p3 + "-:53\" ")).isEmpty();
            assertThat(hmp(d, "info usernet")).containsPattern(
                    "\r\n  UDP\\[HOST_FORWARD\\] +\\d+ +\\* +" + p3 + " +10\\.0\\.2\\.15 +53 +0 +0\r\n");

            assertThat(hmp(d, "set_link u0 off")).isEmpty();
            assertThat(hmp(d, "set_link nosuch off")).isEqualTo("Error: Device 'nosuch' not found\r\n");
            assertThat(hmp(d, "set_link u0 maybe")).isEqualTo("Expected 'on' or 'off'\r\nTry \"help set_link\" for more information\r\n");
            assertThat(hmp(d, "set_link u0")).isEqualTo("Expected 'on' or 'off'\r\nTry \"help set_link\" for more information\r\n");
            assertThat(hmp(d, "set_link u0 on extra"))
                    .isEqualTo("set_link: extraneous characters at the end of line\r\nTry \"help set_link\" for more information\r\n");
            assertThat(hmp(d, "netdev_del h")).isEmpty();
            assertThat(hmp(d, "netdev_del nosuch")).isEqualTo("Error: Device 'nosuch' not found\r\n");
            assertThat(hmp(d, "netdev_del")).isEqualTo("netdev_del: string expected\r\nTry \"help netdev_del\" for more information\r\n");
            assertThat(hmp(d, "netdev_add user,id=u2")).isEmpty();
            assertThat(hmp(d, "netdev_add user,id=u2")).isEqualTo("Try \"help netdev_add\" for more information\r\n");
            assertThat(hmp(d, "netdev_add bogus,id=x")).isEqualTo("Error: Parameter 'type' does not accept value 'bogus'\r\n");
            assertThat(hmp(d, "netdev_add user,id=x,net=1.2.3.4/99")).isEqualTo("Error: Invalid netmask provided (must be in range 4-32)\r\n");
            assertThat(hmp(d, "netdev_add")).isEqualTo("Error: Parameter 'id' is missing\r\n");
            assertThat(hmp(d, "netdev_add user,id=g0,guestfwd=tcp:10.0.2.100:80-127.0.0.1:35940"))
                    .isEqualTo("'127.0.0.1:35940' is not a valid char driver\r\n"
                            + "Error: Could not open guest forwarding device 'guestfwd.tcp.80'\r\n");
            // QemuOpts refuses a malformed id while the monitor parses the arguments (message on stderr).
            assertThat(hmp(d, "netdev_add user,id=1a")).isEqualTo("Try \"help netdev_add\" for more information\r\n");
            assertThat(hmp(d, "netdev_add user,id=u3,,x")).isEqualTo("Try \"help netdev_add\" for more information\r\n");
            assertThat(hmp(d, "netdev_add help")).startsWith("Available netdev backend types:\r\nsocket\r\nstream\r\n")
                    .isEqualTo(hmp(d, "netdev_add ?"));
            assertThat(hmp(d, "info network extra"))
                    .isEqualTo("network: extraneous characters at the end of line\r\nTry \"help info network\" for more information\r\n");
            assertThat(hmp(d, "help netdev_add")).isEqualTo("netdev_add [user|tap|socket|stream|dgram|vde|bridge|hubport|netmap|"
                    + "vhost-user],id=str[,prop=value][,...] -- add host network device\r\n");
            assertThat(hmp(d, "nosuchcommand")).isEqualTo("unknown command: 'nosuchcommand'\r\n");
            assertThat(hmp(d, "info nosuch")).isEqualTo("unknown command: 'info nosuch'\r\n");
            assertThat(hmp(d, "help nosuch")).isEqualTo("unknown command: 'nosuch'\r\n");
            assertThat(hmp(d, "")).isEmpty();
            assertThat(hmp(d, "help hostfwd_add")).isEqualTo("hostfwd_add [netdev_id] [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport"
                    + " -- redirect TCP or UDP connections from host to guest (requires -net user)\r\n");
            assertThat(hmp(d, "help hostfwd_remove"))
                    .isEqualTo("hostfwd_remove [netdev_id] [tcp|udp]:[hostaddr]:hostport -- remove host-to-guest TCP or UDP redirection\r\n");
            assertThat(hmp(d, "help set_link")).isEqualTo("set_link name on|off -- change the link status of a network adapter\r\n");
            assertThat(hmp(d, "help netdev_del")).isEqualTo("netdev_del id -- remove host network device\r\n");
            assertThat(hmp(d, "help info")).contains("info usernet  -- show user network stack connection states\r\n");
        }
    }

    /**
     * A backend's warning while its netdev is made (libslirp's about a dnssearch name it cannot
     * encode, whose own newline leaves an empty line) goes where QEMU 7.2's warn_report goes:
     * after the option's location on the command line, into an HMP answer (the last one only),
     * on stderr without a location for QMP. Checked against QEMU 7.2's binary.
     */
    @Test
    void aBackendsWarningGoesWhereQemusWould() throws Exception {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        String opt = "user,id=u0,dnssearch=a..b,dnssearch=ok.example";
        try (Launcher l = Launcher.start(CommandLine.parse(new String[] {"-nodefaults", "-netdev", opt}),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()), new java.io.PrintStream(err, true))) {
            assertThat(err.toString()).isEqualTo("netfabric: -netdev " + opt
                    + ": warning: Slirp: failed to parse domain name 'a..b'\n\n"
                    + "netfabric: warning: netdev u0 has no peer\n");
            assertThat(hmp(l.dispatcher(), "netdev_add user,id=u1,dnssearch=,dnssearch=a..b"))
                    .isEqualTo("warning: Slirp: failed to parse domain name 'a..b'\r\n\r\n");
            assertThat(hmp(l.dispatcher(), "netdev_add user,id=u2,dnssearch=ok.example")).isEmpty();
            java.io.PrintStream stderr = System.err;
            java.io.ByteArrayOutputStream qmpErr = new java.io.ByteArrayOutputStream();
            System.setErr(new java.io.PrintStream(qmpErr, true));
            try {
                ObjectNode req = JSON.createObjectNode().put("execute", "netdev_add");
                req.putObject("arguments").put("type", "user").put("id", "u3")
                        .putArray("dnssearch").addObject().put("str", "");
                assertThat(l.dispatcher().dispatch(req).has("return")).isTrue();
            } finally {
                System.setErr(stderr);
            }
            assertThat(qmpErr.toString()).isEqualTo("warning: Slirp: failed to parse domain name ''\n\n");
            // The options' own warnings in HMP netdev_add go to stderr, the answer stays empty.
            qmpErr.reset();
            System.setErr(new java.io.PrintStream(qmpErr, true));
            try {
                assertThat(hmp(l.dispatcher(), "netdev_add user,id=u4,ipv6")).isEmpty();
            } finally {
                System.setErr(stderr);
            }
            assertThat(qmpErr.toString())
                    .isEqualTo("warning: short-form boolean option 'ipv6' deprecated\nPlease use ipv6=on instead\n");
        }
    }

    private static Launcher launch(String... args) throws Exception {
        return Launcher.start(CommandLine.parse(args), new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()));
    }

    @Test
    void infoNetworkListsHubsNewestFirstThenTheRestWithFilters(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        int port = HmpAgainstQemuIT.freePort();
        try (Launcher l = launch("-nodefaults", "-netdev", "hubport,id=h0,hubid=0", "-netdev", "user,id=u0",
                "-netdev", "hubport,id=h1,hubid=1,netdev=u0", "-netdev", "socket,id=s0,listen=127.0.0.1:" + port,
                "-object", "filter-dump,id=f0,netdev=s0,file=" + dir.resolve("x.pcap"),
                "-object", "filter-dump,id=f1,netdev=s0,file=" + dir.resolve("y.pcap") + ",maxlen=100")) {
            assertThat(hmp(l.dispatcher(), "info network")).isEqualTo("hub 1\r\n"
                    + " \\ h1: u0: index=0,type=user,net=10.0.2.0,restrict=off\r\n"
                    + "hub 0\r\n \\ h0\r\n"
                    + "s0: index=0,type=socket,\r\nfilters:\r\n"
                    + "  - f0: type=filter-dump,file=" + dir.resolve("x.pcap")
                    + ",maxlen=65536,position=tail,status=on,insert=behind,netdev=s0,queue=all\r\n"
                    + "  - f1: type=filter-dump,file=" + dir.resolve("y.pcap")
                    + ",maxlen=100,position=tail,status=on,insert=behind,netdev=s0,queue=all\r\n");
        }
    }

    @Test
    void infoNetworkShowsEachNicWithItsBackend() throws Exception {
        try (Launcher l = launch("-nodefaults", "-netdev", "user,id=u0", "-device", "e1000,netdev=u0,id=nic0",
                "-netdev", "user,id=u1", "-device", "virtio-net-pci,netdev=u1,mac=52:54:00:00:00:02",
                "-netdev", "hubport,id=hp,hubid=0", "-device", "rtl8139,netdev=hp")) {
            assertThat(hmp(l.dispatcher(), "info network")).isEqualTo("hub 0\r\n"
                    + " \\ hp: rtl8139.0: index=0,type=nic,model=rtl8139,macaddr=52:54:00:12:34:57\r\n"
                    + "nic0: index=0,type=nic,model=e1000,macaddr=52:54:00:12:34:56\r\n"
                    + " \\ u0: index=0,type=user,net=10.0.2.0,restrict=off\r\n"
                    + "virtio-net-pci.0: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:00:00:02\r\n"
                    + " \\ u1: index=0,type=user,net=10.0.2.0,restrict=off\r\n");
        }
    }

    /**
     * QEMU 7.2 has a client per queue of a multiqueue tap and prints each, all with index=0; the
     * queues after the first are set up with script=no,downscript=no and say so.
     */
    @Test
    void infoNetworkPrintsAMultiqueueTapOncePerQueue() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isWritable(java.nio.file.Path.of("/dev/net/tun")),
                "needs /dev/net/tun (root)");
        String ifname = "nfhmp" + (ProcessHandle.current().pid() % 100000);
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        try (Launcher l = Launcher.start(CommandLine.parse(new String[] {"-nodefaults",
                "-netdev", "tap,id=t0,ifname=" + ifname + ",script=/bin/true,downscript=/bin/true,queues=2"}),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()), new java.io.PrintStream(err, true))) {
            // net_check_clients warns per client, so once per queue.
            assertThat(err.toString()).isEqualTo("netfabric: warning: netdev t0 has no peer\n".repeat(2));
            assertThat(hmp(l.dispatcher(), "info network")).isEqualTo(
                    "t0: index=0,type=tap,ifname=" + ifname + ",script=/bin/true,downscript=/bin/true\r\n"
                    + "t0: index=0,type=tap,ifname=" + ifname + ",script=no,downscript=no\r\n");
        }
        // A hub port peers the first queue only: QEMU 7.2 warns for the second (and prints it apart).
        err.reset();
        try (Launcher l = Launcher.start(CommandLine.parse(new String[] {"-nodefaults",
                "-netdev", "tap,id=t0,ifname=" + ifname + ",script=no,downscript=no,queues=2",
                "-netdev", "hubport,id=h0,hubid=0,netdev=t0"}),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()), new java.io.PrintStream(err, true))) {
            assertThat(err.toString()).isEqualTo("netfabric: warning: hub 0 with no nics\n"
                    + "netfabric: warning: netdev t0 has no peer\n");
            String queue = "t0: index=0,type=tap,ifname=" + ifname + ",script=no,downscript=no\r\n";
            assertThat(hmp(l.dispatcher(), "info network")).isEqualTo("hub 0\r\n \\ h0: " + queue + queue);
        }
    }

    @Test
    void withoutAUserNetdevTheStackIsNotInUse() throws Exception {
        try (Fabric fabric = Fabric.create()) {
            QmpDispatcher d = FabricCommands.dispatcher(fabric, () -> { });
            assertThat(hmp(d, "netdev_add hubport,id=h,hubid=0")).isEmpty();
            assertThat(hmp(d, "hostfwd_add tcp::" + HmpAgainstQemuIT.freePort() + "-:22")).isEqualTo("user mode network stack not in use\r\n");
            assertThat(hmp(d, "hostfwd_remove tcp::1")).isEqualTo("user mode network stack not in use\r\n");
            assertThat(hmp(d, "info usernet")).isEmpty();
        }
    }
}
