package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netfabric.qmp.FabricCommands;
import io.netfabric.qmp.QJsonWriter;
import io.netfabric.qmp.QmpDispatcher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code query-netdev} as QEMU 6.0-rc answered it (reference §10): each backend's stored config,
 * the options with what the backend settled filled in, newest first.
 */
class QueryNetdevTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static String queryNetdev(Launcher l) throws Exception {
        QmpDispatcher d = FabricCommands.dispatcher(l.fabric(), () -> { });
        return QJsonWriter.write(d.dispatch(JSON.readTree("{\"execute\":\"query-netdev\"}")));
    }

    private static Launcher start(String... args) throws Exception {
        return Launcher.start(CommandLine.parse(args), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void userNetdevAnswersTheSchemasExampleWordForWord() throws Exception {
        Path sock = dir.resolve("guest.sock");
        try (Launcher l = start("-nodefaults", "-netdev", "user,id=netdev0,hostfwd=tcp::20004-:22",
                "-device", "virtio-net-pci,id=net0,netdev=netdev0,guest=unix:" + sock)) {
            // The example in net-schema.qapi's query-netdev, members in QEMU's QDict order.
            assertThat(queryNetdev(l)).isEqualTo("{\"return\": [{\"ipv6\": true, \"ipv4\": true, \"host\": \"10.0.2.2\", "
                    + "\"ipv6-dns\": \"fec0::3\", \"ipv6-prefix\": \"fec0::\", \"net\": \"10.0.2.0/255.255.255.0\", "
                    + "\"ipv6-host\": \"fec0::2\", \"type\": \"user\", \"peer-id\": \"net0\", \"dns\": \"10.0.2.3\", "
                    + "\"hostfwd\": [{\"str\": \"tcp::20004-:22\"}], \"ipv6-prefixlen\": 64, \"id\": \"netdev0\", "
                    + "\"restrict\": false}]}");
        }
    }

    @Test
    void legacyNetBackendsAreListedUnderTheirNamesButNotTheirNicsOrHubPorts() throws Exception {
        try (Launcher l = start("-nodefaults", "-net", "user,id=foo", "-net", "user")) {
            JsonNode list = JSON.readTree(queryNetdev(l)).get("return");
            assertThat(list).hasSize(2);
            assertThat(list.get(1).path("id").asText()).isEqualTo("foo");
            assertThat(list.get(1).path("peer-id").asText()).isEqualTo("hub0port0");
            // Without an id, the name QEMU's id_generate() gives, as info network shows it.
            String second = l.fabric().clients().stream().filter(c -> !c.isNic() && c.model().equals("user"))
                    .map(c -> c.name()).filter(n -> !n.equals("foo")).findFirst().orElseThrow();
            assertThat(list.get(0).path("id").asText()).isEqualTo(second).startsWith("#net");
        }
    }

    @Test
    void settledValuesAreFilledInAndTheNewestComesFirst() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (Launcher l = start("-nodefaults",
                "-netdev", "user,id=u1,net=10.9.8.7/16,ipv6=off,restrict=on,dhcpstart=10.9.0.20,hostname=g",   // host 10.9.2.2 (net | 0.0.2.2)
                "-netdev", "user,id=u2,ipv6-prefix=fd00::,ipv6-prefixlen=48,ipv4=off",
                "-netdev", "socket,id=s1,listen=127.0.0.1:" + port,
                "-netdev", "stream,id=st,server=on,addr.type=unix,addr.path=" + dir.resolve("st.sock"),
                "-netdev", "hubport,id=h1,hubid=1,netdev=u1")) {
            JsonNode list = JSON.readTree(queryNetdev(l)).get("return");
            assertThat(list).extracting(n -> n.get("id").asText()).containsExactly("st", "s1", "u2", "u1");
            // Members compared as a set: the wire order is QEMU's QDict order (first test).
            assertThat(list.get(3)).isEqualTo(JSON.readTree("{\"id\":\"u1\",\"type\":\"user\",\"peer-id\":\"h1\","
                    + "\"hostname\":\"g\",\"restrict\":true,\"ipv4\":true,\"ipv6\":false,"
                    + "\"net\":\"10.9.0.0/255.255.0.0\",\"host\":\"10.9.2.2\",\"dhcpstart\":\"10.9.0.20\","
                    + "\"dns\":\"10.9.2.3\"}"));
            assertThat(list.get(2)).isEqualTo(JSON.readTree("{\"id\":\"u2\",\"type\":\"user\",\"restrict\":false,"
                    + "\"ipv4\":false,\"ipv6\":true,\"ipv6-prefix\":\"fd00::\",\"ipv6-prefixlen\":48,"
                    + "\"ipv6-host\":\"fd00::2\",\"ipv6-dns\":\"fd00::3\"}"));
            // A listener shows its address; its descriptor only once a peer has connected.
            assertThat(list.get(1)).isEqualTo(JSON.readTree("{\"id\":\"s1\",\"type\":\"socket\","
                    + "\"listen\":\"127.0.0.1:" + port + "\"}"));
            assertThat(list.get(0).path("addr").path("path").asText()).endsWith("st.sock");
            try (java.net.Socket peer = new java.net.Socket("127.0.0.1", port)) {
                JsonNode s1 = null;
                for (int i = 0; i < 100 && (s1 == null || !s1.has("fd")); i++) {
                    Thread.sleep(20);
                    s1 = JSON.readTree(queryNetdev(l)).get("return").get(1);
                }
                assertThat(s1.path("fd").asText()).as("the accepted connection's descriptor").matches("[0-9]+");
                assertThat(s1.path("listen").asText()).isEqualTo("127.0.0.1:" + port);
            }
        }
    }
}
