package io.netfabric.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.core.Fabric;
import io.netfabric.core.options.NetdevOptionParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** hostfwd_remove against live rules, as QEMU 7.2's HMP answered it (libslirp matches getsockname()). */
class HostForwardRemoveTest {
    Fabric fabric = Fabric.create();

    @AfterEach
    void close() {
        fabric.close();
    }

    UserNetdev user(String options) {
        fabric.addNetdev(NetdevOptionParser.parseNetdev("user,id=u" + options, fabric.availableTypes(), w -> { }));
        return fabric.call(() -> (UserNetdev) fabric.findNetdev("u"));
    }

    @Test
    void aPortZeroRuleIsNamedByThePortItGot() {
        UserNetdev u = user(",hostfwd=tcp:127.0.0.1:0-:22,hostfwd=tcp:127.0.0.1:0-:23,hostfwd=udp:127.0.0.1:0-:53");
        // Two port-0 rules are two listeners, as in QEMU.
        assertThat(fabric.call(u::hostForwards)).hasSize(3);
        int tcp = port(u, "tcp:127.0.0.1:0-:22");
        int udp = port(u, "udp:127.0.0.1:0-:53");
        assertThat(tcp).isPositive();
        assertThat(udp).isPositive();
        assertThat(fabric.call(() -> u.removeHostForward("tcp:127.0.0.1:0")))
                .isEqualTo("host forwarding rule for tcp:127.0.0.1:0 not found");
        assertThat(fabric.call(() -> u.removeHostForward("tcp:127.0.0.1:" + tcp)))
                .isEqualTo("host forwarding rule for tcp:127.0.0.1:" + tcp + " removed");
        assertThat(fabric.call(() -> u.removeHostForward("udp:127.1:0" + udp)))
                .isEqualTo("host forwarding rule for udp:127.1:0" + udp + " removed");
        assertThat(fabric.call(u::hostForwards)).hasSize(1);
    }

    int port(UserNetdev u, String rule) {
        return fabric.call(u::hostForwards).stream().filter(f -> f.rule().equals(rule)).findFirst().orElseThrow()
                .host().getPort();
    }

    @Test
    void theLow16BitsOfTheRemovalPortNameTheRule() {
        UserNetdev u = user("");
        fabric.call(() -> {
            u.addHostForward("tcp:127.0.0.1:0-:22");
            return null;
        });
        String spec = "tcp:127.0.0.1:" + (port(u, "tcp:127.0.0.1:0-:22") + 65536);
        assertThat(fabric.call(() -> u.removeHostForward(spec))).isEqualTo("host forwarding rule for " + spec + " removed");
    }

    @Test
    void aSpecIsItsFirst1023Characters() {
        UserNetdev u = user("");
        // QEMU 7.2's HMP cut this spec to 1023 characters (port 0...0) and quoted the cut.
        String spec = "tcp:127.0.0.1:" + "0".repeat(1100) + "1";
        assertThat(fabric.call(() -> u.removeHostForward(spec)))
                .isEqualTo("host forwarding rule for " + spec.substring(0, 1023) + " not found");
    }
}
