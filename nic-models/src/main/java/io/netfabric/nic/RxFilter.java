package io.netfabric.nic;

import io.netfabric.core.RxFilterInfo;
import io.netfabric.wire.MacAddress;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The receive filter of one NIC model: the hardware's filter registers and the decision they
 * make for each frame coming from the fabric to the guest.
 *
 * <p>Registers are written by the emulator's device model (the guest's register or control
 * queue writes) on the fabric's event loop; every write that changes what the filter accepts
 * tells the owning {@link Nic}, which raises {@code NIC_RX_FILTER_CHANGED}. The per-frame
 * {@link #accepts} reads the frame without moving its indexes, allocates nothing and never throws.
 */
public abstract sealed class RxFilter permits VirtioNetRxFilter, E1000RxFilter, Rtl8139RxFilter {
    static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    private Runnable changeListener = () -> { };

    /**
     * True when the guest wants {@code frame} (its readable bytes, an Ethernet frame of at least
     * {@link #minimumLength()} octets, starting at the destination MAC).
     */
    public abstract boolean accepts(ByteBuf frame);

    /** The shortest frame {@link #accepts} may be given; the NIC pads or drops shorter ones. */
    public int minimumLength() {
        return 14;
    }

    /** The filter's state in {@code query-rx-filter}'s terms, for the NIC named {@code name}. */
    public abstract RxFilterInfo info(String name);

    /** Returns the filter to the device's reset state for the configured {@code mac}. */
    public abstract void reset(MacAddress mac);

    final void onChange(Runnable listener) {
        changeListener = listener;
    }

    /** Tells the NIC that what the filter accepts changed (QEMU virtio-net {@code rxfilter_notify}). */
    protected final void changed() {
        changeListener.run();
    }

    static boolean isGroup(long dst) {
        return (dst & (1L << 40)) != 0;
    }

    static String macString(long mac) {
        return String.format(Locale.ROOT, "%02x:%02x:%02x:%02x:%02x:%02x",
                (mac >>> 40) & 0xFF, (mac >>> 32) & 0xFF, (mac >>> 24) & 0xFF,
                (mac >>> 16) & 0xFF, (mac >>> 8) & 0xFF, mac & 0xFF);
    }

    /** The VLAN ids whose bit is set in a 4096-bit table of 128 dwords, highest first (QEMU's order). */
    static List<Integer> vlanIdsDescending(int[] table) {
        List<Integer> ids = new ArrayList<>();
        for (int vid = 4095; vid >= 0; vid--) {
            if ((table[vid >>> 5] & (1 << (vid & 31))) != 0) {
                ids.add(vid);
            }
        }
        return ids;
    }
}
