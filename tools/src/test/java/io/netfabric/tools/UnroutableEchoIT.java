package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.testkit.netns.ExecResult;
import io.netfabric.testkit.netns.Netns;
import io.netfabric.testkit.netns.NetnsExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The helper in a namespace of its own with no route but loopback, so that the host can send
 * nothing anywhere: a guest's ping to an outside address comes back at once as "Destination Net
 * Unreachable" from the router (libslirp's icmp_input when its sendto fails), where it used to
 * time out. The kernel of a second namespace is the guest. Nothing leaves either namespace.
 */
class UnroutableEchoIT {
    @RegisterExtension
    final NetnsExtension netns = new NetnsExtension();

    @Test
    void aPingTheHostCannotRouteIsAnsweredNetUnreachable() throws Exception {
        NetnsExtension.assumeCommand("ping");   // iputils: it prints the ICMP errors it gets
        Netns host = netns.create("h");
        Netns guest = netns.create("g");
        String tap = netns.ifname("ue");
        host.start(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.netfabric.tools.Netfabric", "-nodefaults",
                "-netdev", "user,id=u,dns-upstream=127.0.0.1:1",
                "-netdev", "tap,id=t,ifname=" + tap + ",script=no,downscript=no",
                "-netdev", "hubport,id=h0,hubid=0,netdev=t", "-netdev", "hubport,id=h1,hubid=0,netdev=u");
        for (int i = 0; i < 200 && !host.ip("link", "show", tap).ok(); i++) {
            Thread.sleep(50);
        }
        assertThat(host.ip("route", "show").requireSuccess().stdout()).as("the helper's namespace routes nothing").isBlank();
        host.ip("link", "set", tap, "netns", guest.name()).requireSuccess();
        guest.configure(tap, "10.0.2.15/24");
        guest.ip("route", "add", "default", "via", "10.0.2.2").requireSuccess();
        assertThat(guest.ping("10.0.2.2", 1).ok()).isTrue();
        ExecResult r = guest.exec("ping", "-c", "1", "-W", "3", "192.0.2.7");   // TEST-NET-1
        assertThat(r.stdout()).contains("From 10.0.2.2 icmp_seq=1 Destination Net Unreachable");
    }
}
