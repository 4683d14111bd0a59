package io.netfabric.core;

import io.netty.channel.Channel;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a TCP connection whose peer is on this host's loopback off a pacing congestion control.
 *
 * <p>BBR needs its segments paced. Without the {@code fq} qdisc (loopback has none) the kernel
 * paces each such socket itself, arming a timer per burst ({@code tcp_internal_pacing}): a cost in
 * every send and idle gaps between bursts, while over loopback there is no bottleneck queue to pace
 * for. Where BBR is the system's default (some distributions and cloud images; this project's CI
 * machines), that was most of a socket relay's kernel time: a 64 KiB stream frame cost the relay
 * 28 µs of CPU on BBR and 17 µs on cubic, same code, same run (docs/PERFORMANCE.md, 2026-12-06).
 * So a TCP socket to or from a loopback address that the system gave a BBR variant is switched to
 * cubic, else reno (the two an unprivileged process may always choose,
 * {@code net.ipv4.tcp_allowed_congestion_control}). Any other choice of the system's stays, and
 * so does every connection to another host: there the administrator's choice is the right one.
 *
 * <p>{@code -Dnetfabric.tcp.sameHostCongestion=NAME} picks another algorithm for those sockets;
 * {@code =system} leaves them as the system made them. QEMU sets none (its relay pays the pacing).
 * Only on epoll (a socket's descriptor); a failure leaves the socket as it was.
 */
public final class SameHostCongestion {
    private static final Logger log = LoggerFactory.getLogger(SameHostCongestion.class);
    private static final String PROPERTY = "netfabric.tcp.sameHostCongestion";
    /**
     * What a connection sends before a caller that opens many short ones switches it. Most of
     * the user netdev's NAT connections carry a request and an answer: they pay no system call
     * (a fresh helper's connection rate is where it has least to spare), and a bulk transfer is
     * switched once it is one. The socket netdevs switch at connect and accept.
     */
    public static final long BULK = 256 * 1024;

    /** The algorithms tried in turn, or none when the property says {@code system}. */
    private static final String[] CHOICES = choices(System.getProperty(PROPERTY, "cubic"));
    /** {@link #CHOICES} as setsockopt takes them. */
    private static final byte[][] NAMES = java.util.Arrays.stream(CHOICES)
            .map(c -> c.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toArray(byte[][]::new);
    /**
     * Whether new TCP sockets here pace: read once from the system's default, which every socket
     * this process makes starts with. False (nothing tried) when that cannot be read, or once no
     * choice can be set.
     */
    private static volatile boolean active = switches(systemDefault(), CHOICES);
    /** The first switch is logged, once per process. */
    private static volatile boolean logged;

    private SameHostCongestion() {
    }

    static String[] choices(String property) {
        String p = property.trim();
        if (p.isEmpty() || p.equals("system")) {
            return new String[0];
        }
        return p.equals("reno") ? new String[] {"reno"} : new String[] {p, "reno"};
    }

    /**
     * For a TCP channel about to connect to {@code peer}, or accepted from it: switches it off a
     * pacing algorithm when {@code peer} is a loopback address. Anything else is left alone.
     */
    public static void apply(Channel ch, SocketAddress peer) {
        if (active && ch instanceof UnixChannel u && u.fd().isOpen()) {
            apply(u.fd().intValue(), peer);
        }
    }

    /** The same for a bare socket descriptor. */
    public static void apply(int fd, SocketAddress peer) {
        if (active && peer instanceof InetSocketAddress a && isLoopback(a.getAddress())) {
            applyTo(fd);
        }
    }

    /** Whether sockets that start with {@code systemDefault} are to be switched to one of {@code choices}. */
    static boolean switches(String systemDefault, String[] choices) {
        return choices.length > 0 && paces(systemDefault);
    }

    static boolean isLoopback(InetAddress a) {
        if (a == null) {
            return false;
        }
        if (a.isLoopbackAddress()) {
            return true;
        }
        // An IPv4 peer of a dual-stack socket: ::ffff:127.x.y.z (Java gives Inet6Address only
        // for the mapped form it did not parse itself).
        byte[] b = a.getAddress();
        return b.length == 16 && b[10] == (byte) 0xff && b[11] == (byte) 0xff && b[12] == 127
                && java.util.Arrays.equals(b, 0, 10, new byte[10], 0, 10);
    }

    /** Whether {@code name} is an algorithm that needs pacing (BBR and its later versions). */
    static boolean paces(String name) {
        return name.startsWith("bbr");
    }

    /** Sets the first of the choices the kernel takes on {@code fd}. */
    static void applyTo(int fd) {
        try {
            for (int i = 0; i < NAMES.length; i++) {
                try {
                    SocketOptions.set(fd, SocketOptions.IPPROTO_TCP, SocketOptions.TCP_CONGESTION, NAMES[i]);
                } catch (IOException refused) {
                    continue;
                }
                if (!logged) {
                    logged = true;
                    log.debug("TCP with loopback peers uses {} instead of the system's {} (pacing over loopback only costs)",
                            CHOICES[i], systemDefault());
                }
                return;
            }
            active = false;   // neither allowed here: stop trying on every connection
            log.debug("TCP congestion control {} cannot be set here; loopback TCP keeps the system's", List.of(CHOICES));
        } catch (LinkageError | RuntimeException e) {
            active = false;
            log.debug("TCP congestion control cannot be chosen here: {}", e.toString());
        }
    }

    /** {@code net.ipv4.tcp_congestion_control}, or "" when it cannot be read. */
    static String systemDefault() {
        try {
            return Files.readString(Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
