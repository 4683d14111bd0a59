package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netfabric.core.Fabric;
import io.netfabric.qmp.FabricCommands;
import io.netfabric.qmp.QmpDispatcher;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** hostfwd_add / hostfwd_remove / query-hostfwd / query-usernet over QMP on a user netdev. */
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
}
