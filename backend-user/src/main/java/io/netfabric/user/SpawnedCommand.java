package io.netfabric.user;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command on one end of a TCP connection over 127.0.0.1, as libslirp's
 * fork_exec starts a guestfwd {@code cmd:} and QEMU's {@code smb=} smbd (its
 * slirp_socketpair_with_oob): the socket is the child's stdin, stdout and stderr, and the other
 * end is the guest's connection. A TCP socket, not pipes or a Unix socket pair: smbd serves one
 * connection (inetd mode) only when its stdin is a socket with an internet peer address (with a
 * pipe it turns daemon; with a Unix socket its get_remote_hostname fails and it ends); and the
 * guest's FIN becomes {@code shutdown(SHUT_WR)} on the descriptor the child also writes to.
 * As libslirp 4.7, no shell runs it: the caller cuts the line into arguments as
 * g_shell_parse_argv cuts it ({@link io.netfabric.user.forward.ShellArgv}) and the program is
 * looked up on PATH.
 *
 * <p>Java's ProcessBuilder gives a child pipes only, so the child is made with posix_spawn
 * through JNR-FFI: in a session of its own (as libslirp's child calls setsid()), the socket
 * dup'ed to 0, 1 and 2, every other descriptor closed
 * ({@code posix_spawn_file_actions_addclosefrom_np}, glibc 2.34), and a daemon thread waits
 * for it (waitpid) so that none is left a zombie.
 */
final class SpawnedCommand {
    private static final Logger log = LoggerFactory.getLogger(SpawnedCommand.class);
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int O_NONBLOCK = 0x800;
    /** glibc's posix_spawn_file_actions_t is 80 octets on 64-bit Linux; room to spare. */
    private static final int FILE_ACTIONS_SIZE = 256;
    /** glibc's posix_spawnattr_t is 336 octets on 64-bit Linux. */
    private static final int ATTR_SIZE = 1024;
    /** glibc 2.26: the child calls setsid(), as libslirp's fork_exec child does. */
    private static final short POSIX_SPAWN_SETSID = 0x80;

    /** The libc calls used here. */
    public interface LibC {
        int fcntl(int fd, int cmd, int arg);

        int posix_spawn_file_actions_init(Pointer actions);

        int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newfd);

        int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

        int posix_spawn_file_actions_destroy(Pointer actions);

        int posix_spawnattr_init(Pointer attr);

        int posix_spawnattr_setflags(Pointer attr, short flags);

        int posix_spawnattr_destroy(Pointer attr);

        int posix_spawnp(IntByReference pid, String file, Pointer actions, Pointer attr, Pointer argv, Pointer envp);

        int waitpid(int pid, IntByReference status, int options);

        int close(int fd);

        String strerror(int errno);
    }

    private static LibC libc;
    private static Runtime runtime;

    private SpawnedCommand() {
    }

    private static synchronized LibC libc() {
        if (libc == null) {
            libc = LibraryLoader.create(LibC.class).load("c");
            runtime = Runtime.getRuntime(libc);
        }
        return libc;
    }

    /**
     * Starts the program {@code words} name (looked up on PATH) and answers the parent's end of
     * its socket, non-blocking for an epoll channel. Throws IOException when the connection or
     * the process cannot be made (a program not found included), and
     * UnsupportedOperationException when this libc lacks the calls (glibc before 2.34 has no
     * addclosefrom_np).
     */
    static int start(List<String> words) throws IOException {
        try {
            return spawn(words);
        } catch (LinkageError e) {
            throw new UnsupportedOperationException("posix_spawn through JNR-FFI: " + e, e);
        }
    }

    private static int spawn(List<String> words) throws IOException {
        LibC c;
        try {
            c = libc();
        } catch (RuntimeException | LinkageError e) {
            throw new UnsupportedOperationException("no libc through JNR-FFI: " + e, e);
        }
        int[] sv = LoopbackPair.open();
        // The child's end blocking, as a process expects its standard streams.
        int flags = c.fcntl(sv[1], F_GETFL, 0);
        if (flags < 0 || c.fcntl(sv[1], F_SETFL, flags & ~O_NONBLOCK) < 0) {
            c.close(sv[0]);
            c.close(sv[1]);
            throw new IOException("fcntl: " + c.strerror(runtime.getLastError()));
        }
        Pointer actions = Memory.allocateDirect(runtime, FILE_ACTIONS_SIZE);
        c.posix_spawn_file_actions_init(actions);
        Pointer attr = Memory.allocateDirect(runtime, ATTR_SIZE);
        c.posix_spawnattr_init(attr);
        boolean started = false;
        try {
            // A session of its own: smbd signals its process group as it ends, which was ours.
            check(c, c.posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSID), "setflags");
            for (int target = 0; target <= 2; target++) {
                check(c, c.posix_spawn_file_actions_adddup2(actions, sv[1], target), "adddup2");
            }
            check(c, c.posix_spawn_file_actions_addclosefrom_np(actions, 3), "addclosefrom_np");
            List<Pointer> keep = new ArrayList<>();
            Pointer argv = strings(words, keep);
            List<String> env = new ArrayList<>();
            for (Map.Entry<String, String> e : System.getenv().entrySet()) {
                env.add(e.getKey() + "=" + e.getValue());
            }
            Pointer envp = strings(env, keep);
            IntByReference pid = new IntByReference();
            int rc = c.posix_spawnp(pid, words.get(0), actions, attr, argv, envp);
            if (rc != 0) {
                throw new IOException(words.get(0) + ": " + c.strerror(rc));
            }
            started = true;
            reapWhenDone(c, pid.intValue(), words.get(0));
            return sv[0];
        } finally {
            if (!started) {
                c.close(sv[0]);
            }
            c.close(sv[1]);
            c.posix_spawn_file_actions_destroy(actions);
            c.posix_spawnattr_destroy(attr);
        }
    }

    private static void check(LibC c, int rc, String what) throws IOException {
        if (rc != 0) {
            throw new IOException("posix_spawn " + what + ": " + c.strerror(rc));
        }
    }

    /** A NULL-terminated array of C strings; {@code keep} holds the memory until the spawn. */
    private static Pointer strings(List<String> values, List<Pointer> keep) {
        int size = runtime.addressSize();
        Pointer array = Memory.allocateDirect(runtime, (values.size() + 1) * size, true);
        for (int i = 0; i < values.size(); i++) {
            byte[] b = values.get(i).getBytes(StandardCharsets.UTF_8);
            Pointer s = Memory.allocateDirect(runtime, b.length + 1, true);
            s.put(0, b, 0, b.length);
            keep.add(s);
            array.putPointer((long) i * size, s);
        }
        keep.add(array);
        return array;
    }

    private static void reapWhenDone(LibC c, int pid, String command) {
        Thread t = new Thread(() -> {
            IntByReference status = new IntByReference();
            if (c.waitpid(pid, status, 0) == pid) {
                log.debug("command {} (pid {}) ended, status {}", command, pid, status.intValue());
            }
        }, "netfabric-cmd-" + pid);
        t.setDaemon(true);
        t.start();
    }

    /** A connected TCP pair over 127.0.0.1 through Netty's native sockets (close-on-exec, non-blocking). */
    private static final class LoopbackPair extends io.netty.channel.unix.Socket {
        private LoopbackPair(int fd) {
            super(fd);
        }

        /** {client, accepted}; the listener is closed again. */
        static int[] open() throws IOException {
            LoopbackPair listener = new LoopbackPair(newSocketStream0(false));
            LoopbackPair client = null;
            try {
                listener.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
                listener.listen(1);
                client = new LoopbackPair(newSocketStream0(false));
                client.connect(listener.localAddress());   // completes inside connect(2) over loopback
                byte[] addr = new byte[26];
                for (int i = 0; i < 1000; i++) {
                    int fd = listener.accept(addr);
                    if (fd >= 0) {
                        int[] pair = {client.intValue(), fd};
                        client = null;
                        return pair;
                    }
                    Thread.onSpinWait();
                }
                throw new IOException("the loopback connection for a command was not accepted");
            } finally {
                listener.close();
                if (client != null) {
                    client.close();
                }
            }
        }
    }
}
