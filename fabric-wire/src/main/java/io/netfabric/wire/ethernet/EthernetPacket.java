package io.netfabric.wire.ethernet;

import io.netfabric.wire.MacAddress;
import io.netfabric.wire.Malformed;
import io.netfabric.wire.WireView;
import io.netty.buffer.ByteBuf;

/**
 * Flyweight view of an Ethernet II header, optionally with one IEEE 802.1Q tag (IEEE 802.3 §3.1.1,
 * IEEE 802.1Q §9.6; IP over Ethernet: RFC 894). No FCS.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination MAC (6 octets)                 |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                      Source MAC (6 octets)                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   TPID 0x8100 (if tagged)     | PCP |D|   VLAN ID (12 bits)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          EtherType            |  payload ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Borrows its buffer: never retains or releases it, and holds it only until the next
 * {@code wrap}. Absolute indexing; reader and writer indices never move. Not thread safe; one
 * instance per handler, reused per frame. {@link #setVlanTci} and {@link #clearVlanTag} change
 * where the EtherType lives and so invalidate {@link #wrapChecked}.
 */
public final class EthernetPacket extends WireView<EthernetPacket> {
    /** Field offsets from the start of the frame. */
    public static final class Field {
        public static final int DST = 0;
        public static final int SRC = 6;
        public static final int ETHERTYPE = 12;
        public static final int VLAN_TCI = 14;
        public static final int VLAN_ETHERTYPE = 16;

        private Field() {
        }
    }

    public static final int HEADER_LEN = 14;
    public static final int VLAN_HEADER_LEN = 18;

    @Override
    protected Malformed check() {
        if (!regionHolds(HEADER_LEN)) {
            return Malformed.TRUNCATED;
        }
        return hasVlanTag() && length < VLAN_HEADER_LEN ? Malformed.TRUNCATED : null;
    }

    public int length() {
        return length;
    }

    public MacAddress dst() {
        return MacAddress.read(buf, offset + Field.DST);
    }

    public MacAddress src() {
        return MacAddress.read(buf, offset + Field.SRC);
    }

    /** The destination as a 48-bit value, without allocating (for per-frame filters). */
    public long dstLong() {
        return MacAddress.readLong(buf, offset + Field.DST);
    }

    /** The source as a 48-bit value, without allocating. */
    public long srcLong() {
        return MacAddress.readLong(buf, offset + Field.SRC);
    }

    public void setDst(MacAddress dst) {
        dst.write(buf, offset + Field.DST);
    }

    public void setSrc(MacAddress src) {
        src.write(buf, offset + Field.SRC);
    }

    public boolean hasVlanTag() {
        return buf.getUnsignedShort(offset + Field.ETHERTYPE) == EtherType.VLAN.value();
    }

    /** The 16-bit Tag Control Information (PCP, DEI, VID); only when {@link #hasVlanTag()}. */
    public int vlanTci() {
        return buf.getUnsignedShort(offset + Field.VLAN_TCI);
    }

    /** The 12-bit VLAN identifier, or -1 when untagged. */
    public int vlanId() {
        return hasVlanTag() ? vlanTci() & 0x0FFF : -1;
    }

    /** The 3-bit Priority Code Point, or -1 when untagged. */
    public int pcp() {
        return hasVlanTag() ? vlanTci() >>> 13 : -1;
    }

    /** Writes the TPID and {@code tci}; the EtherType must be set afterwards (it moves). */
    public void setVlanTci(int tci) {
        buf.setShort(offset + Field.ETHERTYPE, EtherType.VLAN.value());
        buf.setShort(offset + Field.VLAN_TCI, tci);
    }

    /** Marks the frame untagged: the EtherType moves back to octet 12, so set it afterwards. */
    public void clearVlanTag() {
        buf.setShort(offset + Field.ETHERTYPE, 0);
    }

    private int etherTypeIndex() {
        return offset + (hasVlanTag() ? Field.VLAN_ETHERTYPE : Field.ETHERTYPE);
    }

    /** The EtherType of the payload: after the tag when tagged. */
    public int etherTypeValue() {
        return buf.getUnsignedShort(etherTypeIndex());
    }

    public EtherType etherType() {
        return EtherType.valueOf(etherTypeValue());
    }

    /** Sets the payload's EtherType (after the tag when tagged); set the tag first. */
    public void setEtherType(EtherType type) {
        buf.setShort(etherTypeIndex(), type.value());
    }

    public int headerLength() {
        return hasVlanTag() ? VLAN_HEADER_LEN : HEADER_LEN;
    }

    /** Absolute index in the buffer of the first payload octet. */
    public int payloadOffset() {
        return offset + headerLength();
    }

    public int payloadLength() {
        return length - headerLength();
    }

    /** tcpdump {@code -e} style: {@code 52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42}. */
    @Override
    public String toString() {
        if (buf == null) {
            return "EthernetPacket(unwrapped)";
        }
        if (check() != null) {
            return "EthernetPacket(" + check() + ", length " + length + ")";
        }
        StringBuilder sb = new StringBuilder(80).append(src()).append(" > ").append(dst());
        if (hasVlanTag()) {
            sb.append(", vlan ").append(vlanId()).append(", p ").append(pcp());
        }
        return sb.append(", ethertype ").append(etherType()).append(", length ").append(length).toString();
    }
}
