package io.netfabric.nic;

import io.netfabric.core.RxFilterInfo;
import io.netfabric.core.RxState;
import io.netfabric.wire.MacAddress;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * virtio-net's receive filter (QEMU hw/net/virtio-net.c, virtio spec 1.2 §5.1.6.5): the rx-mode
 * flags, the 64-entry MAC table (unicast entries first, then multicast, with an overflow flag per
 * part), the 4096-bit VLAN table and the current MAC, as the guest sets them through the control
 * queue.
 *
 * <p>Decision ({@code receive_filter}): promiscuous accepts all; an 802.1Q frame (0x8100 at
 * offset 12) needs its VLAN id's bit; a group address is broadcast (refused by NOBCAST) or
 * multicast (NOMULTI refuses, ALLMULTI or overflow accepts, else the multicast entries); a
 * unicast address is refused by NOUNI, accepted by ALLUNI, overflow, the current MAC or a
 * unicast entry.
 *
 * <p>{@code query-rx-filter} is QEMU's answer word for word, quirks kept on purpose so tools
 * written against QEMU read it the same: {@code broadcast-allowed} carries the NOBCAST flag
 * itself (inverted), the tables are listed last entry first and the VLAN ids highest first.
 */
public final class VirtioNetRxFilter extends RxFilter {
    /** QEMU's {@code MAC_TABLE_ENTRIES}. */
    public static final int MAC_TABLE_ENTRIES = 64;
    /** QEMU's {@code MAX_VLAN}. */
    public static final int MAX_VLAN = 4096;

    /** {@code VIRTIO_NET_CTRL_RX} commands (virtio spec §5.1.6.5.1). */
    public static final int RX_PROMISC = 0;
    public static final int RX_ALLMULTI = 1;
    public static final int RX_ALLUNI = 2;
    public static final int RX_NOMULTI = 3;
    public static final int RX_NOUNI = 4;
    public static final int RX_NOBCAST = 5;

    /** Feature bits (virtio spec §5.1.3) this filter reacts to. */
    public static final int F_CTRL_VQ = 17;
    public static final int F_CTRL_RX = 18;
    public static final int F_CTRL_VLAN = 19;
    public static final int F_GUEST_ANNOUNCE = 21;
    public static final int F_STANDBY = 62;

    private long mac;
    private boolean promisc;
    private boolean allmulti;
    private boolean alluni;
    private boolean nomulti;
    private boolean nouni;
    private boolean nobcast;
    /** Entries [0, firstMulti) unicast, [firstMulti, inUse) multicast, as 48-bit values. */
    private final long[] macs = new long[MAC_TABLE_ENTRIES];
    private int inUse;
    private int firstMulti;
    private boolean uniOverflow;
    private boolean multiOverflow;
    private final int[] vlans = new int[MAX_VLAN >> 5];
    private long features;

    public VirtioNetRxFilter(MacAddress mac) {
        reset(mac);
    }

    /**
     * {@code virtio_net_reset}: promiscuous, other flags clear, tables empty; then the reset's
     * feature set of 0 (no CTRL_VLAN) fills the VLAN bitmap with ones. QEMU 7.2 answers a fresh
     * device's {@code query-rx-filter} with all 4096 ids in {@code vlan-table} (checked against
     * {@code qemu-system-x86_64 -S -device virtio-net-pci}; behaviour notes §8.2 says {@code []}).
     */
    @Override
    public void reset(MacAddress configured) {
        mac = configured.toLong();
        promisc = true;
        allmulti = alluni = nomulti = nouni = nobcast = false;
        Arrays.fill(macs, 0);
        inUse = firstMulti = 0;
        uniOverflow = multiOverflow = false;
        setFeatures(0);
    }

    /**
     * The guest acknowledged {@code features} ({@code virtio_net_set_features}): the VLAN bitmap
     * becomes all-zero when CTRL_VLAN was negotiated (the guest fills it) and all-ones otherwise.
     */
    public void setFeatures(long acked) {
        features = acked;
        Arrays.fill(vlans, hasFeature(F_CTRL_VLAN) ? 0 : -1);
    }

    public boolean hasFeature(int bit) {
        return (features & (1L << bit)) != 0;
    }

    /** {@code VIRTIO_NET_CTRL_RX} command {@code cmd} with its on/off byte; false = VIRTIO_NET_ERR. */
    public boolean setRxMode(int cmd, boolean on) {
        switch (cmd) {
            case RX_PROMISC -> promisc = on;
            case RX_ALLMULTI -> allmulti = on;
            case RX_ALLUNI -> alluni = on;
            case RX_NOMULTI -> nomulti = on;
            case RX_NOUNI -> nouni = on;
            case RX_NOBCAST -> nobcast = on;
            default -> {
                return false;
            }
        }
        changed();
        return true;
    }

    /** {@code VIRTIO_NET_CTRL_MAC_ADDR_SET}: the guest's current MAC. */
    public void setMac(MacAddress m) {
        mac = m.toLong();
        changed();
    }

    /** The MAC the guest set (or the configured one). */
    public MacAddress mac() {
        return MacAddress.fromLong(mac);
    }

    /**
     * {@code VIRTIO_NET_CTRL_MAC_TABLE_SET} with its command payload: two tables (unicast, then
     * multicast), each a 32-bit little-endian count followed by that many 6-octet MACs. A count
     * beyond the room left sets that part's overflow flag and stores none of it. A payload whose
     * length does not match its counts is refused (false, VIRTIO_NET_ERR) and nothing changes.
     * The payload's indexes do not move.
     */
    public boolean setMacTable(ByteBuf payload) {
        ByteBuf p = payload.duplicate();
        List<MacAddress> uni = readTable(p);
        List<MacAddress> multi = uni == null ? null : readTable(p);
        if (multi == null || p.isReadable()) {
            return false;
        }
        setMacTable(uni, multi);
        return true;
    }

    private static List<MacAddress> readTable(ByteBuf p) {
        if (p.readableBytes() < 4) {
            return null;
        }
        long count = p.readUnsignedIntLE();
        if (count * MacAddress.LENGTH > p.readableBytes()) {
            return null;
        }
        List<MacAddress> t = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            t.add(MacAddress.read(p, p.readerIndex()));
            p.skipBytes(MacAddress.LENGTH);
        }
        return t;
    }

    /** The MAC table as typed lists, with the same overflow rules as the control command. */
    public void setMacTable(List<MacAddress> unicast, List<MacAddress> multicast) {
        inUse = 0;
        uniOverflow = multiOverflow = false;
        if (unicast.size() <= MAC_TABLE_ENTRIES) {
            for (MacAddress m : unicast) {
                macs[inUse++] = m.toLong();
            }
        } else {
            uniOverflow = true;
        }
        firstMulti = inUse;
        if (multicast.size() <= MAC_TABLE_ENTRIES - inUse) {
            for (MacAddress m : multicast) {
                macs[inUse++] = m.toLong();
            }
        } else {
            multiOverflow = true;
        }
        Arrays.fill(macs, inUse, MAC_TABLE_ENTRIES, 0);
        changed();
    }

    /** {@code VIRTIO_NET_CTRL_VLAN_ADD}; false (VIRTIO_NET_ERR) for an id of 4096 or more. */
    public boolean addVlan(int vid) {
        return setVlan(vid, true);
    }

    /** {@code VIRTIO_NET_CTRL_VLAN_DEL}; false (VIRTIO_NET_ERR) for an id of 4096 or more. */
    public boolean removeVlan(int vid) {
        return setVlan(vid, false);
    }

    private boolean setVlan(int vid, boolean on) {
        if (vid < 0 || vid >= MAX_VLAN) {
            return false;
        }
        if (on) {
            vlans[vid >> 5] |= 1 << (vid & 31);
        } else {
            vlans[vid >> 5] &= ~(1 << (vid & 31));
        }
        changed();
        return true;
    }

    @Override
    public boolean accepts(ByteBuf f) {
        if (promisc) {
            return true;
        }
        int at = f.readerIndex();
        if (f.getUnsignedShort(at + 12) == 0x8100) {
            if (f.readableBytes() < 16) {
                return false;
            }
            int vid = f.getUnsignedShort(at + 14) & 0xFFF;
            if ((vlans[vid >> 5] & (1 << (vid & 31))) == 0) {
                return false;
            }
        }
        long dst = MacAddress.readLong(f, at);
        if (isGroup(dst)) {
            if (dst == BROADCAST) {
                return !nobcast;
            }
            if (nomulti) {
                return false;
            }
            if (allmulti || multiOverflow) {
                return true;
            }
            return inTable(dst, firstMulti, inUse);
        }
        if (nouni) {
            return false;
        }
        if (alluni || uniOverflow || dst == mac) {
            return true;
        }
        return inTable(dst, 0, firstMulti);
    }

    private boolean inTable(long dst, int from, int to) {
        for (int i = from; i < to; i++) {
            if (macs[i] == dst) {
                return true;
            }
        }
        return false;
    }

    /** {@code virtio_net_query_rxfilter}, QEMU's quirks included (class comment). */
    @Override
    public RxFilterInfo info(String name) {
        List<String> uni = new ArrayList<>();
        for (int i = firstMulti - 1; i >= 0; i--) {
            uni.add(macString(macs[i]));
        }
        List<String> multi = new ArrayList<>();
        for (int i = inUse - 1; i >= firstMulti; i--) {
            multi.add(macString(macs[i]));
        }
        List<Integer> vlanTable = vlanIdsDescending(vlans);
        RxState vlan = !hasFeature(F_CTRL_VLAN) ? RxState.ALL
                : vlanTable.isEmpty() ? RxState.NONE : RxState.NORMAL;
        return new RxFilterInfo(name, promisc,
                nomulti ? RxState.NONE : allmulti ? RxState.ALL : RxState.NORMAL,
                nouni ? RxState.NONE : alluni ? RxState.ALL : RxState.NORMAL,
                vlan, nobcast, multiOverflow, uniOverflow, macString(mac), vlanTable, uni, multi);
    }
}
