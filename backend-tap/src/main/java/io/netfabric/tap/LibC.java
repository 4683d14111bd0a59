package io.netfabric.tap;

import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/**
 * The libc calls the tap needs, bound by JNR-FFI. Buffers on the frame path are passed as raw
 * addresses ({@code long}) of direct {@code ByteBuf}s so that no wrapper is allocated per call;
 * x86-64 and aarch64 pass a pointer and a 64-bit integer the same way. Every call saves errno
 * (JNR's default), read back with {@link Native#errno()} on the same thread.
 */
public interface LibC {
    int open(String path, int flags);

    int close(int fd);

    /** ioctl with an integer or an address argument (the kernel reads it as it wants). */
    int ioctl(int fd, long request, long arg);

    int fcntl(int fd, int cmd, int arg);

    long read(int fd, long buf, long count);

    long write(int fd, long buf, long count);

    long writev(int fd, long iov, int iovcnt);

    int poll(long fds, long nfds, int timeout);

    int eventfd(int initval, int flags);

    int socket(int domain, int type, int protocol);

    int socketpair(int domain, int type, int protocol, int[] sv);

    long recvmsg(int fd, long msg, int flags);

    int posix_spawn_file_actions_init(Pointer actions);

    int posix_spawn_file_actions_destroy(Pointer actions);

    int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newfd);

    int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

    int posix_spawnp(IntByReference pid, String file, Pointer actions, Pointer attr, String[] argv, String[] envp);

    int waitpid(int pid, IntByReference status, int options);

    String strerror(int errnum);

    /** The raw system call: changes the credentials of the calling thread only (tests). */
    long syscall(long number, long a, long b, long c);
}
