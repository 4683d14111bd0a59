package io.netfabric.testkit.sockets;

import java.nio.charset.StandardCharsets;
import jnr.ffi.LibraryLoader;
import jnr.ffi.byref.IntByReference;

/**
 * A TCP socket's congestion control as the kernel records it ({@code TCP_CONGESTION}), read and
 * set by descriptor: what tests of netfabric's choice (fabric-core's SameHostCongestion) check.
 */
public final class TcpCongestion {
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_CONGESTION = 13;
    /** TCP_CA_NAME_MAX. */
    private static final int NAME_MAX = 16;

    /** The two libc calls. Public only because JNR-FFI generates its implementation in another class loader. */
    public interface Calls {
        int getsockopt(int fd, int level, int optname, byte[] optval, IntByReference optlen);

        int setsockopt(int fd, int level, int optname, byte[] optval, int optlen);
    }

    private static final Calls LIBC = LibraryLoader.create(Calls.class).load("c");

    private TcpCongestion() {
    }

    /** The algorithm of socket {@code fd}; fails when {@code fd} is not a TCP socket. */
    public static String of(int fd) {
        byte[] b = new byte[NAME_MAX];
        IntByReference len = new IntByReference(NAME_MAX);
        if (LIBC.getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, b, len) != 0) {
            throw new IllegalStateException("getsockopt(TCP_CONGESTION) failed on " + fd);
        }
        int n = 0;
        while (n < Math.min(len.getValue(), NAME_MAX) && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    /** Sets {@code name} on {@code fd} as the system would have; false when the kernel refuses it. */
    public static boolean set(int fd, String name) {
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        return LIBC.setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, b, b.length) == 0;
    }
}
