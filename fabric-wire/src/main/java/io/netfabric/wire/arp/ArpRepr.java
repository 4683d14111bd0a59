package io.netfabric.wire.arp;

import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.MacAddress;
import java.util.Objects;

/**
 * An Ethernet/IPv4 ARP or RARP packet as a value, fields named as in RFC 826.
 *
 * @param op operation
 * @param sha sender hardware address
 * @param spa sender protocol address
 * @param tha target hardware address
 * @param tpa target protocol address
 */
public record ArpRepr(ArpOperation op, MacAddress sha, Ipv4Address spa, MacAddress tha, Ipv4Address tpa) {
    public ArpRepr {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(sha, "sha");
        Objects.requireNonNull(spa, "spa");
        Objects.requireNonNull(tha, "tha");
        Objects.requireNonNull(tpa, "tpa");
    }

    /** Reads a view that passed {@link ArpPacket#wrapChecked}; cannot fail. */
    public static ArpRepr parse(ArpPacket p) {
        return new ArpRepr(p.op(), p.sha(), p.spa(), p.tha(), p.tpa());
    }

    public int headerLen() {
        return ArpPacket.HEADER_LEN;
    }

    /** Writes all 28 octets into {@code p}, which must be wrapped over at least that many. */
    public void emit(ArpPacket p) {
        p.setEthernetIpv4();
        p.setOp(op);
        p.setSha(sha);
        p.setSpa(spa);
        p.setTha(tha);
        p.setTpa(tpa);
    }
}
