package io.netfabric.user;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.function.Consumer;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP socket's error queue (Linux {@code IP_RECVERR}, {@code IPV6_RECVERR}; ip(7), ipv6(7)):
 * the ICMP and ICMPv6 errors the host gets about datagrams one unprivileged socket sent, each
 * with the destination it was sent to, read with {@code recvmsg(MSG_ERRQUEUE)}. libslirp 4.4+
 * gets its UDP errors the same way; without it only a raw socket (CAP_NET_RAW) sees them.
 *
 * <p>One instance per netdev, used on its loop thread only: the buffers are reused per call.
 */
final class UdpErrorQueue {
    private static final Logger log = LoggerFactory.getLogger(UdpErrorQueue.class);
    private static final int SOL_IP = 0;
    private static final int IP_RECVERR = 11;
    private static final int SOL_IPV6 = 41;
    private static final int IPV6_RECVERR = 25;
    private static final int MSG_ERRQUEUE = 0x2000;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SO_EE_ORIGIN_ICMP = 2;
    private static final int SO_EE_ORIGIN_ICMP6 = 3;
    /** Errors read per call: a queue can only hold what fits in the socket's receive buffer. */
    private static final int MAX_PER_DRAIN = 64;

    // x86-64 and aarch64 LP64 layouts: struct msghdr (56 octets), struct iovec (16), struct
    // cmsghdr (16, data after it), struct sock_extended_err (16).
    private static final int MSG_NAME = 0;
    private static final int MSG_NAMELEN = 8;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_CONTROL = 32;
    private static final int MSG_CONTROLLEN = 40;
    private static final int MSGHDR_SIZE = 56;
    private static final int NAME_SIZE = 28;
    private static final int CONTROL_SIZE = 256;
    private static final int DATA_SIZE = 64;

    /** The libc calls used here. */
    public interface LibC {
        int setsockopt(int fd, int level, int name, byte[] value, int len);

        long recvmsg(int fd, Pointer msg, int flags);
    }

    /**
     * One ICMP ({@code icmpv6} false) or ICMPv6 error about a datagram sent to
     * {@code destination}; {@code quotedLength} is how much of its payload the error quoted.
     */
    record Error(InetSocketAddress destination, boolean icmpv6, int type, int code, int quotedLength) {
    }

    private static LibC libc;
    private static boolean unavailable;

    private final Pointer msg;
    private final Pointer name;
    private final Pointer control;
    private final Pointer iov;
    private final Pointer data;

    private UdpErrorQueue(Runtime runtime) {
        msg = Memory.allocateDirect(runtime, MSGHDR_SIZE);
        name = Memory.allocateDirect(runtime, NAME_SIZE);
        control = Memory.allocateDirect(runtime, CONTROL_SIZE);
        iov = Memory.allocateDirect(runtime, 16);
        data = Memory.allocateDirect(runtime, DATA_SIZE);
        iov.putAddress(0, data.address());
        iov.putLong(8, DATA_SIZE);
    }

    /** A queue reader, or null when libc cannot be reached through JNR-FFI (then raw sockets serve). */
    static synchronized UdpErrorQueue create() {
        if (unavailable) {
            return null;
        }
        try {
            if (libc == null) {
                libc = LibraryLoader.create(LibC.class).load("c");
            }
            return new UdpErrorQueue(Runtime.getRuntime(libc));
        } catch (RuntimeException | LinkageError e) {
            unavailable = true;
            log.debug("no libc through JNR-FFI for IP_RECVERR: {}", e.toString());
            return null;
        }
    }

    /**
     * Asks the kernel to queue errors for {@code fd}: {@code IP_RECVERR} (IPv4, also an IPv6
     * socket's IPv4-mapped peers) and, on an IPv6 socket, {@code IPV6_RECVERR}.
     *
     * @return whether the socket now queues its errors
     */
    boolean enable(int fd, boolean ipv6Socket) {
        byte[] one = {1, 0, 0, 0};
        boolean v4 = libc.setsockopt(fd, SOL_IP, IP_RECVERR, one, 4) == 0;
        boolean v6 = !ipv6Socket || libc.setsockopt(fd, SOL_IPV6, IPV6_RECVERR, one, 4) == 0;
        return v4 && v6;
    }

    /** Reads every queued error of {@code fd} and hands the ICMP ones to {@code sink}; returns how many were read. */
    int drain(int fd, Consumer<Error> sink) {
        int n = 0;
        while (n < MAX_PER_DRAIN) {
            msg.setMemory(0, MSGHDR_SIZE, (byte) 0);
            msg.putAddress(MSG_NAME, name.address());
            msg.putInt(MSG_NAMELEN, NAME_SIZE);
            msg.putAddress(MSG_IOV, iov.address());
            msg.putLong(MSG_IOVLEN, 1);
            msg.putAddress(MSG_CONTROL, control.address());
            msg.putLong(MSG_CONTROLLEN, CONTROL_SIZE);
            long r = libc.recvmsg(fd, msg, MSG_ERRQUEUE | MSG_DONTWAIT);
            if (r < 0) {
                break;
            }
            n++;
            Error e = parse((int) r);
            if (e != null) {
                sink.accept(e);
            }
        }
        return n;
    }

    private Error parse(int quotedLength) {
        InetSocketAddress destination = socketAddress(name, 0);
        long controlLength = msg.getLong(MSG_CONTROLLEN);
        for (int at = 0; at + 16 <= controlLength; ) {
            long len = control.getLong(at);
            if (len < 16 || at + len > controlLength) {
                return null;
            }
            int level = control.getInt(at + 8);
            int type = control.getInt(at + 12);
            if ((level == SOL_IP && type == IP_RECVERR) || (level == SOL_IPV6 && type == IPV6_RECVERR)) {
                if (len < 16 + 16) {
                    return null;
                }
                int ee = at + 16;
                int origin = control.getByte(ee + 4) & 0xFF;
                if (origin != SO_EE_ORIGIN_ICMP && origin != SO_EE_ORIGIN_ICMP6 || destination == null) {
                    return null;   // a local error (EMSGSIZE and such): not the guest's to see
                }
                return new Error(destination, origin == SO_EE_ORIGIN_ICMP6, control.getByte(ee + 5) & 0xFF,
                        control.getByte(ee + 6) & 0xFF, quotedLength);
            }
            at += (int) ((len + 7) & ~7L);
        }
        return null;
    }

    private static InetSocketAddress socketAddress(Pointer p, int at) {
        int family = p.getShort(at) & 0xFFFF;
        int port = Short.toUnsignedInt(Short.reverseBytes(p.getShort(at + 2)));
        byte[] a;
        if (family == AF_INET) {
            a = new byte[4];
            p.get(at + 4, a, 0, 4);
        } else if (family == AF_INET6) {
            a = new byte[16];
            p.get(at + 8, a, 0, 16);
        } else {
            return null;
        }
        try {
            // An IPv4-mapped IPv6 address comes back as an Inet4Address.
            return new InetSocketAddress(InetAddress.getByAddress(a), port);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
