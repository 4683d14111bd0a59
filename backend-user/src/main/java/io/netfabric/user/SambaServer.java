package io.netfabric.user;

import io.netfabric.core.FabricException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code smb=DIR}: what QEMU 7.2's net/slirp.c {@code slirp_smb()} prepares, with its checks and
 * messages: a private directory {@code /tmp/qemu-smb.XXXXXX} holding an smb.conf that exports
 * DIR as share {@code qemu} bound to 127.0.0.1, and the command {@code smbd -l DIR -s CONF} that
 * serves each guest connection to the SMB address on ports 139 and 445 (guest TCP connections
 * reach it through the TCP endpoint of part 2). The directory is removed on close.
 */
final class SambaServer implements AutoCloseable {
    /** QEMU's CONFIG_SMBD_COMMAND on Debian. */
    static final String SMBD = "/usr/sbin/smbd";

    private final Path dir;
    private final List<String> command;

    private SambaServer(Path dir, List<String> command) {
        this.dir = dir;
        this.command = command;
    }

    /** The smbd command line for one guest connection (stdin/stdout are the connection). */
    List<String> command() {
        return command;
    }

    static SambaServer prepare(String exported, String smbd) {
        String user = System.getProperty("user.name");
        if (user == null || user.isEmpty()) {
            throw FabricException.generic("Failed to retrieve user name");
        }
        if (!Files.exists(Path.of(smbd))) {
            throw FabricException.generic("Could not find '" + smbd + "', please install it");
        }
        Path shared = Path.of(exported);
        if (!Files.isReadable(shared) || !Files.isExecutable(shared)) {
            String why = Files.exists(shared) ? "Permission denied" : "No such file or directory";
            throw FabricException.generic("Error accessing shared directory '" + exported + "': " + why);
        }
        Path dir;
        try {
            dir = Files.createTempDirectory(Path.of("/tmp"), "qemu-smb.");
        } catch (IOException e) {
            throw FabricException.generic("Could not create samba server dir '/tmp/qemu-smb.XXXXXX'");
        }
        Path conf = dir.resolve("smb.conf");
        String d = dir.toString();
        String text = "[global]\n"
                + "private dir=" + d + "\n"
                + "interfaces=127.0.0.1\n"
                + "bind interfaces only=yes\n"
                + "pid directory=" + d + "\n"
                + "lock directory=" + d + "\n"
                + "state directory=" + d + "\n"
                + "cache directory=" + d + "\n"
                + "ncalrpc dir=" + d + "/ncalrpc\n"
                + "log file=" + d + "/log.smbd\n"
                + "smb passwd file=" + d + "/smbpasswd\n"
                + "security = user\n"
                + "map to guest = Bad User\n"
                + "load printers = no\n"
                + "printing = bsd\n"
                + "disable spoolss = yes\n"
                + "usershare max shares = 0\n"
                + "[qemu]\n"
                + "path=" + exported + "\n"
                + "read only=no\n"
                + "guest ok=yes\n"
                + "force user=" + user + "\n";
        try {
            Files.writeString(conf, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            delete(dir);
            throw FabricException.generic("Could not create samba server configuration file '" + conf + "'");
        }
        return new SambaServer(dir, List.of(smbd, "-l", d, "-s", conf.toString()));
    }

    @Override
    public void close() {
        delete(dir);
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort, as QEMU's rm -rf at exit
        }
    }
}
