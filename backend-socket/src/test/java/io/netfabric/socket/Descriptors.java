package io.netfabric.socket;

import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.Out;

/**
 * Raw descriptors made in this JVM, as a parent process would hand them over: socketpairs (JNR),
 * and blocking/non-blocking I/O on the test's end through Netty's {@link Socket}.
 */
final class Descriptors {
    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_SEQPACKET = 5;

    /** Public for JNR's generated class. */
    public interface Calls {
        int socketpair(int domain, int type, int protocol, @Out int[] sv);
    }

    private static final Calls CALLS = LibraryLoader.create(Calls.class).load("c");

    private Descriptors() {
    }

    /** Two connected unix sockets, blocking, as a parent would pass them. */
    static int[] socketpair(int type) {
        int[] sv = new int[2];
        if (CALLS.socketpair(AF_UNIX, type, 0, sv) != 0) {
            throw new IllegalStateException("socketpair failed");
        }
        return sv;
    }

    /** What {@code fd} refers to now ("socket:[inode]", "pipe:[inode]"), or null when it is closed. */
    static String identity(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Whether {@code fd} still refers to the object {@link #identity} named. A closed number may be
     * taken at once by another thread of this JVM (a class loader opening a jar, an event loop's
     * socket), so its bare existence says nothing.
     */
    static boolean isOpen(int fd, String identity) {
        return identity.equals(identity(fd));
    }

    static void close(int fd) {
        try {
            new FileDescriptor(fd).close();
        } catch (IOException e) {
            // already closed
        }
    }

    static void setNonBlocking(int fd) {
        Libc libc = Libc.Holder.LIBC;
        libc.fcntl(fd, Libc.F_SETFL, libc.fcntl(fd, Libc.F_GETFL, 0) | Libc.O_NONBLOCK);
    }

    static boolean isNonBlocking(int fd) {
        return (Libc.Holder.LIBC.fcntl(fd, Libc.F_GETFL, 0) & Libc.O_NONBLOCK) != 0;
    }

    /** One send(): a datagram, or bytes of a stream (all of them on a socket with room). */
    static void send(int fd, byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(b.length).put(b).flip();
        int n = new Socket(fd).send(buf, 0, b.length);
        if (n != b.length) {
            throw new IOException("short send: " + n);
        }
    }

    /** One recv() on a non-blocking socket, waiting up to {@code millis}; null when nothing came. */
    static byte[] recv(int fd, int max, long millis) throws IOException, InterruptedException {
        ByteBuffer buf = ByteBuffer.allocateDirect(max);
        long end = System.currentTimeMillis() + millis;
        Socket s = new Socket(fd);
        while (System.currentTimeMillis() < end) {
            int n = s.recv(buf, 0, max);
            if (n > 0) {
                byte[] b = new byte[n];
                buf.get(0, b);
                return b;
            }
            if (n < 0) {
                return null;   // end of stream
            }
            Thread.sleep(5);
        }
        return null;
    }

    /** Exactly {@code n} bytes of a non-blocking stream, within {@code millis}. */
    static byte[] recvExactly(int fd, int n, long millis) throws IOException, InterruptedException {
        byte[] out = new byte[n];
        int got = 0;
        long end = System.currentTimeMillis() + millis;
        while (got < n) {
            byte[] part = recv(fd, n - got, Math.max(1, end - System.currentTimeMillis()));
            if (part == null) {
                throw new IOException("only " + got + " of " + n + " bytes came");
            }
            System.arraycopy(part, 0, out, got, part.length);
            got += part.length;
        }
        return out;
    }
}
