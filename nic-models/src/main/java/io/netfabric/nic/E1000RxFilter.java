package io.netfabric.nic;

import io.netfabric.core.RxFilterInfo;
import io.netfabric.core.RxState;
import io.netfabric.wire.MacAddress;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The e1000's receive filter registers (Intel 8254x manual §13.4; QEMU hw/net/e1000.c
 * {@code receive_filter} and e1000x_common.c {@code e1000x_rx_group_filter}): RCTL, 16 receive
 * address pairs RAL/RAH, the 128-dword multicast table array MTA, the 128-dword VLAN filter table
 * VFTA and VET, written as the guest writes them through {@link #writeRegister}.
 *
 * <p>Decision, in QEMU's order: a frame whose ethertype equals VET with RCTL.VFE set needs its
 * VLAN id's VFTA bit; then unicast with UPE, any group address (broadcast included, as QEMU
 * tests the group bit) with MPE, broadcast with BAM accept; then an exact match on a valid
 * receive address; then the MTA bit chosen by RCTL.MO from destination octets 4 and 5 (for every
 * destination, unicast and broadcast too). RCTL.EN, the link and bus mastering are the
 * emulator's readiness ({@link GuestPort#canReceive()}), not the filter's.
 *
 * <p>{@code query-rx-filter} (QEMU has none for e1000) maps the registers onto virtio-net's
 * answer: promiscuous = UPE and MPE; unicast {@code all} with UPE; multicast {@code all} with
 * MPE; vlan {@code all} without VFE, else {@code none}/{@code normal} by the VFTA; the valid
 * receive addresses other than RA[0], unicast and multicast apart, highest index first; main-mac
 * RA[0]; {@code multicast-overflow} when the MTA has any bit set (addresses beyond the listed
 * ones pass); {@code broadcast-allowed} in QEMU virtio-net's inverted sense (true = broadcast
 * refused), so one reading holds for every NIC.
 */
public final class E1000RxFilter extends RxFilter {
    /** Register offsets in the e1000's MMIO space. */
    public static final int RCTL = 0x100;
    public static final int VET = 0x38;
    public static final int MTA = 0x5200;
    public static final int RA = 0x5400;
    public static final int VFTA = 0x5600;

    /** RCTL bits. */
    public static final int RCTL_EN = 1 << 1;
    public static final int RCTL_UPE = 1 << 3;
    public static final int RCTL_MPE = 1 << 4;
    public static final int RCTL_LPE = 1 << 5;
    public static final int RCTL_MO_SHIFT = 12;
    public static final int RCTL_BAM = 1 << 15;
    public static final int RCTL_VFE = 1 << 18;
    /** RAH bit 31: Address Valid. */
    public static final int RAH_AV = 1 << 31;

    /** RCTL.MO 0..3 → right shift of {@code (dst[5] << 8) | dst[4]} (e1000x {@code mta_shift}). */
    private static final int[] MTA_SHIFT = {4, 3, 2, 0};

    private int rctl;
    private int vet;
    private final int[] ra = new int[32];
    private final int[] mta = new int[128];
    private final int[] vfta = new int[128];
    /** The valid receive addresses as 48-bit values, rebuilt on every RA write. */
    private long[] validAddresses = new long[0];

    public E1000RxFilter(MacAddress mac) {
        reset(mac);
    }

    /**
     * Device reset: RCTL 0, VET 0x8100, tables clear, RA[0] the configured MAC with AV
     * ({@code e1000x_reset_mac_addr}).
     */
    @Override
    public void reset(MacAddress mac) {
        rctl = 0;
        vet = 0x8100;
        Arrays.fill(ra, 0);
        Arrays.fill(mta, 0);
        Arrays.fill(vfta, 0);
        long m = mac.toLong();
        ra[0] = Integer.reverseBytes((int) (m >>> 16));
        ra[1] = (int) (((m >>> 8) & 0xFF) | ((m & 0xFF) << 8)) | RAH_AV;
        rebuildAddresses();
    }

    /**
     * A 32-bit guest write at {@code offset}; false when the offset is not a filter register
     * (nothing changes then).
     */
    public boolean writeRegister(int offset, int value) {
        if (offset == RCTL) {
            rctl = value;
        } else if (offset == VET) {
            vet = value & 0xFFFF;
        } else if (offset >= MTA && offset < MTA + 512 && (offset & 3) == 0) {
            mta[(offset - MTA) >> 2] = value;
        } else if (offset >= RA && offset < RA + 128 && (offset & 3) == 0) {
            ra[(offset - RA) >> 2] = value;
            rebuildAddresses();
        } else if (offset >= VFTA && offset < VFTA + 512 && (offset & 3) == 0) {
            vfta[(offset - VFTA) >> 2] = value;
        } else {
            return false;
        }
        changed();
        return true;
    }

    /** The register at {@code offset}, or 0 for one this filter does not hold. */
    public int readRegister(int offset) {
        if (offset == RCTL) {
            return rctl;
        } else if (offset == VET) {
            return vet;
        } else if (offset >= MTA && offset < MTA + 512) {
            return mta[(offset - MTA) >> 2];
        } else if (offset >= RA && offset < RA + 128) {
            return ra[(offset - RA) >> 2];
        } else if (offset >= VFTA && offset < VFTA + 512) {
            return vfta[(offset - VFTA) >> 2];
        }
        return 0;
    }

    /** Receive address {@code i} (0..15) as the 48-bit MAC RAL/RAH hold (RAL = octets 0..3 LE). */
    private long address(int i) {
        long lo = Integer.reverseBytes(ra[2 * i]) & 0xFFFF_FFFFL;
        int hi = ra[2 * i + 1];
        return (lo << 16) | ((hi & 0xFF) << 8) | ((hi >>> 8) & 0xFF);
    }

    private boolean valid(int i) {
        return (ra[2 * i + 1] & RAH_AV) != 0;
    }

    private void rebuildAddresses() {
        long[] a = new long[16];
        int n = 0;
        for (int i = 0; i < 16; i++) {
            if (valid(i)) {
                a[n++] = address(i);
            }
        }
        validAddresses = Arrays.copyOf(a, n);
    }

    /** Frames shorter than 60 octets are zero-padded to 60 before filtering (QEMU e1000_receive_iov). */
    @Override
    public int minimumLength() {
        return 60;
    }

    @Override
    public boolean accepts(ByteBuf f) {
        int at = f.readerIndex();
        int r = rctl;
        if ((r & RCTL_VFE) != 0 && f.getUnsignedShort(at + 12) == vet) {
            int tci = f.getUnsignedShort(at + 14);
            // QEMU reads the whole TCI: dword (tci >> 5) & 0x7f, bit tci & 31: the VLAN id's bits.
            if ((vfta[(tci >>> 5) & 0x7F] & (1 << (tci & 31))) == 0) {
                return false;
            }
        }
        long dst = MacAddress.readLong(f, at);
        boolean group = isGroup(dst);
        if (!group && (r & RCTL_UPE) != 0) {
            return true;
        }
        if (group && (r & RCTL_MPE) != 0) {
            return true;
        }
        if (dst == BROADCAST && (r & RCTL_BAM) != 0) {
            return true;
        }
        for (long a : validAddresses) {
            if (a == dst) {
                return true;
            }
        }
        int h = hash(dst, r);
        return (mta[h >>> 5] & (1 << (h & 31))) != 0;
    }

    /** The 12-bit MTA index of {@code dst} under RCTL.MO. */
    static int hash(long dst, int rctl) {
        int octets45 = (int) (((dst & 0xFF) << 8) | ((dst >>> 8) & 0xFF));
        return (octets45 >>> MTA_SHIFT[(rctl >>> RCTL_MO_SHIFT) & 3]) & 0xFFF;
    }

    @Override
    public RxFilterInfo info(String name) {
        boolean upe = (rctl & RCTL_UPE) != 0;
        boolean mpe = (rctl & RCTL_MPE) != 0;
        List<String> uni = new ArrayList<>();
        List<String> multi = new ArrayList<>();
        for (int i = 15; i >= 1; i--) {
            if (valid(i)) {
                long a = address(i);
                (isGroup(a) ? multi : uni).add(macString(a));
            }
        }
        List<Integer> vlanTable = vlanIdsDescending(vfta);
        RxState vlan = (rctl & RCTL_VFE) == 0 ? RxState.ALL
                : vlanTable.isEmpty() ? RxState.NONE : RxState.NORMAL;
        boolean mtaUsed = false;
        for (int w : mta) {
            mtaUsed |= w != 0;
        }
        boolean broadcastRefused = !(mpe || (rctl & RCTL_BAM) != 0 || hashHit(BROADCAST)
                || Arrays.stream(validAddresses).anyMatch(a -> a == BROADCAST));
        return new RxFilterInfo(name, upe && mpe,
                mpe ? RxState.ALL : RxState.NORMAL,
                upe ? RxState.ALL : RxState.NORMAL,
                vlan, broadcastRefused, mtaUsed, false, macString(address(0)), vlanTable, uni, multi);
    }

    private boolean hashHit(long dst) {
        int h = hash(dst, rctl);
        return (mta[h >>> 5] & (1 << (h & 31))) != 0;
    }
}
