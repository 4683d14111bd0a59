package io.netfabric.tap;

import static io.netfabric.tap.Native.LIBC;

import io.netfabric.core.FabricException;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * What {@code qemu-bridge-helper} does once it has a tap, done in-process when we hold
 * CAP_NET_ADMIN, so that {@code -netdev bridge} works without the helper and its ACL file: copy
 * the bridge's MTU, set the first MAC byte to 0xFE (so the bridge never takes the tap's address
 * as its own), join the bridge ({@code SIOCBRADDIF}) and bring the tap up. Messages are the
 * helper's, with the ioctl named.
 */
final class BridgePort {
    private static final long SIOCGIFHWADDR = 0x8927;
    private static final long SIOCSIFHWADDR = 0x8924;
    private static final int IFR_UNION = Native.IFNAMSIZ;

    private BridgePort() {
    }

    static void attach(String tap, String bridge) {
        if (bridge.getBytes(StandardCharsets.UTF_8).length >= Native.IFNAMSIZ) {
            throw FabricException.generic("name too long: bridge `" + bridge + "'");
        }
        int ctl = LIBC.socket(Native.AF_UNIX, Native.SOCK_STREAM | Native.SOCK_CLOEXEC, 0);
        if (ctl < 0) {
            throw TapDevice.errno("failed to open control socket", Native.errno());
        }
        try {
            Pointer ifr = Memory.allocateDirect(Native.runtime(), Native.IFREQ_SIZE, true);
            name(ifr, bridge);
            if (LIBC.ioctl(ctl, TunIoctl.SIOCGIFMTU, ifr.address()) != 0) {
                throw TapDevice.errno("failed to get mtu of bridge `" + bridge + "' (SIOCGIFMTU)", Native.errno());
            }
            int mtu = ifr.getInt(IFR_UNION);
            name(ifr, tap);
            ifr.putInt(IFR_UNION, mtu);
            if (LIBC.ioctl(ctl, TunIoctl.SIOCSIFMTU, ifr.address()) != 0) {
                throw TapDevice.errno("failed to set mtu of device `" + tap + "' to " + mtu + " (SIOCSIFMTU)", Native.errno());
            }
            name(ifr, tap);
            if (LIBC.ioctl(ctl, SIOCGIFHWADDR, ifr.address()) != 0) {
                throw TapDevice.errno("failed to get MAC address of device `" + tap + "' (SIOCGIFHWADDR)", Native.errno());
            }
            ifr.putByte(IFR_UNION + 2, (byte) 0xFE);
            if (LIBC.ioctl(ctl, SIOCSIFHWADDR, ifr.address()) != 0) {
                throw TapDevice.errno("failed to set MAC address of device `" + tap + "' (SIOCSIFHWADDR)", Native.errno());
            }
            name(ifr, tap);
            if (LIBC.ioctl(ctl, TunIoctl.SIOCGIFINDEX, ifr.address()) != 0) {
                throw TapDevice.errno("failed to get ifindex of device `" + tap + "' (SIOCGIFINDEX)", Native.errno());
            }
            int index = ifr.getInt(IFR_UNION);
            name(ifr, bridge);
            ifr.putInt(IFR_UNION, index);
            if (LIBC.ioctl(ctl, TunIoctl.SIOCBRADDIF, ifr.address()) != 0) {
                throw TapDevice.errno("failed to add interface `" + tap + "' to bridge `" + bridge + "' (SIOCBRADDIF)",
                        Native.errno());
            }
            name(ifr, tap);
            if (LIBC.ioctl(ctl, TunIoctl.SIOCGIFFLAGS, ifr.address()) != 0) {
                throw TapDevice.errno("failed to get interface flags for `" + tap + "' (SIOCGIFFLAGS)", Native.errno());
            }
            ifr.putShort(IFR_UNION, (short) (ifr.getShort(IFR_UNION) | TunIoctl.IFF_UP));
            if (LIBC.ioctl(ctl, TunIoctl.SIOCSIFFLAGS, ifr.address()) != 0) {
                throw TapDevice.errno("failed to bring up interface `" + tap + "' (SIOCSIFFLAGS)", Native.errno());
            }
        } finally {
            LIBC.close(ctl);
        }
    }

    private static void name(Pointer ifr, String name) {
        ifr.setMemory(0, Native.IFREQ_SIZE, (byte) 0);
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        ifr.put(0, b, 0, b.length);
    }

    /** True when this process may configure interfaces itself (CAP_NET_ADMIN in effect). */
    static boolean privileged() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/thread-self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & (1L << 12)) != 0;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
        return false;
    }
}
