package io.netfabric.vde;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.Transport;
import io.netfabric.core.options.VdeOptions;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvdeplug's {@code vde_open} in Java, run once on the fabric's loop by the factory:
 * <ol>
 *   <li>connect a unix stream socket to the switch's {@code <sock>/ctl};</li>
 *   <li>bind our unix datagram socket at {@code <sock>/.<pid>-<seq>} (else in {@code /var/run},
 *       {@code /var/tmp}, {@code /tmp} as {@code vde.<pid>-<seq>}), chmod {@code mode}
 *       (default 0700), chgrp {@code group};</li>
 *   <li>send the {@link VdeRequest}, read the switch's answer, connect the datagram socket to
 *       the switch's socket for our port.</li>
 * </ol>
 * Any failure is QEMU's {@code Could not open vde: <strerror>} with everything opened so far
 * closed and our socket file removed.
 *
 * <p>vde_switch 2.3.2 never answers a request it refuses (a port above its {@code -n} count, a
 * full switch): QEMU then blocks forever. We wait {@link #replyTimeoutMillis()} and answer
 * {@code Connection timed out}.
 */
final class VdePlug {
    private static final Logger log = LoggerFactory.getLogger(VdePlug.class);
    /** QEMU's default {@code mode}, net/vde.c. */
    static final int DEFAULT_MODE = 0700;
    private static final List<Path> FALLBACK_DIRS = List.of(Path.of("/var/run"), Path.of("/var/tmp"), Path.of("/tmp"));
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    final EpollDomainDatagramChannel data;
    final EpollDomainSocketChannel control;
    final Path dataSocket;
    final String switchSocket;

    private VdePlug(EpollDomainDatagramChannel data, EpollDomainSocketChannel control, Path dataSocket, String switchSocket) {
        this.data = data;
        this.control = control;
        this.dataSocket = dataSocket;
        this.switchSocket = switchSocket;
    }

    static long replyTimeoutMillis() {
        return Long.getLong("netfabric.vde.replyTimeoutMillis", 5000);
    }

    static FabricException openFailed(String strerror) {
        return FabricException.generic("Could not open vde: " + strerror);
    }

    /** The strerror text at the end of Netty's native messages ({@code connect(..) failed: ...}). */
    static String strerror(Throwable e) {
        if (e instanceof java.io.FileNotFoundException && e.getMessage() == null) {
            // Netty's connect reports ENOENT as a bare FileNotFoundException.
            return "No such file or directory";
        }
        String m = String.valueOf(e.getMessage());
        int at = m.lastIndexOf(": ");
        return at < 0 ? m : m.substring(at + 2);
    }

    /** Opens a port on the switch; on the fabric's loop, under epoll. */
    static VdePlug open(Fabric fabric, VdeOptions o, Map<String, String> env) {
        if (fabric.transport() != Transport.EPOLL) {
            throw openFailed("unix datagram sockets need the native epoll transport");
        }
        Socket ctl = null;
        EpollDomainDatagramChannel data = null;
        Path bound = null;
        boolean done = false;
        try {
            Path dir = null;
            IOException last = null;
            for (Path d : VdeSwitchPaths.candidates(o.sock(), env)) {
                Socket s = Socket.newSocketDomain();
                try {
                    if (!s.connect(new DomainSocketAddress(VdeSwitchPaths.control(d).toString()))) {
                        // Non-blocking connect on a unix socket completes at once or not at all.
                        throw new IOException("connect(..) failed: Resource temporarily unavailable");
                    }
                    ctl = s;
                    dir = d;
                    break;
                } catch (IOException e) {
                    closeQuietly(s);
                    last = e;
                }
            }
            if (ctl == null) {
                throw openFailed(strerror(last));
            }
            data = new EpollDomainDatagramChannel();
            data.config().setAllocator(PooledByteBufAllocator.DEFAULT);
            data.config().setAutoRead(false);
            data.config().setAutoClose(false);
            // One datagram per frame; a slot holds QEMU's largest (NET_BUFSIZE), so none is cut.
            data.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(io.netfabric.core.NetClient.MAX_FRAME));
            data.config().setWriteBufferWaterMark(new WriteBufferWaterMark(256 * 1024, 512 * 1024));
            ChannelFuture reg = fabric.eventLoop().register(data);
            if (!reg.isSuccess()) {
                throw openFailed(strerror(reg.cause()));
            }
            bound = bind(data, dir);
            applyModeAndGroup(bound, o);
            VdeRequest req = new VdeRequest(o.port() == null ? 0 : o.port(), bound.toString(),
                    VdeSwitchPaths.description(env, ProcessHandle.current().pid()));
            String switchSocket = exchange(ctl, req);
            // create() runs on the loop, where a datagram connect completes before it returns.
            ChannelFuture c = data.connect(new DomainSocketAddress(switchSocket));
            if (!c.isSuccess()) {
                throw openFailed(strerror(c.cause()));
            }
            EpollDomainSocketChannel control = new EpollDomainSocketChannel(ctl.intValue(), true);
            ChannelFuture creg = fabric.eventLoop().register(control);
            if (!creg.isSuccess()) {
                throw openFailed(strerror(creg.cause()));
            }
            ctl = null; // the channel owns the fd now
            done = true;
            return new VdePlug(data, control, bound, switchSocket);
        } finally {
            if (!done) {
                if (data != null) {
                    data.close();
                }
                closeQuietly(ctl);
                if (bound != null) {
                    deleteQuietly(bound);
                }
            }
        }
    }

    /** Binds at the first free name in the switch's directory, else in the fallback directories. */
    private static Path bind(EpollDomainDatagramChannel data, Path dir) {
        long pid = ProcessHandle.current().pid();
        Throwable last = null;
        for (int attempt = 0; attempt < 1 + FALLBACK_DIRS.size(); attempt++) {
            int seq = SEQUENCE.getAndIncrement() % 100000;
            Path p = attempt == 0
                    ? dir.resolve(String.format(".%05d-%05d", pid, seq))
                    : FALLBACK_DIRS.get(attempt - 1).resolve(String.format("vde.%05d-%05d", pid, seq));
            if (!VdeRequest.fits(p.toString())) {
                last = new IOException("File name too long");
                continue;
            }
            ChannelFuture b = data.bind(new DomainSocketAddress(p.toString()));
            if (b.isSuccess()) {
                return p;
            }
            last = b.cause();
            log.debug("vde: could not bind {}: {}", p, last.toString());
        }
        throw openFailed(strerror(last));
    }

    private static void applyModeAndGroup(Path p, VdeOptions o) {
        int mode = o.mode() == null ? DEFAULT_MODE : o.mode();
        try {
            Files.setPosixFilePermissions(p, permissions(mode));
        } catch (IOException | UnsupportedOperationException e) {
            throw openFailed(e instanceof IOException io ? ioReason(io) : String.valueOf(e.getMessage()));
        }
        if (o.group() != null) {
            // libvdeplug: getgrnam, else a number; an unknown group leaves the file's group alone.
            try {
                GroupPrincipal g = p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(o.group());
                Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(g);
            } catch (IOException e) {
                log.debug("vde: group {} not applied to {}: {}", o.group(), p, e.toString());
            }
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(bits[i]);
            }
        }
        return s;
    }

    private static String ioReason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    /**
     * Sends the request and waits for the switch's answer. The only wait on the fabric's loop
     * in this backend: QEMU blocks here too, and a live switch answers within microseconds.
     */
    private static String exchange(Socket ctl, VdeRequest req) {
        ByteBuffer out = req.emit(ByteBuffer.allocateDirect(req.length()));
        out.flip();
        ByteBuffer in = ByteBuffer.allocateDirect(VdeRequest.SOCKADDR_UN);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(replyTimeoutMillis());
        try {
            while (out.hasRemaining()) {
                int n = ctl.send(out, out.position(), out.limit());
                if (n > 0) {
                    out.position(out.position() + n);
                } else {
                    pause(deadline);
                }
            }
            while (in.hasRemaining()) {
                int n = ctl.recv(in, in.position(), in.limit());
                if (n < 0) {
                    // The switch closed the connection without an answer.
                    throw openFailed("Connection reset by peer");
                }
                if (n > 0) {
                    in.position(in.position() + n);
                } else {
                    pause(deadline);
                }
            }
        } catch (Errors.NativeIoException e) {
            throw openFailed(strerror(e));
        } catch (IOException e) {
            throw openFailed(String.valueOf(e.getMessage()));
        }
        in.flip();
        String path = VdeRequest.parseReply(in);
        if (path == null) {
            throw openFailed("Protocol error");
        }
        return path;
    }

    private static void pause(long deadline) {
        if (System.nanoTime() - deadline > 0) {
            throw openFailed("Connection timed out");
        }
        try {
            Thread.sleep(0, 200_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw openFailed("Interrupted system call");
        }
    }

    static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                log.debug("vde: close: {}", e.toString());
            }
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.debug("vde: could not remove {}: {}", p, e.toString());
        }
    }
}
