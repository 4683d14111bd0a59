package io.netfabric.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * What {@code bin/netfabric} starts when the command line names no netdev (and no
 * {@code -nodefaults}): a QMP socket, and, as the backends exist in this build, a {@code stream}
 * server on a unix socket for the guest joined through hub 0 to a {@code user} network. The
 * sockets live in {@code $XDG_RUNTIME_DIR/netfabric/} ({@code /tmp/netfabric-<uid>/} when the
 * variable is unset), a directory only the user can enter. README.md says what each stage does.
 */
final class EmbeddedDefault {
    private EmbeddedDefault() {
    }

    static Path directory() {
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isEmpty()) {
            return Path.of(runtime, "netfabric");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "netfabric-" + uid());
    }

    private static String uid() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return String.valueOf(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return System.getProperty("user.name");
        }
    }

    static void start(Launcher launcher, boolean withQmp) throws Launcher.StartupException {
        Path dir = directory();
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new Launcher.StartupException("cannot create " + dir + ": " + e.getMessage());
        }
        StringBuilder text = new StringBuilder("netfabric: started the embedded default\n");
        if (withQmp) {
            Path qmp = dir.resolve("qmp.sock");
            launcher.startQmp("embedded default QMP", "unix:" + qmp + ",server=on,wait=off");
            text.append("  QMP:   ").append(qmp).append("   (socat - unix-connect:").append(qmp).append(")\n");
        }
        Set<String> types = launcher.fabric().availableTypes();
        if (!types.contains("stream")) {
            text.append("  No guest-facing backend is in this build yet (the stream backend comes with\n")
                .append("  the socket backends): add netdevs over QMP with netdev_add.\n");
            launcher.out().print(text);
            return;
        }
        Path guest = dir.resolve("guest.sock");
        try {
            if (types.contains("user")) {
                launcher.addNetdev("user,id=user0");
                launcher.addNetdev("hubport,id=user0port,hubid=0,netdev=user0");
            }
            launcher.addNetdev("stream,id=guest0,server=on,addr.type=unix,addr.path=" + guest);
            launcher.removeOnClose(guest);
            launcher.addNetdev("hubport,id=guest0port,hubid=0,netdev=guest0");
        } catch (io.netfabric.core.FabricException e) {
            throw new Launcher.StartupException("embedded default: " + e.getMessage());
        }
        text.append("  Guest: ").append(guest).append('\n')
            .append("  Attach QEMU with:\n")
            .append("    -netdev stream,id=net0,server=off,addr.type=unix,addr.path=").append(guest)
            .append(" -device virtio-net-pci,netdev=net0\n");
        if (types.contains("user")) {
            text.append("  The guest gets 10.0.2.15 by DHCP, DNS 10.0.2.3, and reaches the host's loopback as 10.0.2.2.\n");
        } else {
            text.append("  The user-mode network is not in this build yet: the stream is joined to hub 0 only.\n");
        }
        launcher.out().print(text);
    }
}
