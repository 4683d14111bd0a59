package io.netfabric.testkit.guest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One boot of a {@link TinyGuest} under {@code qemu-system-x86_64 -M pc -accel tcg}, with the
 * network options the test gives, running {@code script} in the guest. The serial console is
 * collected line by line; {@link #close()} ends the QEMU process this object started (by its
 * pid, forcibly after a grace period).
 */
public final class GuestVm implements AutoCloseable {
    private final Process qemu;
    private final List<String> console = new ArrayList<>();
    private final Thread reader;

    private GuestVm(Process qemu) {
        this.qemu = qemu;
        this.reader = new Thread(this::readConsole, "guest-console-" + qemu.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Boots the guest. {@code qemuArgs} are the network (and any other) options, e.g.
     * {@code -netdev stream,... -device e1000,netdev=n0}; the script runs under {@code sh} once
     * the drivers are loaded.
     */
    public static GuestVm boot(TinyGuest guest, List<String> qemuArgs, String script) throws IOException {
        String cmd = Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8));
        List<String> argv = new ArrayList<>(List.of("qemu-system-x86_64", "-M", "pc", "-accel", "tcg",
                "-m", "256", "-nodefaults", "-display", "none", "-no-reboot", "-serial", "stdio",
                "-kernel", guest.kernel().toString(), "-initrd", guest.initrd().toString(),
                "-append", "console=ttyS0 quiet panic=-1 nf.cmd=" + cmd));
        argv.addAll(qemuArgs);
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        return new GuestVm(p);
    }

    private void readConsole() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(qemu.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String l = line.replace("\r", "");
                synchronized (console) {
                    console.add(l);
                    console.notifyAll();
                }
            }
        } catch (IOException e) {
            // QEMU went away; what it printed stays in the console.
        }
        synchronized (console) {
            console.add("<console closed>");
            console.notifyAll();
        }
    }

    /** The first console line matching {@code match}, waiting up to {@code timeout}; null if none came. */
    public String await(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (console) {
            while (true) {
                for (; seen < console.size(); seen++) {
                    String l = console.get(seen);
                    if (match.test(l)) {
                        return l;
                    }
                    if (l.equals("<console closed>")) {
                        return null;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(console, left);
            }
        }
    }

    /** The first line starting with {@code prefix}. */
    public String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        return await(l -> l.startsWith(prefix), timeout);
    }

    /** The script's exit status once the guest reports it, or -1 on timeout. */
    public int awaitDone(Duration timeout) throws InterruptedException {
        String l = awaitLine(TinyGuest.DONE, timeout);
        return l == null ? -1 : Integer.parseInt(l.substring(TinyGuest.DONE.length()).trim());
    }

    /** Everything the console printed so far. */
    public String console() {
        synchronized (console) {
            return String.join("\n", console);
        }
    }

    public long pid() {
        return qemu.pid();
    }

    @Override
    public void close() {
        qemu.destroy();
        try {
            if (!qemu.waitFor(5, TimeUnit.SECONDS)) {
                qemu.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            qemu.destroyForcibly();
        }
    }
}
