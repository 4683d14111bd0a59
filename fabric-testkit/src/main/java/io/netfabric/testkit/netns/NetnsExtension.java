package io.netfabric.testkit.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Network namespaces, veths and bridges for a test, removed afterwards whatever happened.
 *
 * <pre>
 * &#64;RegisterExtension final NetnsExtension netns = new NetnsExtension();
 *
 * &#64;Test void ping() {
 *     String tap = netns.ifname("t0");                  // nf&lt;pid&gt;xt0
 *     ... create a netfabric tap with ifname=tap ...
 *     Netns a = netns.create("a").adopt(tap).configure(tap, "10.9.0.1/24");
 *     a.exec("ping", "-c", "1", "10.9.0.2").requireSuccess();
 * }
 * </pre>
 *
 * <ul>
 * <li>Before each test (or all, for a static field) it checks that the JVM is root and that
 *     {@code /dev/net/tun} and {@code ip} exist; the test is skipped with that reason otherwise.</li>
 * <li>Names carry the JVM's pid ({@code nf-<pid>-<label>} for namespaces, {@code nf<pid>x<tag>}
 *     for interfaces), so parallel runs never clash; at first use, names whose pid is no longer
 *     running are swept (a killed run leaves nothing behind for long).</li>
 * <li>After each test (after all, for a static field) it kills the processes it started, deletes
 *     the links it made and then the namespaces, in reverse order; a shutdown hook does the same
 *     if the JVM is stopped mid-test.</li>
 * </ul>
 * It depends on no netfabric module: it works on interface names with shell commands.
 */
public final class NetnsExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    private static final long PID = ProcessHandle.current().pid();
    private static final Pattern NS_NAME = Pattern.compile("^nf-(\\d+)-\\S*");
    private static final Pattern IF_NAME = Pattern.compile("^\\d+: (nf(\\d+)x[^:@\\s]*)[:@]");
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final List<NetnsExtension> LIVE = new ArrayList<>();
    private static boolean swept;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (LIVE) {
                for (NetnsExtension e : LIVE) {
                    e.cleanUp();
                }
            }
        }, "netns-cleanup"));
    }

    private final Deque<Runnable> undo = new ArrayDeque<>();

    public NetnsExtension() {
        synchronized (LIVE) {
            LIVE.add(this);
        }
    }

    // ---------------------------------------------------------------- JUnit

    @Override
    public void beforeAll(ExtensionContext context) {
        assumeReady();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        assumeReady();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        cleanUp();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        cleanUp();
    }

    // ---------------------------------------------------------------- assumptions

    /** Skips the test unless it runs as root with {@code /dev/net/tun} and {@code ip}. */
    public static void assumeReady() {
        Assumptions.assumeTrue(isRoot(), "needs root (network namespaces, taps)");
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun");
        assumeCommand("ip");
        sweepStale();
    }

    /** Skips the test unless {@code command} is on the PATH (a peer: iperf3, udhcpc, dig...). */
    public static void assumeCommand(String command) {
        Assumptions.assumeTrue(onPath(command), "needs " + command + " on the PATH");
    }

    public static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    // ---------------------------------------------------------------- resources

    /** Creates namespace {@code nf-<pid>-<label>} with its loopback up; deleted after the test. */
    public Netns create(String label) {
        String name = "nf-" + PID + "-" + label + "-" + SEQ.incrementAndGet();
        Shell.run("ip", "netns", "add", name).requireSuccess();
        synchronized (undo) {
            undo.push(() -> {
                // Kill what still runs inside (a server the test started through other means).
                ExecResult pids = Shell.run("ip", "netns", "pids", name);
                for (String pid : pids.stdout().split("\\s+")) {
                    if (!pid.isBlank()) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                Shell.run("ip", "netns", "del", name);
            });
        }
        Shell.run("ip", "-n", name, "link", "set", "lo", "up").requireSuccess();
        return new Netns(name, this);
    }

    /**
     * An interface name unique to this JVM, {@code nf<pid>x<tag>} (at most 15 characters, the
     * kernel's IFNAMSIZ). It is not created; use it as a tap's {@code ifname} or a veth's name.
     */
    public String ifname(String tag) {
        String n = "nf" + PID + "x" + tag;
        if (n.length() > 15) {
            throw new IllegalArgumentException("interface name " + n + " is longer than 15 characters; use a shorter tag");
        }
        return n;
    }

    /** A Linux bridge in the test's namespace, up, named {@link #ifname(String) ifname(tag)}. */
    public String bridge(String tag) {
        String br = ifname(tag);
        deleteLinkAfter(br);
        Shell.run("ip", "link", "add", br, "type", "bridge").requireSuccess();
        Shell.run("ip", "link", "set", "dev", br, "up").requireSuccess();
        return br;
    }

    /** Deletes the link after the test if it still exists in the test's namespace. */
    public void deleteLinkAfter(String ifname) {
        synchronized (undo) {
            undo.push(() -> Shell.run("ip", "link", "del", "dev", ifname));
        }
    }

    /** Kills {@code p} (and its children) by pid after the test. */
    public void killAfter(Process p) {
        synchronized (undo) {
            undo.push(() -> {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                try {
                    p.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    /** Runs every pending removal now, newest first. */
    public void cleanUp() {
        while (true) {
            Runnable r;
            synchronized (undo) {
                r = undo.poll();
            }
            if (r == null) {
                return;
            }
            try {
                r.run();
            } catch (RuntimeException e) {
                System.err.println("netns cleanup: " + e);
            }
        }
    }

    // ---------------------------------------------------------------- stale sweep

    /** Deletes namespaces and links named by a pid that no longer runs. */
    static synchronized void sweepStale() {
        if (swept) {
            return;
        }
        swept = true;
        for (String line : Shell.run("ip", "netns", "list").stdout().split("\n")) {
            Matcher m = NS_NAME.matcher(line.trim());
            if (m.find() && isDead(m.group(1))) {
                Shell.run("ip", "netns", "del", line.trim().split("\\s+")[0]);
            }
        }
        for (String line : Shell.run("ip", "-o", "link", "show").stdout().split("\n")) {
            Matcher m = IF_NAME.matcher(line.trim());
            if (m.find() && isDead(m.group(2))) {
                Shell.run("ip", "link", "del", "dev", m.group(1));
            }
        }
    }

    private static boolean isDead(String pid) {
        long p = Long.parseLong(pid);
        return p != PID && ProcessHandle.of(p).map(h -> !h.isAlive()).orElse(true);
    }
}
