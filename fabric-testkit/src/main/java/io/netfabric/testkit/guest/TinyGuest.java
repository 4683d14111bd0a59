package io.netfabric.testkit.guest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A tiny Linux guest built at test time and cached outside the repository: Debian's kernel (the
 * package {@code linux-image-amd64} depends on, fetched with {@code apt-get download} and
 * unpacked with {@code dpkg -x}), and a busybox-static initramfs made with {@code cpio} holding
 * the e1000 and virtio-net drivers with their dependencies, loaded in dependency order.
 *
 * <p>The init runs the shell script passed base64-encoded as {@code nf.cmd=} on the kernel command
 * line, prints its output on the serial console, then {@code NFGUEST-DONE <status>}, and powers
 * off. Nothing of the kernel or the initramfs is committed; the cache is
 * {@code $NETFABRIC_GUEST_CACHE} or {@code ~/.cache/netfabric/tiny-guest}.
 *
 * <p>Needs {@code apt-get}, {@code dpkg}, {@code modinfo} (kmod), {@code cpio} and
 * {@code /bin/busybox} from busybox-static; {@link #missingTools()} names what is absent.
 */
public final class TinyGuest {
    /** Modules the guest loads, by name; their dependencies are added before them. */
    private static final List<String> WANTED = List.of("e1000", "virtio_pci", "virtio_net");
    /** Bumped when the initramfs changes, so a stale cache is rebuilt. */
    private static final String LAYOUT = "2";
    static final String DONE = "NFGUEST-DONE";

    private final Path kernel;
    private final Path initrd;

    private TinyGuest(Path kernel, Path initrd) {
        this.kernel = kernel;
        this.initrd = initrd;
    }

    public Path kernel() {
        return kernel;
    }

    public Path initrd() {
        return initrd;
    }

    /** Tools the build needs that this machine lacks (empty when it can build). */
    public static List<String> missingTools() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("apt-get", "dpkg", "modinfo", "cpio")) {
            if (Stream.of("/usr/bin", "/usr/sbin", "/bin", "/sbin").noneMatch(d -> Files.isExecutable(Path.of(d, tool)))) {
                missing.add(tool);
            }
        }
        if (!Files.isExecutable(Path.of("/bin/busybox"))) {
            missing.add("/bin/busybox (busybox-static)");
        }
        return missing;
    }

    static Path cacheDir() {
        String env = System.getenv("NETFABRIC_GUEST_CACHE");
        return env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "netfabric", "tiny-guest");
    }

    /** The cached guest, built first when absent. Safe to call from several tests. */
    public static synchronized TinyGuest build() {
        Path dir = cacheDir().resolve("v" + LAYOUT);
        Path kernel = dir.resolve("vmlinuz");
        Path initrd = dir.resolve("initrd.cpio.gz");
        if (Files.isRegularFile(kernel) && Files.isRegularFile(initrd)) {
            return new TinyGuest(kernel, initrd);
        }
        try {
            Files.createDirectories(dir);
            Path work = Files.createTempDirectory(dir, "build-");
            String pkg = kernelPackage();
            run(work, "apt-get", "download", pkg);
            Path deb;
            try (Stream<Path> s = Files.list(work)) {
                deb = s.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst()
                        .orElseThrow(() -> new IOException("apt-get download " + pkg + " left no .deb"));
            }
            Path root = work.resolve("pkg");
            run(work, "dpkg", "-x", deb.toString(), root.toString());
            Path vmlinuz;
            try (Stream<Path> s = Files.list(root.resolve("boot"))) {
                vmlinuz = s.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).findFirst().orElseThrow();
            }
            List<Path> modules = modulesInLoadOrder(root.resolve("lib/modules"));
            Path initramfs = work.resolve("initramfs");
            makeInitramfs(initramfs, modules);
            Path cpioGz = work.resolve("initrd.cpio.gz");
            run(initramfs, "sh", "-c", "find . | cpio -o -H newc --quiet | gzip -1 > " + cpioGz);
            Files.move(cpioGz, initrd, StandardCopyOption.REPLACE_EXISTING);
            Files.move(vmlinuz, kernel, StandardCopyOption.REPLACE_EXISTING);
            run(dir, "rm", "-rf", work.toString());
            return new TinyGuest(kernel, initrd);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The kernel package {@code linux-image-amd64} depends on (e.g. linux-image-6.1.0-56-amd64). */
    private static String kernelPackage() throws IOException {
        String deps = output(Path.of("/"), "apt-cache", "depends", "linux-image-amd64");
        for (String line : deps.split("\n")) {
            String l = line.trim();
            if (l.startsWith("Depends: linux-image-")) {
                return l.substring("Depends: ".length()).trim();
            }
        }
        throw new IOException("no kernel package behind linux-image-amd64 (run apt-get update): " + deps);
    }

    /** The wanted modules and everything they depend on, dependencies first (modinfo -F depends). */
    static List<Path> modulesInLoadOrder(Path modulesRoot) throws IOException {
        Map<String, Path> byName = new TreeMap<>();
        try (Stream<Path> s = Files.walk(modulesRoot)) {
            s.filter(p -> p.getFileName().toString().endsWith(".ko"))
                    .forEach(p -> byName.put(p.getFileName().toString().replace(".ko", "").replace('-', '_'), p));
        }
        Set<String> ordered = new LinkedHashSet<>();
        for (String m : WANTED) {
            addWithDependencies(m, byName, ordered, new LinkedHashSet<>());
        }
        List<Path> out = new ArrayList<>();
        for (String m : ordered) {
            out.add(byName.get(m));
        }
        return out;
    }

    private static void addWithDependencies(String name, Map<String, Path> byName, Set<String> ordered,
            Set<String> visiting) throws IOException {
        if (ordered.contains(name)) {
            return;
        }
        Path ko = byName.get(name);
        if (ko == null) {
            return; // built into the kernel
        }
        if (!visiting.add(name)) {
            throw new IOException("module dependency cycle at " + name);
        }
        String deps = output(ko.getParent(), "modinfo", "-F", "depends", ko.toString()).trim();
        if (!deps.isEmpty()) {
            for (String d : deps.split(",")) {
                addWithDependencies(d.trim().replace('-', '_'), byName, ordered, visiting);
            }
        }
        ordered.add(name);
    }

    private static void makeInitramfs(Path root, List<Path> modules) throws IOException {
        for (String d : List.of("bin", "sbin", "etc", "proc", "sys", "dev", "tmp", "run", "modules",
                "etc/udhcpc", "var/www")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
        StringBuilder load = new StringBuilder();
        int i = 0;
        for (Path ko : modules) {
            String name = String.format("%02d-%s", i++, ko.getFileName());
            Files.copy(ko, root.resolve("modules").resolve(name));
            load.append("insmod /modules/").append(name).append('\n');
        }
        writeExecutable(root.resolve("init"), """
                #!/bin/busybox sh
                /bin/busybox --install -s /bin
                mount -t proc proc /proc
                mount -t sysfs sys /sys
                mount -t devtmpfs dev /dev
                """ + load + """
                ip link set lo up
                echo NFGUEST-READY
                cmd=$(sed -n 's/.*nf\\.cmd=\\([^ ]*\\).*/\\1/p' /proc/cmdline)
                echo "$cmd" | base64 -d > /run/cmd.sh
                sh /run/cmd.sh
                echo "NFGUEST-DONE $?"
                sync
                poweroff -f
                """);
        // udhcpc's hook (Debian's busybox looks for it in /etc/udhcpc): configure the interface,
        // the default route and the resolver, and report the lease on the console.
        writeExecutable(root.resolve("etc/udhcpc/default.script"), """
                #!/bin/sh
                case "$1" in
                  deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
                  bound|renew)
                    ip addr flush dev "$interface"
                    ip addr add "$ip/${mask:-24}" dev "$interface"
                    [ -n "$mtu" ] && ip link set "$interface" mtu "$mtu"
                    for r in $router; do ip route add default via "$r" dev "$interface"; done
                    : > /etc/resolv.conf
                    [ -n "$domain" ] && echo "search $domain" >> /etc/resolv.conf
                    for d in $dns; do echo "nameserver $d" >> /etc/resolv.conf; done
                    echo "NFGUEST-LEASE ip=$ip mask=$mask router=$router dns=$dns domain=$domain mtu=$mtu" ;;
                esac
                exit 0
                """);
    }

    private static void writeExecutable(Path p, String text) throws IOException {
        Files.writeString(p, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void run(Path dir, String... cmd) throws IOException {
        output(dir, cmd);
    }

    private static String output(Path dir, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return out;
    }
}
