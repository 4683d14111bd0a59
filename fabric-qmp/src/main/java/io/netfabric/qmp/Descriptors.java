package io.netfabric.qmp;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The libc calls behind descriptor passing on a unix monitor socket: {@code recvmsg(2)} with
 * room for {@code SCM_RIGHTS} (Netty's domain channels read either bytes or descriptors, never
 * both from one message, which is how clients send {@code getfd}'s descriptor), {@code dup} and
 * {@code close}. Linux LP64 layouts ({@code struct msghdr}, {@code iovec}, {@code cmsghdr}).
 */
final class Descriptors {
    static final int EAGAIN = 11;
    static final int EINTR = 4;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_DONTWAIT = 0x40;
    /** Received descriptors are close-on-exec (as QEMU's qio_channel_socket_readv asks), so a guestfwd command never inherits one. */
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    /** chardev/char-socket.c {@code TCP_MAX_FDS}: more in one message are closed by the kernel. */
    static final int MAX_FDS = 16;
    private static final int CMSG_HEADER = 16;
    private static final int MSGHDR = 56;
    private static final int IOVEC = 16;
    private static final int CONTROL = CMSG_HEADER + MAX_FDS * 4;

    /** Public only because JNR-FFI implements it in another class loader; not API. */
    public interface Libc {
        @jnr.ffi.types.ssize_t long recvmsg(int fd, Pointer msg, int flags);

        int dup(int fd);

        int close(int fd);

        String strerror(int errnum);
    }

    private static final class Holder {
        static final Libc LIBC = LibraryLoader.create(Libc.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }

    private Descriptors() {
    }

    /**
     * Binds libc now, on a thread of its own: JNR-FFI generates the binding on first use, about
     * half a second on a cold JVM, which the first client of a unix monitor would otherwise wait.
     */
    static void bindInBackground() {
        Thread t = new Thread(() -> Holder.LIBC.getClass(), "netfabric-libc-binding");
        t.setDaemon(true);
        t.start();
    }

    static int dup(int fd) {
        int d = Holder.LIBC.dup(fd);
        if (d < 0) {
            throw new IllegalStateException("dup: " + Holder.LIBC.strerror(Holder.RUNTIME.getLastError()));
        }
        return d;
    }

    static void close(int fd) {
        Holder.LIBC.close(fd);
    }

    static int errno() {
        return Holder.RUNTIME.getLastError();
    }

    static String strerror(int errno) {
        return Holder.LIBC.strerror(errno);
    }

    /** One {@code recvmsg} buffer set: header, one iovec, control space, {@code size} data bytes. Not thread-safe. */
    static final class Receiver {
        private final Pointer block;
        private final int size;
        private int[] fds = new int[0];

        Receiver(int size) {
            this.size = size;
            block = Memory.allocateDirect(Holder.RUNTIME, MSGHDR + IOVEC + CONTROL + size);
            long base = block.address();
            block.putAddress(16, base + MSGHDR);                    // msg_iov
            block.putLong(24, 1);                                   // msg_iovlen
            block.putAddress(32, base + MSGHDR + IOVEC);            // msg_control
            block.putAddress(MSGHDR, base + MSGHDR + IOVEC + CONTROL);   // iov_base
            block.putLong(MSGHDR + 8, size);                        // iov_len
        }

        /**
         * One non-blocking {@code recvmsg}: the byte count (0 at end of stream), or minus the
         * errno. The descriptors that came with the bytes are in {@link #fds()} until the next call.
         */
        int receive(int fd) {
            block.putLong(40, CONTROL);   // msg_controllen, which the kernel shrinks
            block.putInt(48, 0);
            long n = Holder.LIBC.recvmsg(fd, block, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
            if (n < 0) {
                fds = new int[0];
                return -errno();
            }
            fds = parseRights();
            return (int) n;
        }

        int[] fds() {
            return fds;
        }

        /** Copies the first {@code n} received bytes out. */
        byte[] bytes(int n) {
            byte[] b = new byte[n];
            block.get(MSGHDR + IOVEC + CONTROL, b, 0, n);
            return b;
        }

        private int[] parseRights() {
            long controlLen = block.getLong(40);
            int[] out = new int[0];
            int at = 0;
            while (at + CMSG_HEADER <= controlLen) {
                int off = MSGHDR + IOVEC + at;
                long len = block.getLong(off);
                if (len < CMSG_HEADER) {
                    break;
                }
                if (block.getInt(off + 8) == SOL_SOCKET && block.getInt(off + 12) == SCM_RIGHTS) {
                    int count = (int) ((len - CMSG_HEADER) / 4);
                    int[] more = new int[out.length + count];
                    System.arraycopy(out, 0, more, 0, out.length);
                    for (int i = 0; i < count; i++) {
                        more[out.length + i] = block.getInt(off + CMSG_HEADER + 4L * i);
                    }
                    out = more;
                }
                at += (int) ((len + 7) & ~7L);   // CMSG_ALIGN
            }
            return out;
        }
    }
}
