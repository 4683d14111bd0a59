package io.netfabric.qmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A raw QMP client over a real socket: sends bytes, reads CRLF-terminated lines. */
final class QmpTestClient implements AutoCloseable {
    private static final String EOF = "\u0000EOF";
    private final SocketChannel channel;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private QmpTestClient(SocketChannel channel) {
        this.channel = channel;
        Thread reader = new Thread(this::readLoop, "qmp-test-client");
        reader.setDaemon(true);
        reader.start();
    }

    static QmpTestClient unix(Path path) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(path));
        return new QmpTestClient(ch);
    }

    static QmpTestClient tcp(InetSocketAddress address) throws IOException {
        return new QmpTestClient(SocketChannel.open(address));
    }

    private void readLoop() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                StandardCharsets.UTF_8))) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = r.read()) >= 0) {
                line.append((char) c);
                int n = line.length();
                if (n >= 2 && line.charAt(n - 2) == '\r' && line.charAt(n - 1) == '\n') {
                    lines.add(line.substring(0, n - 2));
                    line.setLength(0);
                }
            }
        } catch (IOException e) {
            // closed
        }
        lines.add(EOF);
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes on the channel itself: Channels' streams share one lock, so the blocked reader would stall it. */
    void send(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** The next line, waiting up to 10 s. */
    String next() throws InterruptedException {
        String l = lines.poll(10, TimeUnit.SECONDS);
        assertThat(l).as("a reply line").isNotNull().isNotEqualTo(EOF);
        return l;
    }

    /** The client after the greeting and a successful qmp_capabilities. */
    QmpTestClient negotiated() throws IOException, InterruptedException {
        assertThat(next()).startsWith("{\"QMP\": ");
        send("{\"execute\":\"qmp_capabilities\"}\n");
        assertThat(next()).isEqualTo("{\"return\": {}}");
        return this;
    }

    void assertQuiet(long millis) throws InterruptedException {
        assertThat(lines.poll(millis, TimeUnit.MILLISECONDS)).isNull();
    }

    boolean closedByServer() throws InterruptedException {
        return EOF.equals(lines.poll(10, TimeUnit.SECONDS));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
