package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netfabric.core.Fabric;
import io.netfabric.qmp.FabricCommands;
import io.netfabric.qmp.QmpDispatcher;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * {@code query-netdev-stats}: frames from a real UDP peer into a {@code socket} netdev joined by a
 * hub to a {@code user} netdev; an ARP request is answered, an IPv4 header with a wrong checksum
 * and an empty datagram are dropped, and each shows in the counters where it was dropped.
 */
class NetdevStatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private static JsonNode run(QmpDispatcher d, String request) throws Exception {
        return d.dispatch(JSON.readTree(request));
    }

    @Test
    void framesBytesAndDropsAreCountedWhereTheyHappen() throws Exception {
        try (Fabric fabric = Fabric.create(); DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int ours;
            try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                ours = probe.getLocalPort();
            }
            QmpDispatcher d = FabricCommands.dispatcher(fabric, () -> { });
            for (String add : new String[] {
                "{\"type\":\"user\",\"id\":\"u0\"}",
                "{\"type\":\"hubport\",\"id\":\"h0\",\"hubid\":0,\"netdev\":\"u0\"}",
                "{\"type\":\"socket\",\"id\":\"k0\",\"udp\":\"127.0.0.1:" + peer.getLocalPort()
                        + "\",\"localaddr\":\"127.0.0.1:" + ours + "\"}",
                "{\"type\":\"hubport\",\"id\":\"h1\",\"hubid\":0,\"netdev\":\"k0\"}"}) {
                assertThat(run(d, "{\"execute\":\"netdev_add\",\"arguments\":" + add + "}").has("return")).isTrue();
            }
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", ours);
            String guest = "525400123456";
            String arpRequest = "ffffffffffff" + guest + "0806" + "0001080006040001" + guest + "0a00020f"
                    + "000000000000" + "0a000202" + "00".repeat(18);
            // IPv4 to 10.0.2.2 whose header checksum (0x1234) is wrong, carrying 8 octets of UDP.
            String badChecksum = "52550a000202" + guest + "0800" + "4500001c00004000401112340a00020f0a000202"
                    + "1f90003500080000";
            for (String f : new String[] {arpRequest, badChecksum, ""}) {
                byte[] b = HEX.parseHex(f);
                peer.send(new DatagramPacket(b, b.length, to));
            }
            peer.setSoTimeout(5000);
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            peer.receive(reply);
            assertThat(HEX.formatHex(reply.getData(), 12, 14)).as("ARP answered").isEqualTo("0806");

            JsonNode k0 = null;
            JsonNode u0 = null;
            for (int i = 0; i < 100; i++) {
                k0 = run(d, "{\"execute\":\"query-netdev-stats\",\"arguments\":{\"name\":\"k0\"}}").get("return").get(0);
                u0 = run(d, "{\"execute\":\"query-netdev-stats\",\"arguments\":{\"name\":\"u0\"}}").get("return").get(0);
                if (k0.path("drops").path("bad-length").asLong() == 1
                        && u0.path("backend").path("bad-checksum-drops").asLong() == 1) {
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(k0.get("model").asText()).isEqualTo("socket");
            assertThat(k0.get("tx-frames").asLong()).as("the two frames it passed on").isEqualTo(2);
            assertThat(k0.get("rx-frames").asLong()).as("the ARP reply").isEqualTo(1);
            assertThat(k0.path("drops").path("bad-length").asLong()).as("the empty datagram").isEqualTo(1);
            assertThat(u0.get("rx-frames").asLong()).isEqualTo(2);
            assertThat(u0.get("rx-bytes").asLong()).isEqualTo(60 + 42);
            assertThat(u0.path("backend").path("bad-checksum-drops").asLong()).as(u0.toString()).isEqualTo(1);
            assertThat(u0.path("drops").path("malformed").asLong()).isZero();

            JsonNode all = run(d, "{\"execute\":\"query-netdev-stats\"}").get("return");
            assertThat(all).extracting(n -> n.get("name").asText()).containsExactly("u0", "h0", "k0", "h1");
            assertThat(run(d, "{\"execute\":\"query-netdev-stats\",\"arguments\":{\"name\":\"nope\"}}")
                    .path("error").path("class").asText()).isEqualTo("DeviceNotFound");
        }
    }
}
