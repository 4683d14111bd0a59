package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.testkit.netns.ExecResult;
import io.netfabric.testkit.netns.Netns;
import io.netfabric.testkit.netns.NetnsExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The helper in a namespace of its own with no route but loopback, so that the host can send
 * nothing anywhere: a guest's ping to an outside address comes back at once as "Destination Net
 * Unreachable" from the router (libslirp's icmp_input when its sendto fails), where it used to
 * time out. The kernel of a second namespace is the guest. Nothing leaves either namespace.
 */
class UnroutableEchoIT {
    @RegisterExtension
    final NetnsExtension netns = new NetnsExtension();
    @TempDir
    Path dir;

    @Test
    void aPingTheHostCannotRouteIsAnsweredNetUnreachable() throws Exception {
        NetnsExtension.assumeCommand("ping");   // iputils: it prints the ICMP errors it gets
        Netns host = netns.create("h");
        Netns guest = netns.create("g");
        String tap = netns.ifname("ue");
        Path qmp = dir.resolve("qmp.sock");
        Process helper = host.start(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.netfabric.tools.Netfabric", "-nodefaults",
                "-netdev", "user,id=u,dns-upstream=127.0.0.1:1",
                "-netdev", "tap,id=t,ifname=" + tap + ",script=no,downscript=no",
                "-netdev", "hubport,id=h0,hubid=0,netdev=t", "-netdev", "hubport,id=h1,hubid=0,netdev=u",
                "-qmp", "unix:" + qmp + ",server=on,wait=off");
        // The QMP greeting comes once every netdev is built (as QEMU's): only then may the tap
        // leave the helper's namespace, which it still configures by name while it sets it up.
        for (int i = 0; i < 300 && !Files.exists(qmp); i++) {
            assertThat(helper.isAlive()).as("the helper runs").isTrue();
            Thread.sleep(50);
        }
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(qmp))) {
            String greeting = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8))
                    .readLine();
            assertThat(greeting).as("the QMP greeting").contains("\"QMP\"");
        }
        assertThat(host.ip("route", "show").requireSuccess().stdout()).as("the helper's namespace routes nothing").isBlank();
        host.ip("link", "set", tap, "netns", guest.name()).requireSuccess();
        guest.configure(tap, "10.0.2.15/24");
        guest.ip("route", "add", "default", "via", "10.0.2.2").requireSuccess();
        ExecResult up = guest.ping("10.0.2.2", 1);
        assertThat(up.ok()).as("the router answers: %s", up).isTrue();
        ExecResult r = guest.exec("ping", "-c", "1", "-W", "3", "192.0.2.7");   // TEST-NET-1
        assertThat(r.stdout()).as("%s", r).contains("From 10.0.2.2 icmp_seq=1 Destination Net Unreachable");
    }
}
