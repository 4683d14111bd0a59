package io.netfabric.socket;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * The libc calls Netty does not expose: a descriptor's file status flags (for one it did not
 * open), {@code IPV6_V6ONLY}, bind/connect for a whole-length abstract unix address (Netty
 * refuses a path that fills sun_path), and Multipath TCP sockets (Netty opens plain TCP only).
 * Linux numbers. Public only because JNR-FFI generates its implementation in another class
 * loader; not API.
 */
public interface Libc {
    int F_GETFL = 3;
    int F_SETFL = 4;
    int O_NONBLOCK = 0x800;
    int IPPROTO_IPV6 = 41;
    int IPV6_V6ONLY = 26;

    int fcntl(int fd, int cmd, int arg);

    int setsockopt(int fd, int level, int optname, jnr.ffi.byref.IntByReference optval, int optlen);

    int socket(int domain, int type, int protocol);

    int getsockopt(int fd, int level, int optname, jnr.ffi.byref.IntByReference optval,
                   jnr.ffi.byref.IntByReference optlen);

    int bind(int fd, jnr.ffi.Pointer addr, int addrlen);

    int connect(int fd, jnr.ffi.Pointer addr, int addrlen);

    String strerror(int errnum);

    /** {@code setsockopt} of an int option; the errno's text as the exception's message. */
    static void setIntOption(int fd, int level, int name, int value) throws java.io.IOException {
        if (Holder.LIBC.setsockopt(fd, level, name, new jnr.ffi.byref.IntByReference(value), 4) != 0) {
            throw new java.io.IOException("setsockopt: " + Holder.LIBC.strerror(Holder.errno()));
        }
    }

    /** Loaded on first use, so a fabric without fd= netdevs never touches native code through JNR. */
    final class Holder {
        static final Libc LIBC = LibraryLoader.create(Libc.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

        private Holder() {
        }

        static int errno() {
            return RUNTIME.getLastError();
        }
    }
}
