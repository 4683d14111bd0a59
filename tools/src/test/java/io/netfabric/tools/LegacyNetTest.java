package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfabric.core.NetClient;
import io.netfabric.hubport.Hub;
import io.netfabric.hubport.Hubs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import org.junit.jupiter.api.Test;

/** Legacy {@code -net TYPE,...}: the backend lands on a new port of hub 0 and is not a netdev. */
class LegacyNetTest {
    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aLegacyBackendJoinsHubZeroUnderAGeneratedNameAndIsNotANetdev() throws Exception {
        String l2tp = "l2tpv3,src=127.0.0.1,dst=127.0.0.1,udp=on,txsession=1,srcport=";
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cl = CommandLine.parse(new String[] {"-nodefaults",
            "-net", l2tp + freeUdpPort() + ",dstport=" + freeUdpPort(),
            "-net", l2tp + freeUdpPort() + ",dstport=" + freeUdpPort() + ",id=named"});
        try (Launcher l = Launcher.start(cl, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err))) {
            l.fabric().run(() -> {
                Hub hub0 = Hubs.of(l.fabric()).hub(0);
                assertThat(hub0.ports()).extracting(NetClient::name).containsExactly("hub0port1", "hub0port0");
                NetClient first = hub0.ports()[1].peer();
                assertThat(first.name()).matches("#net0\\d\\d");
                assertThat(first.isNetdev()).isFalse();
                assertThat(hub0.ports()[0].peer().name()).isEqualTo("named");
            });
            assertThatThrownBy(() -> l.fabric().deleteNetdev("named")).hasMessage("Device 'named' is not a netdev");
            assertThat(err.toString()).contains("netfabric: warning: hub 0 with no nics");
        }
    }
}
