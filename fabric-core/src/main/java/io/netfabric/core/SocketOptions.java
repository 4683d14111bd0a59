package io.netfabric.core;

import java.io.IOException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * {@code setsockopt(2)} by descriptor for the options Netty has no name for: those whose value is
 * a string or a structure ({@code TCP_CONGESTION}, {@code ip_mreq}, {@code in_addr}), through
 * JNR-FFI, loaded at the first use. Linux numbers.
 */
public final class SocketOptions {
    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_TCP = 6;
    public static final int TCP_CONGESTION = 13;
    public static final int IP_MULTICAST_IF = 32;
    public static final int IP_MULTICAST_LOOP = 34;
    public static final int IP_ADD_MEMBERSHIP = 35;

    private SocketOptions() {
    }

    /** Sets option {@code name} of {@code level} on {@code fd} to {@code value}; throws with the errno's text. */
    public static void set(int fd, int level, int name, byte[] value) throws IOException {
        if (Calls.Holder.LIBC.setsockopt(fd, level, name, value, value.length) != 0) {
            throw new IOException(Calls.Holder.LIBC.strerror(Calls.Holder.RUNTIME.getLastError()));
        }
    }

    /** The libc calls. Public only because JNR-FFI generates its implementation in another class loader; not API. */
    public interface Calls {
        int setsockopt(int fd, int level, int optname, byte[] optval, int optlen);

        String strerror(int errnum);

        /** Loaded at the first option set. */
        final class Holder {
            static final Calls LIBC = LibraryLoader.create(Calls.class).load("c");
            static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

            private Holder() {
            }
        }
    }
}
