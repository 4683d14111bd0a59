package io.netfabric.socket;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real QEMU 7.2 for interop tests, with no guest: {@code -M none -nodefaults -display none}
 * and a QMP socket. Started with the test's netdevs; {@link #close()} kills it by its pid. The
 * QMP greeting means the netdevs exist. Events are kept as raw JSON lines.
 */
final class QemuProcess implements AutoCloseable {
    static final String BINARY = "qemu-system-x86_64";

    private final Process process;
    private final Path qmpPath;
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final List<String> events = new ArrayList<>();
    private SocketChannel qmp;
    private BufferedReader qmpIn;
    private OutputStream qmpOut;
    private Thread reader;
    private final List<String> replies = new ArrayList<>();

    /** Skips the test when QEMU is not installed (CI installs it). */
    static void assumeInstalled() {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, BINARY))) {
                found = true;
            }
        }
        Assumptions.assumeTrue(found, BINARY + " is not installed: the QEMU interop tests need it");
    }

    QemuProcess(Path dir, String... netdevArgs) throws IOException, InterruptedException {
        qmpPath = dir.resolve("qmp.sock");
        List<String> cmd = new ArrayList<>(List.of(BINARY, "-M", "none", "-nodefaults", "-display", "none",
                "-qmp", "unix:" + qmpPath + ",server=on,wait=off"));
        cmd.addAll(List.of(netdevArgs));
        process = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread err = new Thread(() -> copy(process.getErrorStream()), "qemu-stderr");
        err.setDaemon(true);
        err.start();
        connectQmp();
    }

    private void copy(InputStream in) {
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (stderr) {
                    stderr.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // process gone
        }
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    private void connectQmp() throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("QEMU exited " + process.exitValue() + ": " + stderr());
            }
            if (Files.exists(qmpPath)) {
                try {
                    qmp = SocketChannel.open(StandardProtocolFamily.UNIX);
                    qmp.connect(UnixDomainSocketAddress.of(qmpPath));
                    break;
                } catch (IOException e) {
                    qmp.close();
                }
            }
            if (System.nanoTime() > end) {
                throw new IOException("no QMP socket from QEMU: " + stderr());
            }
            Thread.sleep(20);
        }
        // Plain channel reads and writes: Channels' streams share one lock, which would let the
        // reader thread block every command.
        qmpIn = new BufferedReader(new InputStreamReader(new InputStream() {
            private final java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);

            @Override
            public int read() throws IOException {
                one.clear();
                return qmp.read(one) <= 0 ? -1 : one.get(0) & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return qmp.read(java.nio.ByteBuffer.wrap(b, off, len));
            }
        }, StandardCharsets.UTF_8));
        qmpOut = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    qmp.write(buf);
                }
            }
        };
        // QEMU 7.2 may write an event it raised while the client connected (a stream netdev's
        // NETDEV_STREAM_CONNECTED) before the greeting: kept with the others.
        String greeting = qmpIn.readLine();
        while (greeting != null && greeting.contains("\"event\"")) {
            events.add(greeting);
            greeting = qmpIn.readLine();
        }
        if (greeting == null || !greeting.contains("QMP")) {
            throw new IOException("no QMP greeting: " + greeting);
        }
        reader = new Thread(this::readQmp, "qemu-qmp");
        reader.setDaemon(true);
        reader.start();
        execute("{\"execute\":\"qmp_capabilities\"}");
    }

    private void readQmp() {
        try {
            for (String line; (line = qmpIn.readLine()) != null; ) {
                synchronized (this) {
                    if (line.contains("\"event\"")) {
                        events.add(line);
                    } else {
                        replies.add(line);
                    }
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** Sends one QMP command and answers its reply line. */
    synchronized String execute(String json) throws IOException, InterruptedException {
        int before = replies.size();
        qmpOut.write((json + "\n").getBytes(StandardCharsets.UTF_8));
        qmpOut.flush();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (replies.size() == before) {
            long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
            if (left <= 0) {
                throw new IOException("no QMP reply to " + json);
            }
            wait(left);
        }
        return replies.get(before);
    }

    /** HMP {@code info network}, lines as QEMU prints them (CRLF removed). */
    String infoNetwork() throws IOException, InterruptedException {
        String r = execute("{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"info network\"}}");
        return r.replace("\\r\\n", "\n").replace("\\n", "\n");
    }

    /** Waits for an event line containing {@code text}; null if none within {@code millis}. */
    synchronized String waitForEvent(String text, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            for (String e : events) {
                if (e.contains(text)) {
                    return e;
                }
            }
            long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
            if (left <= 0) {
                return null;
            }
            wait(left);
        }
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            if (qmp != null) {
                qmp.close();
            }
        } catch (IOException e) {
            // ignore
        }
        process.destroy();   // SIGTERM to this pid only
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
