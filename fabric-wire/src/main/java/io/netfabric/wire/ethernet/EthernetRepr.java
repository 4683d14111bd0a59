package io.netfabric.wire.ethernet;

import io.netfabric.wire.MacAddress;
import java.util.Objects;

/**
 * An Ethernet II header as a value: addresses, payload EtherType and an optional 802.1Q tag.
 *
 * @param dst destination address
 * @param src source address
 * @param etherType the payload's EtherType: behind the tag when tagged (0x8100 there is a second tag,
 *     carried as payload); never 0x8100 for an untagged frame
 * @param vlanTci the tag's TCI 0-0xFFFF, or {@link #UNTAGGED}
 */
public record EthernetRepr(MacAddress dst, MacAddress src, EtherType etherType, int vlanTci) {
    public static final int UNTAGGED = -1;

    public EthernetRepr {
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(etherType, "etherType");
        if (vlanTci < UNTAGGED || vlanTci > 0xFFFF) {
            throw new IllegalArgumentException("vlanTci out of range: " + vlanTci);
        }
        if (vlanTci == UNTAGGED && etherType.equals(EtherType.VLAN)) {
            throw new IllegalArgumentException("an untagged frame cannot carry EtherType 0x8100; set vlanTci");
        }
    }

    public static EthernetRepr untagged(MacAddress dst, MacAddress src, EtherType etherType) {
        return new EthernetRepr(dst, src, etherType, UNTAGGED);
    }

    /** Reads a view that passed {@link EthernetPacket#wrapChecked}; cannot fail. */
    public static EthernetRepr parse(EthernetPacket p) {
        return new EthernetRepr(p.dst(), p.src(), p.etherType(), p.hasVlanTag() ? p.vlanTci() : UNTAGGED);
    }

    public boolean hasVlanTag() {
        return vlanTci != UNTAGGED;
    }

    /** The 12-bit VLAN identifier, or -1 when untagged. */
    public int vlanId() {
        return hasVlanTag() ? vlanTci & 0x0FFF : -1;
    }

    public int headerLen() {
        return hasVlanTag() ? EthernetPacket.VLAN_HEADER_LEN : EthernetPacket.HEADER_LEN;
    }

    /** Writes the header into {@code p}, which must be wrapped over at least {@link #headerLen()} octets. */
    public void emit(EthernetPacket p) {
        p.setDst(dst);
        p.setSrc(src);
        if (hasVlanTag()) {
            p.setVlanTci(vlanTci);
        } else {
            p.clearVlanTag();
        }
        p.setEtherType(etherType);
    }
}
