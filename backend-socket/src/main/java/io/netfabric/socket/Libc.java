package io.netfabric.socket;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * The libc calls Netty does not expose for a descriptor it did not open: its file status flags.
 * Linux numbers. Public only because JNR-FFI generates its implementation in another class
 * loader; not API.
 */
public interface Libc {
    int F_GETFL = 3;
    int F_SETFL = 4;
    int O_NONBLOCK = 0x800;

    int fcntl(int fd, int cmd, int arg);

    String strerror(int errnum);

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
