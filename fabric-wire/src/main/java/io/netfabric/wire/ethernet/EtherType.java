package io.netfabric.wire.ethernet;

import java.util.HashMap;
import java.util.Map;

/**
 * The 16-bit EtherType of an Ethernet II frame (IEEE 802.3 §3.2.6, IEEE Registration Authority).
 * An open value class: {@link #valueOf(int)} returns the constant for a known type (no
 * allocation) and a new unnamed instance for any other. Values below 0x0600 are 802.3 lengths,
 * not types; they are carried as unnamed values.
 */
public final class EtherType {
    private static final Map<Integer, EtherType> KNOWN = new HashMap<>();

    public static final EtherType IPV4 = define(0x0800, "IPv4");
    public static final EtherType ARP = define(0x0806, "ARP");
    public static final EtherType RARP = define(0x8035, "RARP");
    public static final EtherType VLAN = define(0x8100, "802.1Q");
    public static final EtherType IPV6 = define(0x86DD, "IPv6");
    public static final EtherType QINQ = define(0x88A8, "802.1ad");
    public static final EtherType LLDP = define(0x88CC, "LLDP");

    private final int value;
    private final String name;

    private EtherType(int value, String name) {
        this.value = value;
        this.name = name;
    }

    private static EtherType define(int value, String name) {
        EtherType t = new EtherType(value, name);
        KNOWN.put(value, t);
        return t;
    }

    /** The type for {@code value} 0-0xFFFF. */
    public static EtherType valueOf(int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException("EtherType out of range: " + value);
        }
        EtherType t = KNOWN.get(value);
        return t != null ? t : new EtherType(value, null);
    }

    public int value() {
        return value;
    }

    public boolean isKnown() {
        return name != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EtherType && ((EtherType) o).value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }

    /** {@code IPv4 (0x0800)}, or {@code 0x88b5} for an unnamed type. */
    @Override
    public String toString() {
        String hex = String.format("0x%04x", value);
        return name != null ? name + " (" + hex + ")" : hex;
    }
}
