package io.netfabric.wire.arp;

import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.MacAddress;
import io.netfabric.wire.Malformed;
import io.netfabric.wire.WireView;
import io.netty.buffer.ByteBuf;

/**
 * Flyweight view of an ARP or RARP packet for Ethernet and IPv4 (RFC 826 "Packet format";
 * RFC 903 for opcodes 3 and 4), the only pair a virtual Ethernet carries.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ar$hrd (1 Ethernet)      |     ar$pro (0x0800 IPv4)      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ar$hln (6)   |  ar$pln (4)   |            ar$op              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  ar$sha (sender hardware, 6)                  |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |  ar$spa (sender protocol, 4)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                  ar$tha (target hardware, 6)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  ar$tpa (target protocol, 4)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Borrows its buffer (never retains or releases). Absolute indexing. Not thread safe.
 * {@link #wrapChecked} refuses other hardware/protocol pairs as {@link Malformed#UNSUPPORTED};
 * setting {@code hrd}, {@code pro}, {@code hln} or {@code pln} invalidates it.
 */
public final class ArpPacket extends WireView<ArpPacket> {
    /** Field offsets from the start of the ARP packet. */
    public static final class Field {
        public static final int HRD = 0;
        public static final int PRO = 2;
        public static final int HLN = 4;
        public static final int PLN = 5;
        public static final int OP = 6;
        public static final int SHA = 8;
        public static final int SPA = 14;
        public static final int THA = 18;
        public static final int TPA = 24;

        private Field() {
        }
    }

    /** Fixed part: hrd, pro, hln, pln, op. */
    public static final int MIN_LEN = 8;
    /** Length of an Ethernet/IPv4 ARP packet. */
    public static final int HEADER_LEN = 28;
    public static final int HRD_ETHERNET = 1;
    public static final int PRO_IPV4 = 0x0800;

    @Override
    protected Malformed check() {
        if (!regionHolds(MIN_LEN)) {
            return Malformed.TRUNCATED;
        }
        if (hrd() != HRD_ETHERNET || pro() != PRO_IPV4 || hln() != MacAddress.LENGTH || pln() != Ipv4Address.LENGTH) {
            return Malformed.UNSUPPORTED;
        }
        return length < HEADER_LEN ? Malformed.TRUNCATED : null;
    }

    public int hrd() {
        return buf.getUnsignedShort(offset + Field.HRD);
    }

    public int pro() {
        return buf.getUnsignedShort(offset + Field.PRO);
    }

    public int hln() {
        return buf.getUnsignedByte(offset + Field.HLN);
    }

    public int pln() {
        return buf.getUnsignedByte(offset + Field.PLN);
    }

    public ArpOperation op() {
        return ArpOperation.valueOf(buf.getUnsignedShort(offset + Field.OP));
    }

    public MacAddress sha() {
        return MacAddress.read(buf, offset + Field.SHA);
    }

    public Ipv4Address spa() {
        return Ipv4Address.read(buf, offset + Field.SPA);
    }

    public MacAddress tha() {
        return MacAddress.read(buf, offset + Field.THA);
    }

    public Ipv4Address tpa() {
        return Ipv4Address.read(buf, offset + Field.TPA);
    }

    /** Writes hrd=1, pro=0x0800, hln=6, pln=4: the fixed part for Ethernet/IPv4. */
    public void setEthernetIpv4() {
        buf.setShort(offset + Field.HRD, HRD_ETHERNET);
        buf.setShort(offset + Field.PRO, PRO_IPV4);
        buf.setByte(offset + Field.HLN, MacAddress.LENGTH);
        buf.setByte(offset + Field.PLN, Ipv4Address.LENGTH);
    }

    public void setOp(ArpOperation op) {
        buf.setShort(offset + Field.OP, op.value());
    }

    public void setSha(MacAddress sha) {
        sha.write(buf, offset + Field.SHA);
    }

    public void setSpa(Ipv4Address spa) {
        spa.write(buf, offset + Field.SPA);
    }

    public void setTha(MacAddress tha) {
        tha.write(buf, offset + Field.THA);
    }

    public void setTpa(Ipv4Address tpa) {
        tpa.write(buf, offset + Field.TPA);
    }

    /** tcpdump style: {@code ARP, Request who-has 10.0.2.2 tell 10.0.2.15, length 28}. */
    @Override
    public String toString() {
        if (buf == null) {
            return "ArpPacket(unwrapped)";
        }
        if (check() != null) {
            return "ArpPacket(" + check() + ", length " + length + ")";
        }
        ArpOperation op = op();
        String body;
        if (op.equals(ArpOperation.REQUEST)) {
            body = "Request who-has " + tpa() + " tell " + spa();
        } else if (op.equals(ArpOperation.REPLY)) {
            body = "Reply " + spa() + " is-at " + sha();
        } else if (op.equals(ArpOperation.RARP_REQUEST)) {
            body = "Reverse Request who-is " + tha() + " tell " + sha();
        } else if (op.equals(ArpOperation.RARP_REPLY)) {
            body = "Reverse Reply " + tha() + " at " + tpa();
        } else {
            body = op + " " + sha() + " " + spa() + " > " + tha() + " " + tpa();
        }
        return (op.value() >= 3 && op.value() <= 4 ? "RARP, " : "ARP, ") + body + ", length " + length;
    }
}
