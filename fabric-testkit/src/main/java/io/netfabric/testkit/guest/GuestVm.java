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
        List<String> args = new ArrayList<>(List.of("-kernel", guest.kernel().toString(),
                "-initrd", guest.initrd().toString(), "-append", kernelCommandLine(script)));
        args.addAll(qemuArgs);
        return start(args);
    }

    /**
     * Boots from the network: no {@code -kernel}; the NIC's iPXE ROM (shipped with QEMU) takes
     * a lease and a boot script by DHCP and TFTP (see {@link #ipxeScript}).
     */
    public static GuestVm bootFromNetwork(List<String> qemuArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of("-boot", "n"));
        args.addAll(qemuArgs);
        return start(args);
    }

    /** The kernel command line that makes the tiny guest's init run {@code script}. */
    public static String kernelCommandLine(String script) {
        String cmd = Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8));
        return "console=ttyS0 quiet panic=-1 nf.cmd=" + cmd;
    }

    /**
     * An iPXE script that fetches {@code vmlinuz} and {@code initrd.cpio.gz} from the TFTP server
     * {@code tftpHost} and boots them running {@code script}.
     */
    public static String ipxeScript(String tftpHost, String script) {
        return "#!ipxe\n"
                + "kernel tftp://" + tftpHost + "/vmlinuz " + kernelCommandLine(script) + "\n"
                + "initrd tftp://" + tftpHost + "/initrd.cpio.gz\n"
                + "boot\n";
    }

    private static GuestVm start(List<String> args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("qemu-system-x86_64", "-M", "pc", "-accel", "tcg",
                "-m", "256", "-nodefaults", "-display", "none", "-no-reboot", "-serial", "stdio"));
        argv.addAll(args);
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
