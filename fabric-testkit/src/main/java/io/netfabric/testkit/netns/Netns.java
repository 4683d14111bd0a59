package io.netfabric.testkit.netns;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One network namespace the kit created ({@link NetnsExtension#create}). Everything here is an
 * {@code ip} command or {@code ip netns exec}; it knows nothing of netfabric, so the test hands it
 * interface names (the tap's {@code ifname}).
 */
public final class Netns {
    private final String name;
    private final NetnsExtension owner;

    Netns(String name, NetnsExtension owner) {
        this.name = name;
        this.owner = owner;
    }

    /** The namespace's name, {@code nf-<pid>-<label>}, for {@code ip netns exec} or {@code ip -n}. */
    public String name() {
        return name;
    }

    /** Moves a host interface (a netfabric tap, a veth end) into this namespace. */
    public Netns adopt(String ifname) {
        Shell.run("ip", "link", "set", "dev", ifname, "netns", name).requireSuccess();
        return this;
    }

    /** Gives {@code ifname} an address ({@code 10.9.0.1/24}, {@code fd00::1/64}) and brings it up. */
    public Netns configure(String ifname, String... cidrs) {
        for (String cidr : cidrs) {
            (cidr.contains(":") ? ip("addr", "add", cidr, "dev", ifname, "nodad") : ip("addr", "add", cidr, "dev", ifname))
                    .requireSuccess();
        }
        ip("link", "set", "dev", ifname, "up").requireSuccess();
        return this;
    }

    public Netns mtu(String ifname, int mtu) {
        ip("link", "set", "dev", ifname, "mtu", Integer.toString(mtu)).requireSuccess();
        return this;
    }

    /** {@code ip -n NAME args...}. */
    public ExecResult ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(List.of(args));
        return Shell.run(Shell.DEFAULT_TIMEOUT, cmd);
    }

    /**
     * A veth pair: {@code hostEnd} stays in the test's own namespace, {@code innerEnd} is in this
     * one, up, with the given addresses. The pair is deleted after the test.
     */
    public Netns veth(String hostEnd, String innerEnd, String... cidrs) {
        owner.deleteLinkAfter(hostEnd);
        Shell.run("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", innerEnd, "netns", name)
                .requireSuccess();
        Shell.run("ip", "link", "set", "dev", hostEnd, "up").requireSuccess();
        configure(innerEnd, cidrs);
        return this;
    }

    /**
     * {@code ping -c count [options] address} inside the namespace, with iputils' ping or, when
     * it is not installed, busybox's (same options for {@code -c -s -i -W -w}).
     */
    public ExecResult ping(String address, int count, String... options) {
        List<String> cmd = new ArrayList<>(NetnsExtension.onPath("ping") ? List.of("ping") : List.of("busybox", "ping"));
        cmd.addAll(List.of("-c", Integer.toString(count), "-w", Integer.toString(5 + count)));
        cmd.addAll(List.of(options));
        cmd.add(address);
        return exec(cmd.toArray(String[]::new));
    }

    /**
     * {@code iperf3 -c address -t seconds [extra]} from this namespace against a one-off
     * {@code iperf3 -s -1 -B address} started in {@code server}. The client starts only once the
     * server listens (a server that could not bind, because the previous one-off server still
     * held the port, is started again), and the call returns only once the server has exited, so
     * the next call finds the port free. The result is the client's; the caller checks it.
     */
    public ExecResult iperf3(Netns server, String address, int seconds, String... extra) {
        Process s = server.startListening(5201, address, "iperf3", "-s", "-1", "-B", address);
        List<String> cmd = new ArrayList<>(List.of("iperf3", "-c", address, "-t", Integer.toString(seconds)));
        cmd.addAll(List.of(extra));
        ExecResult r = exec(Duration.ofSeconds(30L + 2L * seconds), cmd.toArray(String[]::new));
        r.stdout().lines().filter(l -> l.contains("receiver"))
                .forEach(l -> System.out.println(String.join(" ", cmd) + ": " + l));
        awaitExit(s, Duration.ofSeconds(10));
        return r;
    }

    /**
     * Starts a server and returns once a TCP socket listens on {@code address:port} in this
     * namespace; a server that exits first (its bind refused: the port still held) is started
     * again. Gives up after 15 seconds.
     */
    public Process startListening(int port, String address, String... command) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Process p = start(command);
        while (System.nanoTime() < deadline) {
            ExecResult ss = exec("ss", "-Hltn", "src", address.contains(":") ? "[" + address + "]" : address,
                    "sport", "=", ":" + port);
            if (ss.ok() && !ss.stdout().isBlank() && p.isAlive()) {
                return p;
            }
            if (!p.isAlive()) {
                p = start(command);
            }
            sleep(50);
        }
        throw new AssertionError(String.join(" ", command) + " does not listen on " + address + ":" + port + " in " + name);
    }

    private static void awaitExit(Process p, Duration timeout) {
        try {
            if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command inside the namespace and waits (at most a minute). */
    public ExecResult exec(String... command) {
        return exec(Shell.DEFAULT_TIMEOUT, command);
    }

    public ExecResult exec(Duration timeout, String... command) {
        return Shell.run(timeout, wrap(command));
    }

    /**
     * Starts a long-running command inside the namespace (a server: {@code iperf3 -s}); the kit
     * kills it, by pid, after the test. Its output is discarded.
     */
    public Process start(String... command) {
        try {
            Process p = new ProcessBuilder(wrap(command))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            owner.killAfter(p);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + String.join(" ", command), e);
        }
    }

    private List<String> wrap(String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        return cmd;
    }

    @Override
    public String toString() {
        return name;
    }
}
