package io.netfabric.qmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netfabric.core.Fabric;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over real sockets: what the fixture cannot show (events, clients, limits, files). */
class QmpServerTest {
    @TempDir
    Path dir;

    private Fabric fabric;
    private final CountDownLatch quit = new CountDownLatch(1);
    private QmpDispatcher dispatcher;

    @BeforeEach
    void setUp() {
        fabric = Fabric.create();
        dispatcher = FabricCommands.dispatcher(fabric, quit::countDown);
    }

    @AfterEach
    void tearDown() {
        fabric.close();
    }

    private QmpServer tcpServer() {
        return QmpServer.start(new QmpEndpoint.Tcp("127.0.0.1", 0), fabric, dispatcher);
    }

    private static InetSocketAddress address(QmpServer s) {
        return (InetSocketAddress) s.localAddress();
    }

    @Test
    void greetingOverTcpCarriesNetfabricsVersion() throws Exception {
        try (QmpServer server = tcpServer(); QmpTestClient c = QmpTestClient.tcp(address(server))) {
            assertThat(c.next()).isEqualTo("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 1, "
                    + "\"major\": 0}, \"package\": \"netfabric 0.1.0\"}, \"capabilities\": []}}");
            c.send("{\"execute\":\"qmp_capabilities\",\"arguments\":{\"enable\":[\"oob\"]}}");
            assertThat(c.next()).contains("Capability 'oob' not available");
            c.send("{\"execute\":\"qmp_capabilities\"}{\"execute\":\"query-version\",\"id\":1}");
            assertThat(c.next()).isEqualTo("{\"return\": {}}");
            assertThat(c.next()).isEqualTo("{\"return\": {\"qemu\": {\"micro\": 0, \"minor\": 1, \"major\": 0}, "
                    + "\"package\": \"netfabric 0.1.0\"}, \"id\": 1}");
        }
    }

    @Test
    void eventsReachEveryNegotiatedClientOnly() throws Exception {
        try (QmpServer server = tcpServer();
                QmpTestClient a = QmpTestClient.tcp(address(server)).negotiated();
                QmpTestClient b = QmpTestClient.tcp(address(server)).negotiated();
                QmpTestClient shy = QmpTestClient.tcp(address(server))) {
            assertThat(shy.next()).startsWith("{\"QMP\"");
            fabric.emit("NIC_RX_FILTER_CHANGED", Map.of("path", "/machine/peripheral/n0"));
            String want = "\"event\": \"NIC_RX_FILTER_CHANGED\", \"data\": {\"path\": \"/machine/peripheral/n0\"}}";
            assertThat(a.next()).startsWith("{\"timestamp\": {\"seconds\": ").endsWith(want);
            assertThat(b.next()).endsWith(want);
            shy.assertQuiet(200);
        }
    }

    @Test
    void malformedInputThenAGoodCommandOnTheSameConnection() throws Exception {
        try (QmpServer server = tcpServer(); QmpTestClient c = QmpTestClient.tcp(address(server)).negotiated()) {
            c.send("{\"execute\":\n@ {\"execute\":\"query-version\"}");
            assertThat(c.next()).contains("stray '@'");
            assertThat(c.next()).startsWith("{\"return\": {\"qemu\"");
            c.send("42 {\"execute\":\"query-commands\"}\n");
            assertThat(c.next()).contains("QMP input must be a JSON object");
            // Newest registration first, as QEMU lists them: misc.json's human-monitor-command,
            // getfd and closefd come after qom.json's object-add/object-del in QEMU's schema.
            assertThat(c.next()).startsWith("{\"return\": [{\"name\": \"closefd\"}, {\"name\": \"getfd\"}, "
                    + "{\"name\": \"human-monitor-command\"}, {\"name\": \"object-del\"}, {\"name\": \"object-add\"}");
        }
    }

    @Test
    void aMessageOverOneMebibyteIsRefusedOnceAndTheConnectionStaysUp() throws Exception {
        try (QmpServer server = tcpServer(); QmpTestClient c = QmpTestClient.tcp(address(server)).negotiated()) {
            byte[] big = new byte[(2 << 20) + 100];
            Arrays.fill(big, (byte) 'x');
            byte[] head = "{\"execute\":\"nope\",\"id\":\"".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(head, 0, big, 0, head.length);
            big[big.length - 2] = '"';
            big[big.length - 1] = '}';
            c.send(big);
            assertThat(c.next()).isEqualTo(
                    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON token size limit exceeded\"}}");
            c.send("{\"execute\":\"query-version\",\"id\":\"next\"}");
            assertThat(c.next()).endsWith("\"id\": \"next\"}");
        }
    }

    @Test
    void nestingDeeperThanQemusLimitIsRefused() throws Exception {
        try (QmpServer server = tcpServer(); QmpTestClient c = QmpTestClient.tcp(address(server)).negotiated()) {
            c.send("[".repeat(1025) + "]".repeat(1025) + "{\"execute\":\"query-version\",\"id\":2}");
            assertThat(c.next()).contains("JSON nesting depth limit exceeded");
            assertThat(c.next()).endsWith("\"id\": 2}");
        }
    }

    @Test
    void queryNetdevListsBackendsWithTheirPeerButNoHubPorts() throws Exception {
        try (QmpServer server = tcpServer(); QmpTestClient c = QmpTestClient.tcp(address(server)).negotiated()) {
            c.send("{\"execute\":\"netdev_add\",\"arguments\":{\"type\":\"user\",\"id\":\"u0\"}}");
            assertThat(c.next()).isEqualTo("{\"return\": {}}");
            c.send("{\"execute\":\"netdev_add\",\"arguments\":{\"type\":\"user\",\"id\":\"u1\"}}");
            c.next();
            c.send("{\"execute\":\"netdev_add\",\"arguments\":{\"type\":\"hubport\",\"id\":\"h0\",\"hubid\":0,\"netdev\":\"u0\"}}");
            c.next();
            c.send("{\"execute\":\"query-netdev\"}");
            // Newest first, as QEMU 6.0-rc built the list.
            assertThat(c.next()).isEqualTo("{\"return\": [{\"type\": \"user\", \"id\": \"u1\"}, "
                    + "{\"type\": \"user\", \"peer-id\": \"h0\", \"id\": \"u0\"}]}");
            c.send("{\"execute\":\"netdev_del\",\"arguments\":{\"id\":\"u1\"}}");
            c.next();
            c.send("{\"execute\":\"query-netdev\"}");
            assertThat(c.next()).isEqualTo("{\"return\": [{\"type\": \"user\", \"peer-id\": \"h0\", \"id\": \"u0\"}]}");
        }
    }

    @Test
    void filterDumpWritesItsPcapAndObjectDelClosesIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path pcap = dir.resolve("x.pcap");
        try (QmpServer server = tcpServer(); QmpTestClient c = QmpTestClient.tcp(address(server)).negotiated()) {
            c.send("{\"execute\":\"netdev_add\",\"arguments\":{\"type\":\"user\",\"id\":\"u0\"}}");
            c.next();
            c.send("{\"execute\":\"object-add\",\"arguments\":{\"qom-type\":\"filter-dump\",\"id\":\"f0\","
                    + "\"netdev\":\"u0\",\"file\":\"" + pcap + "\",\"maxlen\":100}}");
            assertThat(c.next()).isEqualTo("{\"return\": {}}");
            c.send("{\"execute\":\"object-add\",\"arguments\":{\"qom-type\":\"filter-dump\",\"id\":\"f1\",\"netdev\":\"u0\"}}");
            assertThat(c.next()).contains("Parameter 'file' is missing");
            c.send("{\"execute\":\"object-del\",\"arguments\":{\"id\":\"f0\"}}");
            assertThat(c.next()).isEqualTo("{\"return\": {}}");
            c.send("{\"execute\":\"object-del\",\"arguments\":{\"id\":\"f0\"}}");
            assertThat(c.next()).contains("object 'f0' not found");
        }
        try (io.netfabric.wire.pcap.PcapReader r = io.netfabric.wire.pcap.PcapReader.open(pcap)) {
            assertThat(r.snaplen()).isEqualTo(100);
            assertThat(r.next()).isNull();
        }
    }

    @Test
    void quitSendsShutdownThenItsReplyThenRunsOnQuit() throws Exception {
        try (QmpServer server = tcpServer(); QmpTestClient c = QmpTestClient.tcp(address(server)).negotiated()) {
            c.send("{\"execute\":\"quit\"}");
            assertThat(c.next()).contains("\"event\": \"SHUTDOWN\", \"data\": {\"guest\": false, \"reason\": \"host-qmp-quit\"}");
            assertThat(c.next()).isEqualTo("{\"return\": {}}");
            assertThat(quit.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void unixSocketIsPrivateReplacesAStaleFileAndIsRemovedOnClose() throws Exception {
        Path socket = dir.resolve("qmp.sock");
        Files.createFile(socket); // left by a dead process
        try (QmpServer server = QmpServer.start(new QmpEndpoint.Unix(socket), fabric, dispatcher)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
            try (QmpTestClient c = QmpTestClient.unix(socket).negotiated()) {
                c.send("{\"execute\":\"set_link\",\"arguments\":{\"name\":\"x\",\"up\":true}}");
                assertThat(c.next()).contains("DeviceNotFound");
            }
            assertThatThrownBy(() -> QmpServer.start(new QmpEndpoint.Unix(socket), fabric, dispatcher))
                    .hasMessageContaining("Address already in use");
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void dispatcherWorksWithoutASocket() throws Exception {
        ObjectMapper json = new ObjectMapper();
        var reply = dispatcher.dispatch(json.readTree("{\"execute\":\"set_link\",\"arguments\":{\"name\":\"x\"},\"id\":[1]}"));
        assertThat(QJsonWriter.write(reply)).isEqualTo(
                "{\"id\": [1], \"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'up' is missing\"}}");
        dispatcher.register("announce-self", args -> {
            args.end();
            return null;
        });
        assertThat(QJsonWriter.write(dispatcher.dispatch(json.readTree("{\"execute\":\"announce-self\"}"))))
                .isEqualTo("{\"return\": {}}");
    }

    @Test
    void endpointsParseQemusQmpSyntax() {
        assertThat(QmpEndpoint.parse("unix:/run/q.sock,server=on,wait=off")).isEqualTo(new QmpEndpoint.Unix(Path.of("/run/q.sock")));
        assertThat(QmpEndpoint.parse("tcp:127.0.0.1:4444,server,nowait")).isEqualTo(new QmpEndpoint.Tcp("127.0.0.1", 4444));
        assertThat(QmpEndpoint.parse("tcp::4444,server=on")).isEqualTo(new QmpEndpoint.Tcp("0.0.0.0", 4444));
        assertThatThrownBy(() -> QmpEndpoint.parse("unix:/q,server=off")).hasMessageContaining("connects to none");
        assertThatThrownBy(() -> QmpEndpoint.parse("foo")).isInstanceOf(QmpEndpoint.UnknownDriver.class)
                .hasMessage("'foo' is not a valid char driver");
        assertThatThrownBy(() -> QmpEndpoint.parse("tcp:h:1")).hasMessageContaining("server=on");
        // A server waits for its first client unless told wait=off, as QEMU's chardev does.
        assertThat(QmpEndpoint.waitsForClient("tcp:h:1,server")).isTrue();
        assertThat(QmpEndpoint.waitsForClient("tcp:h:1,server,wait=on")).isTrue();
        assertThat(QmpEndpoint.waitsForClient("tcp:h:1,server=on,wait=off")).isFalse();
        assertThat(QmpEndpoint.waitsForClient("unix:/q,nowait,server")).isFalse();
        assertThat(QmpEndpoint.describe("unix:/q,server")).isEqualTo("unix:/q,server=on");
        assertThatThrownBy(() -> QmpEndpoint.parse("tcp:h:1,server,wait=maybe")).hasMessageContaining("unknown option");
    }

    @Test
    void socatAsTheClient() throws Exception {
        Path socat = Path.of("/usr/bin/socat");
        assumeTrue(Files.isExecutable(socat), "socat is not installed at /usr/bin/socat");
        Path socket = dir.resolve("socat.sock");
        try (QmpServer server = QmpServer.start(new QmpEndpoint.Unix(socket), fabric, dispatcher)) {
            Process p = new ProcessBuilder(socat.toString(), "-t", "2", "-", "UNIX-CONNECT:" + socket).start();
            p.getOutputStream().write(("{\"execute\":\"qmp_capabilities\"}\n"
                    + "{\"execute\":\"netdev_add\",\"arguments\":{\"type\":\"hubport\",\"id\":\"h0\",\"hubid\":0}}\n"
                    + "{\"execute\":\"set_link\",\"arguments\":{\"name\":\"h0\",\"up\":false},\"id\":\"s\"}\n")
                    .getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(out.split("\r\n")).containsExactly(
                    QJsonWriter.write(QmpSession.greeting()), "{\"return\": {}}", "{\"return\": {}}",
                    "{\"return\": {}, \"id\": \"s\"}");
            assertThat(fabric.call(() -> fabric.findNetdev("h0").linkDown())).isTrue();
        }
    }
}
