package io.netfabric.tap;

import static io.netfabric.tap.Native.LIBC;

import io.netfabric.core.FabricException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/**
 * QEMU net/tap.c {@code net_bridge_run_helper}: runs a bridge helper
 * ({@code qemu-bridge-helper} or a command) with {@code --use-vnet --fd=N --br=BR} and takes the
 * tap fd it sends back over the socketpair as {@code SCM_RIGHTS} with one data byte (§4.5).
 *
 * <p>The child gets its end of the socketpair as fd 3 and nothing else above stderr
 * ({@code posix_spawn} with dup2 and closefrom), as QEMU's child closes every fd but its own.
 */
final class BridgeHelper {
    /** Debian's {@code <libexecdir>/qemu-bridge-helper}. */
    static final String DEFAULT_HELPER = "/usr/lib/qemu/qemu-bridge-helper";
    static final String DEFAULT_BRIDGE = "br0";
    private static final int CHILD_FD = 3;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int ENOMEM = 12;

    private BridgeHelper() {
    }

    static List<String> argv(String helper, String bridge) {
        String fdArg = "--fd=" + CHILD_FD;
        if (helper.indexOf(' ') >= 0 || helper.indexOf('\t') >= 0) {
            // QEMU: a helper with blanks is a command for /bin/sh; --br= only if it has none.
            String br = helper.contains("--br=") ? "" : "--br=" + bridge;
            return List.of("sh", "-c", helper + " --use-vnet " + fdArg + " " + br);
        }
        return List.of(helper, "--use-vnet", fdArg, "--br=" + bridge);
    }

    /** Runs the helper and answers the tap fd it sent. */
    static int run(String helper, String bridge) {
        int[] sv = new int[2];
        if (LIBC.socketpair(Native.AF_UNIX, Native.SOCK_STREAM, 0, sv) != 0) {
            throw TapDevice.errno("socketpair() failed", Native.errno());
        }
        int pid;
        try {
            pid = spawn(argv(helper, bridge), sv[1]);
        } finally {
            LIBC.close(sv[1]);
        }
        if (pid < 0) {
            LIBC.close(sv[0]);
            if (-pid == Native.EAGAIN || -pid == ENOMEM) {
                throw TapDevice.errno("Can't fork bridge helper", -pid);
            }
            // posix_spawn reports the child's failed exec too; QEMU's forked child then just
            // exits 1 and the parent says the helper failed (checked with a missing helper).
            throw FabricException.generic("bridge helper failed");
        }
        int fd;
        int savedErrno;
        do {
            fd = receiveFd(sv[0]);
            savedErrno = Native.errno();
        } while (fd == -1 && savedErrno == Native.EINTR);
        LIBC.close(sv[0]);
        IntByReference status = new IntByReference();
        while (LIBC.waitpid(pid, status, 0) != pid) {
            if (Native.errno() != Native.EINTR) {
                break;
            }
        }
        if (fd == -1) {
            throw TapDevice.errno("failed to recv file descriptor", savedErrno);
        }
        int st = status.intValue();
        boolean exitedZero = (st & 0x7F) == 0 && ((st >> 8) & 0xFF) == 0;
        if (fd == -2 || !exitedZero) {
            if (fd >= 0) {
                LIBC.close(fd);
            }
            throw FabricException.generic("bridge helper failed");
        }
        return fd;
    }

    /** Answers the child's pid, or minus errno. */
    private static int spawn(List<String> argv, int childEnd) {
        Pointer actions = Memory.allocateDirect(Native.runtime(), 256, true);
        LIBC.posix_spawn_file_actions_init(actions);
        try {
            LIBC.posix_spawn_file_actions_adddup2(actions, childEnd, CHILD_FD);
            LIBC.posix_spawn_file_actions_addclosefrom_np(actions, CHILD_FD + 1);
            List<String> env = new ArrayList<>();
            for (Map.Entry<String, String> e : System.getenv().entrySet()) {
                env.add(e.getKey() + "=" + e.getValue());
            }
            IntByReference pid = new IntByReference();
            String file = argv.get(0).equals("sh") ? "/bin/sh" : argv.get(0);
            int rc = LIBC.posix_spawnp(pid, file, actions, null, argv.toArray(String[]::new), env.toArray(String[]::new));
            return rc == 0 ? pid.intValue() : -rc;
        } finally {
            LIBC.posix_spawn_file_actions_destroy(actions);
        }
    }

    /**
     * {@code recv_fd}: one byte with an SCM_RIGHTS message. Answers the fd, -1 on error (errno
     * set), -2 when the helper closed its end without sending one.
     */
    private static int receiveFd(int sock) {
        // struct msghdr (56) | struct iovec (16) | data (8) | cmsg buffer CMSG_SPACE(sizeof(int)) (24)
        ByteBuf mem = Unpooled.directBuffer(128).writeZero(128);
        try {
            long base = mem.memoryAddress();
            long iov = base + 56;
            long data = base + 72;
            long control = base + 80;
            mem.setLongLE(16, iov);        // msg_iov
            mem.setLongLE(24, 1);          // msg_iovlen
            mem.setLongLE(32, control);    // msg_control
            mem.setLongLE(40, 24);         // msg_controllen
            mem.setLongLE(56, data);       // iov_base
            mem.setLongLE(64, 1);          // iov_len
            long n = LIBC.recvmsg(sock, base, 0);
            if (n < 0) {
                return -1;
            }
            if (n == 0 || mem.getLongLE(40) < 20) {
                return -2;
            }
            if (mem.getIntLE(88) != SOL_SOCKET || mem.getIntLE(92) != SCM_RIGHTS) {
                return -2;
            }
            return mem.getIntLE(96);
        } finally {
            mem.release();
        }
    }
}
