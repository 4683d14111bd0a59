package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netfabric.core.Fabric;
import io.netfabric.qmp.FabricCommands;
import io.netfabric.qmp.QmpDispatcher;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/** hostfwd_add / hostfwd_remove / query-hostfwd / query-usernet over QMP on a user netdev, and netdev_del closing its forwards. */
class UserQmpCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode run(QmpDispatcher d, String request) throws Exception {
        return d.dispatch(JSON.readTree(request));
    }

    @Test
    void forwardsAreAddedListedRemovedAndRefusedInWords() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (Fabric fabric = Fabric.create()) {
            QmpDispatcher d = FabricCommands.dispatcher(fabric, () -> { });
            assertThat(run(d, "{\"execute\":\"netdev_add\",\"arguments\":{\"type\":\"user\",\"id\":\"u0\"}}").has("return")).isTrue();
            String rule = "tcp:127.0.0.1:" + port + "-:22";
            assertThat(run(d, "{\"execute\":\"hostfwd_add\",\"arguments\":{\"netdev\":\"u0\",\"rule\":\"" + rule + "\"}}").toString())
                    .isEqualTo("{\"return\":{}}");
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                assertThat(client.isConnected()).as("the forward listens on the host").isTrue();
                // The accepted client is a live flow towards a guest that never answers.
                JsonNode flows = null;
                for (int i = 0; i < 100 && (flows == null || flows.isEmpty()); i++) {
                    flows = run(d, "{\"execute\":\"query-usernet\",\"arguments\":{\"netdev\":\"u0\"}}").get("return");
                    Thread.sleep(20);
                }
                assertThat(flows).hasSize(1);
                JsonNode f = flows.get(0);
                assertThat(f.get("protocol").asText()).isEqualTo("tcp");
                assertThat(f.get("kind").asText()).isEqualTo("hostfwd");
                assertThat(f.get("guest").toString()).isEqualTo("{\"host\":\"10.0.2.15\",\"port\":22}");
                assertThat(f.get("remote").get("host").asText()).as("a loopback client shows as the host").isEqualTo("10.0.2.2");
                assertThat(f.get("remote").get("port").asInt()).isEqualTo(client.getLocalPort());
                assertThat(f.get("state").asText()).isEqualTo("SYN_SENT");
                assertThat(f.get("bytes-from-guest").asLong()).isZero();
            }
            JsonNode list = run(d, "{\"execute\":\"query-hostfwd\",\"arguments\":{\"netdev\":\"u0\"}}").get("return");
            assertThat(list).hasSize(1);
            assertThat(list.get(0).get("protocol").asText()).isEqualTo("tcp");
            assertThat(list.get(0).get("host").get("port").asInt()).isEqualTo(port);
            assertThat(run(d, "{\"execute\":\"query-usernet\",\"arguments\":{\"netdev\":\"u0\"}}").get("return").isArray()).isTrue();
            assertThat(run(d, "{\"execute\":\"hostfwd_remove\",\"arguments\":{\"netdev\":\"u0\",\"rule\":\"tcp:127.0.0.1:" + port + "\"}}")
                    .has("return")).isTrue();
            assertThat(run(d, "{\"execute\":\"query-hostfwd\",\"arguments\":{\"netdev\":\"u0\"}}").get("return")).isEmpty();
            assertThat(run(d, "{\"execute\":\"hostfwd_remove\",\"arguments\":{\"netdev\":\"u0\",\"rule\":\"tcp:127.0.0.1:" + port + "\"}}")
                    .path("error").path("desc").asText()).contains("not found");
            JsonNode unknown = run(d, "{\"execute\":\"query-usernet\",\"arguments\":{\"netdev\":\"nope\"}}");
            assertThat(unknown.path("error").path("class").asText()).isEqualTo("DeviceNotFound");
            assertThat(run(d, "{\"execute\":\"hostfwd_add\",\"arguments\":{\"netdev\":\"u0\"}}").path("error").path("desc").asText())
                    .isEqualTo("Parameter 'rule' is missing");
            assertThat(run(d, "{\"execute\":\"query-commands\"}").toString()).contains("\"hostfwd_add\"", "\"query-usernet\"");
        }
    }

    /** netdev_del takes a user netdev's forward listeners with it: the host ports are free again. */
    @Test
    void netdevDelClosesTheForwardListeners() throws Exception {
        int tcp = HmpAgainstQemuIT.freePort();   // below the ephemeral range: no client of ours takes it
        int udp;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udp = s.getLocalPort();
        }
        try (Fabric fabric = Fabric.create()) {
            QmpDispatcher d = FabricCommands.dispatcher(fabric, () -> { });
            assertThat(run(d, "{\"execute\":\"netdev_add\",\"arguments\":{\"type\":\"user\",\"id\":\"u0\",\"hostfwd\":["
                    + "{\"str\":\"tcp:127.0.0.1:" + tcp + "-:22\"},{\"str\":\"udp:127.0.0.1:" + udp + "-:53\"}]}}").has("return"))
                    .isTrue();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), tcp)) {
                assertThat(client.isConnected()).isTrue();
            }
            assertThatThrownBy(() -> new DatagramSocket(udp, InetAddress.getLoopbackAddress()).close())
                    .as("the UDP forward holds its port").isInstanceOf(SocketException.class);
            assertThat(run(d, "{\"execute\":\"netdev_del\",\"arguments\":{\"id\":\"u0\"}}").toString()).isEqualTo("{\"return\":{}}");
            // The sockets close on the fabric's loop after the answer: wait for them, a little.
            boolean tcpFree = false;
            boolean udpFree = false;
            for (int i = 0; i < 100 && !(tcpFree && udpFree); i++) {
                tcpFree = tcpFree || canBind(() -> new ServerSocket(tcp, 1, InetAddress.getLoopbackAddress()));
                udpFree = udpFree || canBind(() -> new DatagramSocket(udp, InetAddress.getLoopbackAddress()));
                Thread.sleep(20);
            }
            assertThat(tcpFree).as("TCP port %d bound again after netdev_del", tcp).isTrue();
            assertThat(udpFree).as("UDP port %d bound again after netdev_del", udp).isTrue();
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), tcp).close())
                    .isInstanceOf(ConnectException.class);
        }
    }

    private interface Binder {
        java.io.Closeable bind() throws IOException;
    }

    private static boolean canBind(Binder b) {
        try (java.io.Closeable c = b.bind()) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
