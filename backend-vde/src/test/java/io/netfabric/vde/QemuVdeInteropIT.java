package io.netfabric.vde;

import io.netfabric.core.testing.RecordingClient;
import io.netfabric.testkit.frames.Dhcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netfabric.core.Fabric;
import io.netfabric.core.options.NetdevOptionParser;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Against the real QEMU 7.2, no guest: QEMU's vde netdev on a vde_switch, joined by hub 0 to its
 * own slirp ({@code -M none}); netfabric's vde netdev on the same switch carries a DHCPDISCOVER
 * to QEMU and slirp's DHCPOFFER back. The switch's port list shows both plugs. QEMU and the
 * switch are killed by pid in finally.
 */
class QemuVdeInteropIT {
    private static final String QEMU = "qemu-system-x86_64";

    @Test
    void netfabricGetsQemusDhcpOfferThroughTheSwitch() throws Exception {
        assumeTrue(VdeSwitch.onPath(QEMU), QEMU + " is not installed");
        try (VdeSwitch sw = VdeSwitch.start()) {
            Path log = sw.root.resolve("qemu.log");
            Process qemu = new ProcessBuilder(List.of(QEMU, "-M", "none", "-nodefaults", "-display", "none",
                    "-netdev", "user,id=u0", "-netdev", "vde,id=v0,sock=" + sw.dir,
                    "-netdev", "hubport,id=h0,hubid=0,netdev=u0", "-netdev", "hubport,id=h1,hubid=0,netdev=v0"))
                    .redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            try (Fabric fabric = Fabric.create()) {
                fabric.addNetdev(NetdevOptionParser.parseNetdev("vde,id=v,sock=" + sw.dir + ",port=9", fabric.availableTypes()));
                RecordingClient guest = new RecordingClient("guest");
                fabric.addClient(guest);
                fabric.addNetdev(NetdevOptionParser.parseNetdev("hubport,id=h0,hubid=0,netdev=v", fabric.availableTypes()));
                fabric.addNetdev(NetdevOptionParser.parseNetdev("hubport,id=h1,hubid=0,netdev=guest", fabric.availableTypes()));
                byte[] offer = null;
                for (int i = 0; i < 40 && offer == null; i++) {
                    fabric.run(() -> guest.send(PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(Dhcp.discover())));
                    long end = System.currentTimeMillis() + 250;
                    for (byte[] f; offer == null && (f = guest.poll(Math.max(1, end - System.currentTimeMillis()))) != null; ) {
                        if (Dhcp.isOffer(f)) {
                            offer = f;
                        }
                    }
                }
                assertThat(offer).as("a DHCPOFFER through the switch; QEMU said: %s", Files.readString(log)).isNotNull();
                String ports = sw.command("port/print");
                assertThat(ports).contains("Port 0009").contains("pid=" + qemu.pid())
                        .contains("pid=" + ProcessHandle.current().pid());
            } finally {
                qemu.destroyForcibly(); // by pid, the process this test started
                qemu.waitFor();
            }
        }
    }
}
