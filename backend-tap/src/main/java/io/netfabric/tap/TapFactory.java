package io.netfabric.tap;

import static io.netfabric.tap.Native.LIBC;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.FdParam;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.BridgeOptions;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.options.TapOptions;
import io.netfabric.core.spi.NetdevFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tap} and {@code bridge} netdevs, following QEMU 7.2 net/tap.c {@code net_init_tap},
 * {@code net_init_bridge} and {@code net_init_tap_one}: the option checks in QEMU's order and
 * words, then the fds (opened, inherited, or received from a bridge helper), the up-script,
 * {@code sndbuf}, and the vhost refusal.
 *
 * <p>Where QEMU 7.2 aborts or misbehaves we refuse with an error instead: {@code queues=0}
 * (7.2 creates no client and trips an assertion), {@code vhost=on} without
 * {@code /dev/vhost-net} (7.2 warns, then aborts), an {@code ifname} longer than IFNAMSIZ-1
 * (7.2 truncates it). {@code -netdev bridge} without {@code helper=} joins the bridge in-process
 * when we hold CAP_NET_ADMIN, and runs the default helper otherwise.
 */
public final class TapFactory implements NetdevFactory {
    private static final Logger log = LoggerFactory.getLogger(TapFactory.class);
    /** The offloads we take from a tap with a header; see {@link TapDevice#setOffload}. */
    private static final int OFFLOADS = TunIoctl.TUN_F_CSUM | TunIoctl.TUN_F_TSO4 | TunIoctl.TUN_F_TSO6
            | TunIoctl.TUN_F_TSO_ECN;
    static final String VHOST_NET = "/dev/vhost-net";

    @Override
    public Set<String> types() {
        return Set.of(TapOptions.TYPE, BridgeOptions.TYPE);
    }

    @Override
    public NetClient create(Fabric fabric, Netdev netdev) {
        if (netdev.options() instanceof BridgeOptions b) {
            return createBridge(fabric, netdev.id(), b);
        }
        return createTap(fabric, netdev.id(), (TapOptions) netdev.options());
    }

    private static NetClient createBridge(Fabric fabric, String name, BridgeOptions b) {
        String br = b.br() != null ? b.br() : BridgeHelper.DEFAULT_BRIDGE;
        // QEMU 7.2 prints the helper it was given, "(null)" for the default one.
        String info = "helper=" + (b.helper() != null ? b.helper() : "(null)") + ",br=" + br;
        if (b.helper() == null && BridgePort.privileged()) {
            TapDevice.Queue q = TapDevice.openQueue(null, true, false, false);
            TapDevice dev = new TapDevice(q.ifname(), new int[] {q.fd()}, q.vnetHdr());
            try {
                BridgePort.attach(q.ifname(), br);
            } catch (FabricException e) {
                dev.close();
                throw e;
            }
            return finish(fabric, name, "bridge", dev, new String[] {info}, null, null, 0, () -> { });
        }
        int fd = BridgeHelper.run(b.helper() != null ? b.helper() : BridgeHelper.DEFAULT_HELPER, br);
        return fromFd(fabric, name, "bridge", fd, info, null);
    }

    private static NetClient createTap(Fabric fabric, String name, TapOptions t) {
        boolean vhost = t.vhost() != null ? t.vhost()
                : t.vhostfd() != null || t.vhostfds() != null || Boolean.TRUE.equals(t.vhostforce());
        long pollUs = t.pollUs() == null ? 0 : t.pollUs();
        if (t.fd() != null) {
            if (t.ifname() != null || t.script() != null || t.downscript() != null || t.vnetHdr() != null
                    || t.helper() != null || t.queues() != null || t.fds() != null || t.vhostfds() != null) {
                throw FabricException.generic("ifname=, script=, downscript=, vnet_hdr=, helper=, queues=, fds=, "
                        + "and vhostfds= are invalid with fd=");
            }
            int fd = FdParam.parse(fabric, t.fd());
            TapDevice.setNonBlocking(fd, name);
            return fromFd(fabric, name, "tap", fd, "fd=" + fd, t);
        }
        if (t.fds() != null) {
            if (t.ifname() != null || t.script() != null || t.downscript() != null || t.vnetHdr() != null
                    || t.helper() != null || t.queues() != null || t.vhostfd() != null) {
                throw FabricException.generic("ifname=, script=, downscript=, vnet_hdr=, helper=, queues=, "
                        + "and vhostfd= are invalid with fds=");
            }
            String[] names = fdNames(t.fds());
            if (t.vhostfds() != null && fdNames(t.vhostfds()).length != names.length) {
                throw FabricException.generic("The number of fds passed does not match the number of vhostfds passed");
            }
            int[] fds = new int[names.length];
            Boolean vnet = null;
            String ifname = null;
            for (int i = 0; i < names.length; i++) {
                fds[i] = FdParam.parse(fabric, names[i]);
                TapDevice.setNonBlocking(fds[i], name);
                TapDevice.Queue q = TapDevice.probe(fds[i]);
                if (vnet != null && vnet != q.vnetHdr()) {
                    throw FabricException.generic("vnet_hdr not consistent across given tap fds");
                }
                vnet = q.vnetHdr();
                ifname = q.ifname();
            }
            TapDevice dev = new TapDevice(ifname, fds, vnet);
            String[] infos = new String[fds.length];
            for (int i = 0; i < fds.length; i++) {
                infos[i] = "fd=" + fds[i];   // each queue's client shows its own descriptor
            }
            return finish(fabric, name, "tap", dev, infos, t, null, pollUs, () -> { });
        }
        if (t.helper() != null) {
            if (t.ifname() != null || t.script() != null || t.downscript() != null || t.vnetHdr() != null
                    || t.queues() != null || t.vhostfds() != null) {
                throw FabricException.generic("ifname=, script=, downscript=, vnet_hdr=, queues=, and vhostfds= "
                        + "are invalid with helper=");
            }
            int fd = BridgeHelper.run(t.helper(), t.br() != null ? t.br() : BridgeHelper.DEFAULT_BRIDGE);
            return fromFd(fabric, name, "bridge", fd, "helper=" + t.helper(), t);
        }
        if (t.vhostfds() != null) {
            throw FabricException.generic("vhostfds= is invalid if fds= wasn't specified");
        }
        long queues = t.queues() == null ? 1 : t.queues();
        if (queues == 0) {
            throw FabricException.generic("queues=0 is invalid: a tap has at least one queue");
        }
        if (queues > 32) {
            // The kernel's limit (MAX_TAP_QUEUES is 256, but IFF_MULTI_QUEUE taps cap at 256 fds per
            // process budget); keep the fd count sane and say so instead of failing half-way.
            throw FabricException.generic("queues=" + queues + " is invalid: at most 32 queues are supported");
        }
        String up = NetworkScript.choose(t.script(), NetworkScript.DEFAULT_UP);
        String down = NetworkScript.choose(t.downscript(), NetworkScript.DEFAULT_DOWN);
        boolean vnetWanted = t.vnetHdr() == null || t.vnetHdr();
        boolean vnetRequired = Boolean.TRUE.equals(t.vnetHdr());
        List<Integer> fds = new ArrayList<>();
        String ifname = t.ifname();
        boolean vnet = false;
        try {
            for (int i = 0; i < queues; i++) {
                TapDevice.Queue q = TapDevice.openQueue(ifname, vnetWanted, vnetRequired, queues > 1);
                fds.add(q.fd());
                ifname = q.ifname();
                vnet = q.vnetHdr();
                // net_tap_init: only the first queue runs the up-script.
                if (i == 0 && up != null) {
                    NetworkScript.run(up, ifname);
                }
            }
        } catch (FabricException e) {
            fds.forEach(LIBC::close);
            throw e;
        }
        // net_init_tap: the queues after the first are set up with script and downscript "no".
        String[] infos = new String[fds.size()];
        Arrays.fill(infos, "ifname=" + ifname + ",script=no,downscript=no");
        infos[0] = "ifname=" + ifname + ",script=" + NetworkScript.shown(t.script(), NetworkScript.DEFAULT_UP)
                + ",downscript=" + NetworkScript.shown(t.downscript(), NetworkScript.DEFAULT_DOWN);
        TapDevice dev = new TapDevice(ifname, fds.stream().mapToInt(Integer::intValue).toArray(), vnet);
        String ifn = ifname;
        Runnable downscript = down == null ? () -> { } : () -> NetworkScript.run(down, ifn);
        return finish(fabric, name, "tap", dev, infos, t, vhost ? Boolean.TRUE : null, pollUs, downscript);
    }

    /**
     * net/tap.c {@code get_fds}: the names between colons, where a colon at the very end starts no
     * further name ({@code "a:"} is one name, {@code "a::"} two, the second empty). An empty list
     * makes QEMU 7.2 assert (net_client_init1); we keep one empty name, refused as unknown.
     */
    static String[] fdNames(String list) {
        List<String> names = new ArrayList<>();
        int at = 0;
        do {
            int colon = list.indexOf(':', at);
            names.add(colon < 0 ? list.substring(at) : list.substring(at, colon));
            at = colon < 0 ? list.length() + 1 : colon + 1;
        } while (at < list.length());
        return names.toArray(new String[0]);
    }

    private static NetClient fromFd(Fabric fabric, String name, String model, int fd, String info, TapOptions t) {
        TapDevice.Queue q;
        try {
            q = TapDevice.probe(fd);
            TapDevice.setNonBlocking(fd, name);
        } catch (FabricException e) {
            LIBC.close(fd);
            throw e;
        }
        boolean vhost = t != null && (t.vhost() != null ? t.vhost()
                : t.vhostfd() != null || t.vhostfds() != null || Boolean.TRUE.equals(t.vhostforce()));
        long pollUs = t == null || t.pollUs() == null ? 0 : t.pollUs();
        return finish(fabric, name, model, new TapDevice(q.ifname(), new int[] {fd}, q.vnetHdr()), new String[] {info}, t,
                vhost ? Boolean.TRUE : null, pollUs, () -> { });
    }

    /** {@code net_init_tap_one} from the fds on: sndbuf, vhost, offloads, the client. */
    private static NetClient finish(Fabric fabric, String name, String model, TapDevice dev, String[] infos,
            TapOptions t, Boolean vhost, long pollUs, Runnable downscript) {
        boolean offload;
        try {
            dev.setSndbuf(t == null ? null : t.sndbuf());
            if (Boolean.TRUE.equals(vhost)) {
                refuseVhost();
            } else if (t != null && (t.vhostfd() != null || t.vhostfds() != null)) {
                throw FabricException.generic("vhostfd(s)= is not valid without vhost");
            }
            offload = dev.vnetHdr && Boolean.parseBoolean(System.getProperty("netfabric.tap.offload", "true"));
            if (!dev.setOffload(offload ? OFFLOADS : 0) && offload) {
                dev.setOffload(0);
                offload = false;
            }
        } catch (FabricException e) {
            dev.close();
            runQuietly(downscript);
            throw e;
        }
        TapClient c = new TapClient(name, model, dev, infos, pollUs, downscript, fabric.eventLoop(), offload);
        c.start();
        log.debug("{}: {} on {} ({} queue(s), vnet_hdr={}, offload={})", name, model, dev.ifname, dev.fds.length,
                dev.vnetHdr, offload);
        return c;
    }

    /**
     * vhost-net hands a guest's virtio rings to the kernel; a helper process has no guest memory
     * to hand, so vhost is refused. Without the device we say so in QEMU 9.0's words (7.2 warns
     * and then aborts on an assertion); with it, QEMU's init-failure text.
     */
    private static void refuseVhost() {
        int fd = LIBC.open(VHOST_NET, Native.O_RDWR | Native.O_CLOEXEC);
        if (fd < 0) {
            throw TapDevice.errno("tap: open vhost char device failed", Native.errno());
        }
        LIBC.close(fd);
        throw FabricException.generic("vhost-net requested but could not be initialized");
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("{}", e.getMessage());
        }
    }
}
