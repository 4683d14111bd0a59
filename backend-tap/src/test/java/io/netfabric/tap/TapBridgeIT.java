package io.netfabric.tap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.testkit.netns.Netns;
import io.netfabric.testkit.netns.NetnsExtension;
import io.netfabric.testkit.netns.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * netfabric on a Linux bridge: namespace A's only interface is a netfabric tap; namespace B sits
 * behind a veth on a bridge (named with the pid); netfabric joins the two through a hub and a
 * second tap on that bridge, made by {@code -netdev bridge} (in-process, as root) or by a bridge
 * helper ({@code tap,helper=}).
 */
class TapBridgeIT {
    @RegisterExtension
    final NetnsExtension netns = new NetnsExtension();
    private TapFabric nf;
    @TempDir
    Path dir;

    @AfterEach
    void close() {
        if (nf != null) {
            nf.close();
        }
    }

    private Netns[] topology(String bridgeNetdev) {
        String br = netns.bridge("br");
        Netns b = netns.create("b").veth(netns.ifname("vb"), "eth0", "10.9.1.2/24");
        Shell.run("ip", "link", "set", "dev", netns.ifname("vb"), "master", br).requireSuccess();
        String ta = netns.ifname("a");
        nf = new TapFabric();
        nf.tapOnHub("ta", ta, "");
        NetClient brTap = nf.netdev(bridgeNetdev.replace("BR", br));
        nf.netdev("hubport,id=hp-br,hubid=0,netdev=" + brTap.name());
        Netns a = netns.create("a").adopt(ta).configure(ta, "10.9.1.1/24");
        return new Netns[] {a, b};
    }

    @Test
    void aBridgeNetdevWithoutHelperReachesANamespaceBehindTheBridge() {
        Netns[] ns = topology("bridge,id=nb,br=BR");
        ns[0].ping("10.9.1.2", 3, "-i", "0.2").requireSuccess();
        if (NetnsExtension.onPath("iperf3")) {
            ns[0].iperf3(ns[1], "10.9.1.2", 2).requireSuccess();
        }
    }

    @Test
    void aHelperIsRunAsQemuRunsItAndItsFdIsUsed() throws Exception {
        NetnsExtension.assumeCommand("python3");
        Path helper = dir.resolve("helper.py");
        Files.copy(Path.of("src/test/resources/fake-bridge-helper.py"), helper);
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path log = dir.resolve("argv");
        // The helper string holds a blank, so QEMU (and we) run it with /bin/sh -c.
        String cmd = "env FAKE_HELPER_LOG=" + log + " " + helper;
        Netns[] ns = topology("tap,id=nb,helper=" + cmd + ",br=BR");
        String br = netns.ifname("br");
        assertThat(Files.readString(log).trim()).isEqualTo("--use-vnet --fd=3 --br=" + br);
        ns[0].ping("10.9.1.2", 3, "-i", "0.2").requireSuccess();
        NetClient c = nf.fabric.call(() -> nf.fabric.findNetdev("nb"));
        assertThat(c.model()).isEqualTo("bridge");
        assertThat(c.info()).isEqualTo("helper=" + cmd);
    }

    @Test
    void aHelperThatFailsIsQemusBridgeHelperFailed() throws Exception {
        NetnsExtension.assumeCommand("python3");
        nf = new TapFabric();
        Path helper = Path.of("src/test/resources/fake-bridge-helper.py").toAbsolutePath();
        FabricException e = catchThrowableOfType(() -> nf.netdev("tap,id=nb,helper=python3 " + helper + ",br=fail"),
                FabricException.class);
        assertThat(e.getMessage()).isEqualTo("bridge helper failed");
    }

    @Test
    void aHelperThatIsNotThereIsBridgeHelperFailedAsInQemu() {
        // QEMU 7.2 forks, the child's exec fails and it exits 1: "bridge helper failed" (checked).
        nf = new TapFabric();
        FabricException e = catchThrowableOfType(() -> nf.netdev("bridge,id=nb,helper=/nonexistent/helper"),
                FabricException.class);
        assertThat(e.getMessage()).isEqualTo("bridge helper failed");
    }
}
