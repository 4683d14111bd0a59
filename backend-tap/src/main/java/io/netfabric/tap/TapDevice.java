package io.netfabric.tap;

import static io.netfabric.tap.Native.LIBC;

import io.netfabric.core.FabricException;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * The file descriptors of one tap interface (one per queue) and what the kernel agreed to: the
 * interface name, whether a virtio-net header precedes each frame. Opening follows QEMU 7.2
 * net/tap-linux.c {@code tap_open}; the messages are QEMU's.
 *
 * <p>Not thread safe; the owner closes it once.
 */
final class TapDevice implements AutoCloseable {
    static final String PATH_NET_TUN = "/dev/net/tun";

    final String ifname;
    final int[] fds;
    final boolean vnetHdr;
    private boolean closed;

    TapDevice(String ifname, int[] fds, boolean vnetHdr) {
        this.ifname = ifname;
        this.fds = fds;
        this.vnetHdr = vnetHdr;
    }

    /** What {@code tap_open} returns for one queue. */
    record Queue(int fd, String ifname, boolean vnetHdr) {
    }

    /**
     * {@code tap_open}: opens {@code /dev/net/tun} and attaches it to {@code ifname} (a name or
     * a kernel template such as {@code tap%d}; null or empty means {@code tap%d}).
     *
     * @param vnetHdrWanted    try IFF_VNET_HDR (QEMU: unless {@code vnet_hdr=off})
     * @param vnetHdrRequired  fail when the kernel lacks it ({@code vnet_hdr=on})
     * @param multiQueue       IFF_MULTI_QUEUE ({@code queues} > 1)
     */
    static Queue openQueue(String ifname, boolean vnetHdrWanted, boolean vnetHdrRequired, boolean multiQueue) {
        boolean named = ifname != null && !ifname.isEmpty();
        String name = named ? ifname : "tap%d";
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length >= Native.IFNAMSIZ) {
            // QEMU 7.2 truncates the name silently (pstrcpy) and may then attach to another
            // interface; we refuse it, naming the limit.
            throw FabricException.generic("could not configure " + PATH_NET_TUN + " (" + name
                    + "): interface name longer than " + (Native.IFNAMSIZ - 1) + " characters (IFNAMSIZ)");
        }
        int fd = LIBC.open(PATH_NET_TUN, Native.O_RDWR | Native.O_CLOEXEC);
        if (fd < 0) {
            throw errno("could not open " + PATH_NET_TUN, Native.errno());
        }
        boolean ok = false;
        try {
            Pointer ifr = Memory.allocateDirect(Native.runtime(), Native.IFREQ_SIZE, true);
            Pointer word = Memory.allocateDirect(Native.runtime(), 4, true);
            int features = 0;
            if (LIBC.ioctl(fd, TunIoctl.TUNGETFEATURES, word.address()) == -1) {
                LoggerHolder.LOG.warn("TUNGETFEATURES failed: {}", Native.strerror(Native.errno()));
            } else {
                features = word.getInt(0);
            }
            int flags = TunIoctl.IFF_TAP | TunIoctl.IFF_NO_PI;
            if ((features & TunIoctl.IFF_ONE_QUEUE) != 0) {
                flags |= TunIoctl.IFF_ONE_QUEUE;
            }
            boolean vnet = false;
            if (vnetHdrWanted) {
                vnet = (features & TunIoctl.IFF_VNET_HDR) != 0;
                if (vnetHdrRequired && !vnet) {
                    throw FabricException.generic("vnet_hdr=1 requested, but no kernel support for IFF_VNET_HDR available");
                }
                if (vnet) {
                    flags |= TunIoctl.IFF_VNET_HDR;
                }
            }
            if (multiQueue) {
                if ((features & TunIoctl.IFF_MULTI_QUEUE) == 0) {
                    throw FabricException.generic("multiqueue required, but no kernel support for IFF_MULTI_QUEUE available");
                }
                flags |= TunIoctl.IFF_MULTI_QUEUE;
            }
            ifr.put(0, nameBytes, 0, nameBytes.length);
            ifr.putShort(Native.IFNAMSIZ, (short) flags);
            if (LIBC.ioctl(fd, TunIoctl.TUNSETIFF, ifr.address()) != 0) {
                int e = Native.errno();
                throw errno(named ? "could not configure " + PATH_NET_TUN + " (" + name + ")"
                        : "could not configure " + PATH_NET_TUN, e);
            }
            String actual = ifr.getString(0, Native.IFNAMSIZ, StandardCharsets.UTF_8);
            if (vnet) {
                // QEMU resets the header size another user of a persistent tap may have left.
                word.putInt(0, io.netfabric.wire.virtio.VirtioNetHeader.LEN);
                LIBC.ioctl(fd, TunIoctl.TUNSETVNETHDRSZ, word.address());
            }
            setNonBlocking(fd, null);
            ok = true;
            return new Queue(fd, actual, vnet);
        } finally {
            if (!ok) {
                LIBC.close(fd);
            }
        }
    }

    /**
     * {@code tap_probe_vnet_hdr}: whether an inherited tap fd carries a virtio-net header
     * (TUNGETIFF). Also answers the interface name.
     */
    static Queue probe(int fd) {
        Pointer ifr = Memory.allocateDirect(Native.runtime(), Native.IFREQ_SIZE, true);
        if (LIBC.ioctl(fd, TunIoctl.TUNGETIFF, ifr.address()) != 0) {
            throw errno("Unable to query TUNGETIFF on FD " + fd, Native.errno());
        }
        int flags = ifr.getShort(Native.IFNAMSIZ) & 0xFFFF;
        return new Queue(fd, ifr.getString(0, Native.IFNAMSIZ, StandardCharsets.UTF_8),
                (flags & TunIoctl.IFF_VNET_HDR) != 0);
    }

    /** {@code qemu_try_set_nonblock}; the message is {@code net_init_tap}'s for an fd it was given. */
    static void setNonBlocking(int fd, String netdevName) {
        int fl = LIBC.fcntl(fd, Native.F_GETFL, 0);
        if (fl < 0 || LIBC.fcntl(fd, Native.F_SETFL, fl | Native.O_NONBLOCK) < 0) {
            throw errno(netdevName + ": Can't use file descriptor " + fd, Native.errno());
        }
    }

    /**
     * {@code tap_set_sndbuf}: not given means INT_MAX (unlimited), errors ignored; a given value
     * is clamped to INT_MAX and its failure reported.
     */
    void setSndbuf(Long sndbuf) {
        Pointer word = Memory.allocateDirect(Native.runtime(), 4, true);
        boolean given = sndbuf != null && sndbuf != 0;
        long v = given ? Long.compareUnsigned(sndbuf, Integer.MAX_VALUE) > 0 ? Integer.MAX_VALUE : sndbuf
                : Integer.MAX_VALUE;
        word.putInt(0, (int) v);
        for (int fd : fds) {
            if (LIBC.ioctl(fd, TunIoctl.TUNSETSNDBUF, word.address()) == -1 && given) {
                throw errno("TUNSETSNDBUF ioctl failed", Native.errno());
            }
        }
    }

    /**
     * TUNSETOFFLOAD: which offloaded frames the kernel may hand us. 0 is QEMU's setting for a
     * peer that is not virtio-net; with a header we take TSO super-frames and partial checksums
     * and finish them in {@link GsoSegmenter}, which saves a read per segment.
     */
    boolean setOffload(int offloads) {
        for (int fd : fds) {
            if (LIBC.ioctl(fd, TunIoctl.TUNSETOFFLOAD, offloads) != 0) {
                return false;
            }
        }
        return true;
    }

    static FabricException errno(String what, int errno) {
        return FabricException.generic(what + ": " + Native.strerror(errno));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int fd : fds) {
            LIBC.close(fd);
        }
    }

    static final class LoggerHolder {
        static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TapDevice.class);

        private LoggerHolder() {
        }
    }
}
