package io.netfabric.nic;

import io.netfabric.core.RxFilterInfo;
import io.netfabric.core.RxState;
import io.netfabric.wire.MacAddress;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * The RTL8139's receive filter (RTL8139 datasheet, "Receive Configuration Register"; QEMU
 * hw/net/rtl8139.c {@code rtl8139_do_receive}): the station address IDR0-5, the 64-bit multicast
 * hash MAR0-7 and RxConfig's accept bits, written as the guest writes its I/O registers.
 *
 * <p>Decision: AcceptAllPhys (AAP) takes everything; ff:ff:ff:ff:ff:ff needs AcceptBroadcast
 * (AB); another group address needs AcceptMulticast (AM) and the MAR bit numbered by the top six
 * bits of QEMU's {@code net_crc32} of the address; the station address needs AcceptMyPhys
 * (APM); anything else is refused. There is no VLAN filter: a tagged frame is judged by its
 * destination alone.
 *
 * <p>{@code query-rx-filter} (QEMU has none for rtl8139): promiscuous = AAP; unicast {@code all}
 * with AAP, {@code none} without APM; multicast {@code all} with AAP or a MAR of all ones,
 * {@code none} without AM; {@code multicast-overflow} when some but not all MAR bits are set
 * (hashed addresses pass, none listed); vlan {@code all}; main-mac the IDR; tables empty;
 * {@code broadcast-allowed} in QEMU virtio-net's inverted sense (true = refused).
 */
public final class Rtl8139RxFilter extends RxFilter {
    /** I/O register offsets. */
    public static final int IDR0 = 0x00;
    public static final int MAR0 = 0x08;
    public static final int RX_CONFIG = 0x44;

    /** RxConfig accept bits. */
    public static final int ACCEPT_ALL_PHYS = 0x01;
    public static final int ACCEPT_MY_PHYS = 0x02;
    public static final int ACCEPT_MULTICAST = 0x04;
    public static final int ACCEPT_BROADCAST = 0x08;

    private long idr;
    /** MAR0..7 as one word, MAR0 in the low octet: bit {@code idx} is MAR[idx >> 3] bit idx & 7. */
    private long mar;
    private int rxConfig;

    public Rtl8139RxFilter(MacAddress mac) {
        reset(mac);
    }

    /** Reset: IDR the configured MAC, MAR and RxConfig clear. */
    @Override
    public void reset(MacAddress mac) {
        idr = mac.toLong();
        mar = 0;
        rxConfig = 0;
    }

    /** An 8-bit guest write to IDR0-5 or MAR0-7; false for another offset. */
    public boolean writeRegister8(int offset, int value) {
        int v = value & 0xFF;
        if (offset >= IDR0 && offset < IDR0 + 6) {
            int shift = 8 * (5 - (offset - IDR0));
            idr = (idr & ~(0xFFL << shift)) | ((long) v << shift);
        } else if (offset >= MAR0 && offset < MAR0 + 8) {
            int shift = 8 * (offset - MAR0);
            mar = (mar & ~(0xFFL << shift)) | ((long) v << shift);
        } else {
            return false;
        }
        changed();
        return true;
    }

    /** A 32-bit guest write: RxConfig, or four octets of IDR/MAR; false for another offset. */
    public boolean writeRegister32(int offset, int value) {
        if (offset == RX_CONFIG) {
            rxConfig = value;
            changed();
            return true;
        }
        if ((offset >= IDR0 && offset + 4 <= IDR0 + 6) || (offset >= MAR0 && offset + 4 <= MAR0 + 8)) {
            for (int i = 0; i < 4; i++) {
                writeRegister8(offset + i, value >>> (8 * i));
            }
            return true;
        }
        return false;
    }

    public int rxConfig() {
        return rxConfig;
    }

    /** MAR{@code i}, 0..7. */
    public int mar(int i) {
        return (int) (mar >>> (8 * i)) & 0xFF;
    }

    @Override
    public int minimumLength() {
        return 60;
    }

    @Override
    public boolean accepts(ByteBuf f) {
        int c = rxConfig;
        if ((c & ACCEPT_ALL_PHYS) != 0) {
            return true;
        }
        long dst = MacAddress.readLong(f, f.readerIndex());
        if (dst == BROADCAST) {
            return (c & ACCEPT_BROADCAST) != 0;
        }
        if (isGroup(dst)) {
            return (c & ACCEPT_MULTICAST) != 0 && (mar & (1L << hashIndex(dst))) != 0;
        }
        return dst == idr && (c & ACCEPT_MY_PHYS) != 0;
    }

    /** {@code net_crc32(dst, 6) >> 26}: the MAR bit of a multicast address. */
    static int hashIndex(long dst) {
        return NetCrc32.ofMac(dst) >>> 26;
    }

    @Override
    public RxFilterInfo info(String name) {
        boolean aap = (rxConfig & ACCEPT_ALL_PHYS) != 0;
        boolean am = (rxConfig & ACCEPT_MULTICAST) != 0;
        RxState multicast = aap ? RxState.ALL : !am ? RxState.NONE : mar == -1L ? RxState.ALL : RxState.NORMAL;
        RxState unicast = aap ? RxState.ALL : (rxConfig & ACCEPT_MY_PHYS) == 0 ? RxState.NONE : RxState.NORMAL;
        boolean broadcastRefused = !aap && (rxConfig & ACCEPT_BROADCAST) == 0;
        return new RxFilterInfo(name, aap, multicast, unicast, RxState.ALL, broadcastRefused,
                mar != 0 && mar != -1L, false, macString(idr), List.of(), List.of(), List.of());
    }
}
