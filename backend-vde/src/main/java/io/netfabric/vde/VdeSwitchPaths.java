package io.netfabric.vde;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the switch's control socket is, as libvdeplug looks for it. {@code sock} names the
 * switch's directory; its control socket is {@code <sock>/ctl}. Without {@code sock}:
 * {@code $HOME/.vde2/default.switch} when it exists, else {@code /var/run/vde.ctl/ctl}, then
 * {@code /tmp/vde.ctl/ctl} (the order strace shows for QEMU 7.2 with Debian's libvdeplug).
 */
final class VdeSwitchPaths {
    static final List<Path> SYSTEM_SWITCHES = List.of(Path.of("/var/run/vde.ctl"), Path.of("/tmp/vde.ctl"));

    private VdeSwitchPaths() {
    }

    /** The switch directories to try, in order. */
    static List<Path> candidates(String sock, Map<String, String> env) {
        if (sock != null) {
            return List.of(Path.of(sock));
        }
        List<Path> out = new ArrayList<>();
        String home = env.get("HOME");
        if (home != null) {
            Path user = Path.of(home, ".vde2", "default.switch");
            if (Files.exists(user, LinkOption.NOFOLLOW_LINKS)) {
                out.add(user);
            }
        }
        out.addAll(SYSTEM_SWITCHES);
        return out;
    }

    /** The switch's control socket in directory {@code dir}. */
    static Path control(Path dir) {
        return dir.resolve("ctl");
    }

    /**
     * QEMU's description of the plug: libvdeplug writes {@code <descr> user=<login> pid=<pid>},
     * plus {@code SSH=<ip>} for a session over ssh, and QEMU passes "QEMU" as descr. We keep
     * "QEMU" so that scripts reading the switch's port list find us as they find QEMU.
     */
    static String description(Map<String, String> env, long pid) {
        // libvdeplug asks getpwuid(geteuid()); the JVM's user.name comes from the same entry.
        String user = System.getProperty("user.name", "??");
        StringBuilder sb = new StringBuilder("QEMU user=").append(user).append(" pid=").append(pid);
        String ssh = env.get("SSH_CLIENT");
        if (ssh != null && !ssh.isBlank()) {
            sb.append(" SSH=").append(ssh.strip().split("\\s+")[0]);
        }
        return sb.toString();
    }
}
