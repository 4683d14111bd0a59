package io.netfabric.user;

import io.netfabric.core.Fabric;
import io.netfabric.user.nat.HostIcmp;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.LongSupplier;
import jnr.ffi.LibraryLoader;
import jnr.ffi.byref.IntByReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter from {@link HostIcmp} to the kernel's ICMP sockets through JNR-FFI: an
 * unprivileged ping socket ({@code SOCK_DGRAM}, {@code IPPROTO_ICMP}/{@code IPPROTO_ICMPV6})
 * when {@code net.ipv4.ping_group_range} allows it, else a raw socket (CAP_NET_RAW). A daemon
 * thread per socket blocks in {@code recvfrom} (with a receive timeout so that close ends it)
 * and hands replies to the fabric's loop.
 */
final class NativeIcmp implements HostIcmp {
    private static final Logger log = LoggerFactory.getLogger(NativeIcmp.class);
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_RAW = 3;
    private static final int IPPROTO_ICMP = 1;
    private static final int IPPROTO_ICMPV6 = 58;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int ENETUNREACH = 101;

    /** The libc calls used here. */
    public interface LibC {
        int socket(int domain, int type, int protocol);

        int close(int fd);

        int setsockopt(int fd, int level, int name, byte[] value, int len);

        long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen);

        long recvfrom(int fd, byte[] buf, long len, int flags, byte[] addr, IntByReference addrlen);
    }

    private static LibC libc;

    private final Fabric fabric;
    private final LongSupplier clock;
    private final Runnable afterEvent;

    NativeIcmp(Fabric fabric, LongSupplier clock, Runnable afterEvent) {
        this.fabric = fabric;
        this.clock = clock;
        this.afterEvent = afterEvent;
    }

    private static synchronized LibC libc() {
        if (libc == null) {
            libc = LibraryLoader.create(LibC.class).load("c");
        }
        return libc;
    }

    @Override
    public EchoSocket open(boolean ipv6, Receiver receiver) {
        LibC c;
        try {
            c = libc();
        } catch (RuntimeException | LinkageError e) {
            log.debug("no libc through JNR-FFI: {}", e.toString());
            return null;
        }
        int af = ipv6 ? AF_INET6 : AF_INET;
        int proto = ipv6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
        String kind = "ping";
        int fd = c.socket(af, SOCK_DGRAM, proto);
        if (fd < 0) {
            kind = "raw";
            fd = c.socket(af, SOCK_RAW, proto);
        }
        if (fd < 0) {
            return null;
        }
        byte[] tv = new byte[16];
        tv[8] = (byte) 0x20;   // 500 000 µs, little-endian tv_usec
        tv[9] = (byte) 0xA1;
        tv[10] = 0x07;
        c.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16);
        log.debug("ICMP echo NAT over a {} {} socket", kind, ipv6 ? "ICMPv6" : "ICMP");
        Sock s = new Sock(c, fd, ipv6, kind.equals("raw"), kind, receiver);
        Thread t = new Thread(s::readLoop, "netfabric-icmp" + (ipv6 ? "6" : "4"));
        t.setDaemon(true);
        t.start();
        return s;
    }

    private final class Sock implements EchoSocket {
        @Override
        public int fd() {
            return fd;
        }

        final LibC c;
        final int fd;
        final boolean v6;
        final boolean raw;
        final String kind;
        final Receiver receiver;
        volatile boolean closed;

        Sock(LibC c, int fd, boolean v6, boolean raw, String kind, Receiver receiver) {
            this.c = c;
            this.fd = fd;
            this.v6 = v6;
            this.raw = raw;
            this.kind = kind;
            this.receiver = receiver;
        }

        @Override
        public String kind() {
            return kind;
        }

        @Override
        public Sent sendEcho(InetAddress dst, int id, int seq, byte[] data) {
            byte[] m = new byte[8 + data.length];
            m[0] = (byte) (v6 ? 128 : 8);
            m[4] = (byte) (id >> 8);
            m[5] = (byte) id;
            m[6] = (byte) (seq >> 8);
            m[7] = (byte) seq;
            System.arraycopy(data, 0, m, 8, data.length);
            if (!v6) {
                int sum = 0;
                for (int i = 0; i + 1 < m.length; i += 2) {
                    sum += ((m[i] & 0xFF) << 8) | (m[i + 1] & 0xFF);
                }
                if ((m.length & 1) != 0) {
                    sum += (m[m.length - 1] & 0xFF) << 8;
                }
                while ((sum >>> 16) != 0) {
                    sum = (sum & 0xFFFF) + (sum >>> 16);
                }
                int ck = ~sum & 0xFFFF;
                m[2] = (byte) (ck >> 8);
                m[3] = (byte) ck;
            }   // ICMPv6: the kernel computes the checksum (RFC 3542 §3.1)
            byte[] sa = sockaddr(dst);
            if (c.sendto(fd, m, m.length, 0, sa, sa.length) >= 0) {
                return Sent.SENT;
            }
            return jnr.ffi.Runtime.getRuntime(c).getLastError() == ENETUNREACH ? Sent.NO_ROUTE_TO_NET : Sent.NOT_SENT;
        }

        private byte[] sockaddr(InetAddress a) {
            byte[] addr = a.getAddress();
            if (v6) {
                byte[] sa = new byte[28];
                sa[0] = AF_INET6;
                System.arraycopy(addr.length == 16 ? addr : mapped(addr), 0, sa, 8, 16);
                return sa;
            }
            byte[] sa = new byte[16];
            sa[0] = AF_INET;
            System.arraycopy(addr, 0, sa, 4, 4);
            return sa;
        }

        private byte[] mapped(byte[] v4) {
            byte[] m = new byte[16];
            m[10] = (byte) 0xFF;
            m[11] = (byte) 0xFF;
            System.arraycopy(v4, 0, m, 12, 4);
            return m;
        }

        void readLoop() {
            byte[] buf = new byte[65536];
            byte[] sa = new byte[28];
            while (!closed) {
                IntByReference len = new IntByReference(sa.length);
                long n = c.recvfrom(fd, buf, buf.length, 0, sa, len);
                if (n <= 0 || closed) {
                    continue;
                }
                int at = 0;
                if (raw && !v6) {
                    at = (buf[0] & 0x0F) * 4;   // a raw IPv4 socket hands over the IP header too
                }
                if (n < at + 8) {
                    continue;
                }
                int type = buf[at] & 0xFF;
                // Destination unreachable and time exceeded (ICMP 3 and 11, ICMPv6 1 and 3), with
                // at least the quoted IP header and 8 octets of UDP.
                boolean error = v6 ? (type == 1 || type == 3) && n >= at + 8 + 48
                        : (type == 3 || type == 11) && n >= at + 8 + 28;
                if (raw && error) {
                    InetAddress errFrom = address(sa);
                    int code = buf[at + 1] & 0xFF;
                    byte[] quoted = java.util.Arrays.copyOfRange(buf, at + 8, (int) n);
                    if (errFrom != null) {
                        fabric.execute(() -> {
                            if (!closed) {
                                receiver.error(errFrom, type, code, quoted, clock.getAsLong());
                                afterEvent.run();
                            }
                        });
                    }
                    continue;
                }
                if (type != (v6 ? 129 : 0)) {
                    continue;
                }
                int id = ((buf[at + 4] & 0xFF) << 8) | (buf[at + 5] & 0xFF);
                if (raw && id != io.netfabric.user.nat.IcmpEchoNatIds.RAW_ID) {
                    continue;
                }
                int seq = ((buf[at + 6] & 0xFF) << 8) | (buf[at + 7] & 0xFF);
                byte[] data = java.util.Arrays.copyOfRange(buf, at + 8, (int) n);
                InetAddress from = address(sa);
                if (from == null) {
                    continue;
                }
                fabric.execute(() -> {
                    if (!closed) {
                        receiver.echoReply(from, id, seq, data, clock.getAsLong());
                        afterEvent.run();
                    }
                });
            }
            c.close(fd);
        }

        private InetAddress address(byte[] sa) {
            try {
                return InetAddress.getByAddress(v6 ? java.util.Arrays.copyOfRange(sa, 8, 24)
                        : java.util.Arrays.copyOfRange(sa, 4, 8));
            } catch (UnknownHostException e) {
                return null;
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
