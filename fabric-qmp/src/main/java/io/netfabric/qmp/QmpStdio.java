package io.netfabric.qmp;

import io.netfabric.core.Fabric;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * {@code -qmp stdio}: one QMP session on standard input and output, as QEMU's stdio chardev
 * gives its monitor. The session is an ordinary client of a {@link QmpServer} on a socket only
 * this process can reach (a unix socket in a fresh 0700 directory, or 127.0.0.1 on NIO), so it
 * has the server's framing, events and greeting rules; two threads copy stdin to it and its
 * output to stdout. End of input ends the session, not the process (QEMU keeps running too).
 */
public final class QmpStdio implements AutoCloseable {
    private final QmpServer server;
    private final SocketChannel session;
    private final Path dir;

    private QmpStdio(QmpServer server, SocketChannel session, Path dir) {
        this.server = server;
        this.session = session;
        this.dir = dir;
    }

    /** Serves {@code dispatcher}'s commands on {@code in}/{@code out}; greets at once unless {@code held}. */
    public static QmpStdio start(Fabric fabric, QmpDispatcher dispatcher, InputStream in, OutputStream out,
                                 boolean held) {
        Path dir = null;
        QmpServer server = null;
        try {
            QmpEndpoint endpoint;
            if (Epoll.isAvailable()) {
                dir = Files.createTempDirectory("netfabric-qmp-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                endpoint = new QmpEndpoint.Unix(dir.resolve("stdio.sock"));
            } else {
                endpoint = new QmpEndpoint.Tcp("127.0.0.1", 0);
            }
            server = held ? QmpServer.startHeld(endpoint, fabric, dispatcher) : QmpServer.start(endpoint, fabric, dispatcher);
            SocketAddress bound = server.localAddress();
            SocketChannel session = bound instanceof DomainSocketAddress d
                    ? SocketChannel.open(UnixDomainSocketAddress.of(d.path()))
                    : SocketChannel.open(new InetSocketAddress("127.0.0.1", ((InetSocketAddress) bound).getPort()));
            QmpStdio stdio = new QmpStdio(server, session, dir);
            stdio.pump("netfabric-qmp-stdin", () -> copyIn(in, session));
            stdio.pump("netfabric-qmp-stdout", () -> copyOut(session, out));
            return stdio;
        } catch (IOException e) {
            if (server != null) {
                server.close();
            }
            deleteDir(dir);
            throw new UncheckedIOException(e);
        }
    }

    /** The server behind the session, to {@link QmpServer#open} a held one. */
    public QmpServer server() {
        return server;
    }

    private void pump(String name, IoTask task) {
        Thread t = new Thread(() -> {
            try {
                task.run();
            } catch (IOException e) {
                // The session or the stream closed: nothing more to copy.
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private interface IoTask {
        void run() throws IOException;
    }

    /** stdin to the session; at its end, the session's input ends (the server closes it after its replies). */
    private static void copyIn(InputStream in, SocketChannel session) throws IOException {
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) >= 0; ) {
            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
            while (b.hasRemaining()) {
                session.write(b);
            }
        }
        session.shutdownOutput();
    }

    /** The session's replies and events to stdout, flushed as they come. */
    private static void copyOut(SocketChannel session, OutputStream out) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (session.read(b) >= 0) {
            out.write(b.array(), 0, b.position());
            out.flush();
            b.clear();
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (IOException e) {
            // closing anyway
        }
        server.close();
        deleteDir(dir);
    }

    private static void deleteDir(Path dir) {
        if (dir != null) {
            try {
                Files.deleteIfExists(dir.resolve("stdio.sock"));
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // a temp directory left behind is harmless
            }
        }
    }
}
