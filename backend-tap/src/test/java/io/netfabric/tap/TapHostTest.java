package io.netfabric.tap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.testkit.netns.NetnsExtension;
import io.netfabric.testkit.netns.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tap's life on the host and its errors: scripts, inherited fds, deletion, and what the
 * kernel refuses. Needs root and /dev/net/tun (skipped otherwise); interfaces carry the pid.
 */
class TapHostTest {
    @RegisterExtension
    final NetnsExtension netns = new NetnsExtension();
    private final TapFabric nf = new TapFabric();
    @TempDir
    Path dir;

    @AfterEach
    void close() {
        nf.close();
    }

    private static boolean exists(String ifname) {
        return Shell.run("ip", "link", "show", "dev", ifname).ok();
    }

    private FabricException error(String optarg) {
        return catchThrowableOfType(() -> nf.netdev(optarg), FabricException.class);
    }

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void scriptsRunWithTheInterfaceNameAndTheInterfaceGoesWithTheNetdev() throws IOException {
        String tap = netns.ifname("s");
        Path up = script("up", "echo \"$@\" > " + dir.resolve("up.out"));
        Path down = script("down", "echo \"$@\" > " + dir.resolve("down.out"));
        NetClient c = nf.netdev("tap,id=t,ifname=" + tap + ",script=" + up + ",downscript=" + down);
        assertThat(Files.readString(dir.resolve("up.out")).trim()).isEqualTo(tap);
        assertThat(c.info()).isEqualTo("ifname=" + tap + ",script=" + up + ",downscript=" + down);
        assertThat(exists(tap)).isTrue();
        assertThat(Files.exists(dir.resolve("down.out"))).isFalse();
        nf.fabric.deleteNetdev("t");
        assertThat(Files.readString(dir.resolve("down.out")).trim()).isEqualTo(tap);
        assertThat(exists(tap)).isFalse();
    }

    @Test
    void aKernelChosenNameFollowsTheTemplate() {
        TapClient c = (TapClient) nf.netdev("tap,id=t,script=no,downscript=no");
        assertThat(c.ifname()).matches("tap\\d+");
        assertThat(c.info()).isEqualTo("ifname=" + c.ifname() + ",script=no,downscript=no");
        netns.deleteLinkAfter(c.ifname());
        // query-netdev shows the name the kernel chose (QEMU 6.0-rc's stored config).
        assertThat(c.storedConfig().toQapi()).containsEntry("ifname", c.ifname()).containsEntry("script", "no")
                .containsEntry("downscript", "no").containsEntry("vnet_hdr", true).doesNotContainKey("fds");
    }

    @Test
    void aFailingScriptGivesQemusMessageAndLeavesNoInterface() throws IOException {
        String tap = netns.ifname("f");
        Path up = script("up", "exit 1");
        assertThat(error("tap,id=t,ifname=" + tap + ",script=" + up).getMessage())
                .isEqualTo("network script " + up + " failed with status 256");
        assertThat(exists(tap)).isFalse();
        assertThat(error("tap,id=t,ifname=" + tap + ",script=" + dir.resolve("missing")).getMessage())
                .isEqualTo("network script " + dir.resolve("missing") + " failed with status 256");
    }

    @Test
    void anInheritedDescriptorIsUsedAsIs() {
        String tap = netns.ifname("d");
        TapDevice.Queue q = TapDevice.openQueue(tap, false, false, false);
        TapClient c = (TapClient) nf.netdev("tap,id=t,fd=" + q.fd());
        assertThat(c.info()).isEqualTo("fd=" + q.fd());
        assertThat(c.ifname()).isEqualTo(tap);
        nf.fabric.deleteNetdev("t");
        assertThat(exists(tap)).as("the fd was ours to close").isFalse();
    }

    @Test
    void vhostIsRefusedWithAClearErrorAndNothingIsLeft() {
        String tap = netns.ifname("v");
        FabricException e = error("tap,id=t,ifname=" + tap + ",script=no,downscript=no,vhost=on");
        if (Files.exists(Path.of(TapFactory.VHOST_NET))) {
            assertThat(e.getMessage()).isEqualTo("vhost-net requested but could not be initialized");
        } else {
            assertThat(e.getMessage()).isEqualTo("tap: open vhost char device failed: No such file or directory");
        }
        assertThat(exists(tap)).isFalse();
        assertThat(error("tap,id=t,ifname=" + tap + ",script=no,vhost=off,vhostfd=7").getMessage())
                .isEqualTo("vhostfd(s)= is not valid without vhost");
    }

    @Test
    void aBusyNameIsTheKernelsAnswerInQemusWords() {
        String tap = netns.ifname("b");
        nf.netdev("tap,id=t1,ifname=" + tap + ",script=no,downscript=no");
        assertThat(error("tap,id=t2,ifname=" + tap + ",script=no,downscript=no").getMessage())
                .isEqualTo("could not configure /dev/net/tun (" + tap + "): Device or resource busy");
        // A name taken by an interface that is not a tap.
        assertThat(error("tap,id=t3,ifname=lo,script=no,downscript=no").getMessage())
                .startsWith("could not configure /dev/net/tun (lo): ");
    }

    @Test
    void aBridgeThatDoesNotExistIsNamed() {
        String br = netns.ifname("nobr");
        assertThat(error("bridge,id=b,br=" + br).getMessage())
                .isEqualTo("failed to get mtu of bridge `" + br + "' (SIOCGIFMTU): No such device");
    }

    @Test
    void withoutPermissionOpenFailsAsInQemu() {
        // The fabric's loop thread runs as nobody for this call: setresuid(2) through the raw
        // system call changes the calling thread only, and gives the effective uid back after.
        long sys = "aarch64".equals(System.getProperty("os.arch")) ? 147 : 117;
        nf.fabric.run(() -> assertThat(Native.LIBC.syscall(sys, -1, 65534, -1)).isZero());
        FabricException e;
        try {
            e = error("tap,id=t,ifname=" + netns.ifname("p") + ",script=no,downscript=no");
        } finally {
            nf.fabric.run(() -> assertThat(Native.LIBC.syscall(sys, -1, 0, -1)).isZero());
        }
        assertThat(e.getMessage()).isEqualTo("could not open /dev/net/tun: Permission denied");
        // The same through a separate unprivileged process, for the record: the device refuses nobody.
        if (NetnsExtension.onPath("setpriv")) {
            assertThat(Shell.run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c",
                    "exec 3<>/dev/net/tun").stderr()).contains("Permission denied");
        }
    }
}
