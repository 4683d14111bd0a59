package io.netfabric.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.user.forward.HostForward;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** hostfwd rules through the option parser and {@code Fabric.addNetdev}: QEMU's messages, and the IPv6 extension. */
class HostForwardOptionsTest {
    Fabric fabric = Fabric.create();

    @AfterEach
    void close() {
        fabric.close();
    }

    String error(String optarg) {
        try {
            fabric.addNetdev(NetdevOptionParser.parseNetdev(optarg, fabric.availableTypes(), w -> { }));
            return null;
        } catch (FabricException e) {
            return e.getMessage();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tcp::x-:22|Invalid host forwarding rule 'tcp::x-:22' (Bad host port)",
        "sctp::1-:2|Invalid host forwarding rule 'sctp::1-:2' (Bad protocol name)",
        "tcp:[::1:1-:2|Invalid host forwarding rule 'tcp:[::1:1-:2' (Bad host address)",
        "tcp:[::1]1-:2|Invalid host forwarding rule 'tcp:[::1]1-:2' (Missing : separator)",
        "tcp:[zz::1]:1-:2|Invalid host forwarding rule 'tcp:[zz::1]:1-:2' (Bad host address)",
        "tcp:[::1]:1-[fec0::x]:2|Invalid host forwarding rule 'tcp:[::1]:1-[fec0::x]:2' (Bad guest address)",
        "tcp:[::1]:1-[fec0::15]:0|Invalid host forwarding rule 'tcp:[::1]:1-[fec0::15]:0' (Bad guest port)",
        "tcp:[::1]:99999-:2|Invalid host forwarding rule 'tcp:[::1]:99999-:2' (Bad host port)",
    })
    void invalidRulesGetQemusMessages(String rule, String message) {
        assertThat(error("user,id=u,hostfwd=" + rule)).isEqualTo(message);
    }

    @Test
    void aBusyPortOrATwiceUsedPortGetsQemusRefusal() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int p = busy.getLocalPort();
            assertThat(error("user,id=u,hostfwd=tcp:127.0.0.1:" + p + "-:22"))
                    .isEqualTo("Could not set up host forwarding rule 'tcp:127.0.0.1:" + p + "-:22'");
        }
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        String a = "tcp:127.0.0.1:" + free + "-:22";
        String b = "tcp:127.0.0.1:" + free + "-:23";
        assertThat(error("user,id=u,hostfwd=" + a + ",hostfwd=" + b))
                .isEqualTo("Could not set up host forwarding rule '" + a + "'");   // applied last to first
        // The failed netdev released its listener: the port can be used again.
        assertThat(error("user,id=u2,hostfwd=" + a)).isNull();
        UserNetdev u = fabric.call(() -> (UserNetdev) fabric.findNetdev("u2"));
        assertThatThrownBy(() -> fabric.call(() -> {
            u.addHostForward(b);
            return null;
        })).hasMessage("Could not set up host forwarding rule '" + b + "'");
        assertThat(fabric.call(() -> u.removeHostForward("tcp:127.0.0.1:1"))).isEqualTo(
                "host forwarding rule for tcp:127.0.0.1:1 not found");
        assertThat(fabric.call(() -> u.removeHostForward("bogus"))).isEqualTo("invalid format");
        assertThat(fabric.call(() -> u.removeHostForward("tcp:127.0.0.1:" + free))).endsWith("removed");
    }

    @Test
    void bracketedRulesParse() {
        HostForward f = HostForward.parse("udp:[::1]:5353-[fec0::15]:53");
        assertThat(f.udp()).isTrue();
        assertThat(f.hostAddr().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(f.guestAddr().getHostAddress()).isEqualTo("fec0:0:0:0:0:0:0:15");
        assertThat(f.key()).isEqualTo("udp:[0:0:0:0:0:0:0:1]:5353");
        HostForward g = HostForward.parse("tcp::2222-:22");
        assertThat(g.guestAddr()).isNull();
        assertThat(g.hostAddr().isAnyLocalAddress()).isTrue();
    }
}
