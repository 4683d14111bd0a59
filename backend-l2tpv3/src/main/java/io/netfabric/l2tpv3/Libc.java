package io.netfabric.l2tpv3;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.byref.PointerByReference;

/**
 * The few libc calls Java has no equivalent for: getaddrinfo with QEMU's hints and error
 * strings, raw IP sockets (protocol 115) and their batched reads. Linux x86-64/aarch64 numbers.
 * Public only because JNR-FFI generates its implementation in another class loader; not API.
 */
public interface Libc {
    int AF_INET = 2;
    int AF_INET6 = 10;
    int SOCK_DGRAM = 2;
    int SOCK_RAW = 3;
    /** IANA protocol number of L2TP over IP (RFC 3931 §4.1.1). */
    int IPPROTO_L2TP = 115;
    int SOL_SOCKET = 1;
    int SO_RCVTIMEO = 20;
    int SO_RCVBUF = 8;
    int SO_SNDBUF = 7;
    int F_GETFL = 3;
    int F_SETFL = 4;
    int O_NONBLOCK = 0x800;
    int MSG_DONTWAIT = 0x40;
    int MSG_TRUNC = 0x20;
    int MSG_WAITFORONE = 0x10000;
    int EINTR = 4;
    int EAGAIN = 11;
    int ENOBUFS = 105;
    int EMSGSIZE = 90;

    int getaddrinfo(String node, String service, @In Pointer hints, PointerByReference res);

    void freeaddrinfo(Pointer res);

    String gai_strerror(int code);

    int socket(int domain, int type, int protocol);

    int bind(int fd, @In Pointer addr, int addrlen);

    int fcntl(int fd, int cmd, int arg);

    int setsockopt(int fd, int level, int name, @In Pointer value, int len);

    long sendto(int fd, @In Pointer buf, long len, int flags, @In Pointer addr, int addrlen);

    long sendto(int fd, @In byte[] buf, long len, int flags, @In Pointer addr, int addrlen);

    int recvmmsg(int fd, Pointer msgvec, int vlen, int flags, Pointer timeout);

    int close(int fd);

    String strerror(int errnum);

    /** Loaded on first use, so a fabric without l2tpv3 netdevs never touches native code. */
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
