package io.netfabric.tap;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * The bound libc and the constants of the Linux x86-64/aarch64 ABI the tap uses (behaviour
 * notes §4.1; {@code linux/if_tun.h}, {@code linux/sockios.h}).
 */
public final class Native {
    public static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int EBADFD = 77;
    public static final int EIO = 5;
    public static final int ENOENT = 2;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int EBUSY = 16;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;
    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;
    public static final int AF_UNIX = 1;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_CLOEXEC = 0x80000;

    /** {@code struct ifreq}: {@code ifr_name[IFNAMSIZ]} then a 24-byte union. */
    public static final int IFREQ_SIZE = 40;
    public static final int IFNAMSIZ = 16;

    private Native() {
    }

    /** errno of this thread's last JNR call. */
    public static int errno() {
        return RUNTIME.getLastError();
    }

    /** {@code strerror(errno)}: the text QEMU's {@code error_setg_errno} appends. */
    public static String strerror(int errno) {
        return LIBC.strerror(errno);
    }

    public static Runtime runtime() {
        return RUNTIME;
    }
}
