package io.netfabric.wire.ethernet;

/**
 * The 16-bit EtherType of an Ethernet II frame (IEEE 802.3 §3.2.6, IEEE Registration Authority).
 * An open value class: {@link #valueOf(int)} returns the constant for a known type (no
 * allocation) and a new unnamed instance for any other. Values below 0x0600 are 802.3 lengths,
 * not types; they are carried as unnamed values.
 */
public final class EtherType {
    public static final EtherType IPV4 = new EtherType(0x0800, "IPv4");
    public static final EtherType ARP = new EtherType(0x0806, "ARP");
    public static final EtherType RARP = new EtherType(0x8035, "RARP");
    public static final EtherType VLAN = new EtherType(0x8100, "802.1Q");
    public static final EtherType IPV6 = new EtherType(0x86DD, "IPv6");
    public static final EtherType QINQ = new EtherType(0x88A8, "802.1ad");
    public static final EtherType LLDP = new EtherType(0x88CC, "LLDP");
    /** DMTF DSP0222 NC-SI, between a BMC and its network controller. */
    public static final EtherType NCSI = new EtherType(0x88F8, "NC-SI");

    private final int value;
    private final String name;

    private EtherType(int value, String name) {
        this.value = value;
        this.name = name;
    }

    /** The type for {@code value} 0-0xFFFF. */
    public static EtherType valueOf(int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException("EtherType out of range: " + value);
        }
        // A switch, not a map: the lookup runs per frame and must not box.
        switch (value) {
            case 0x0800:
                return IPV4;
            case 0x0806:
                return ARP;
            case 0x8035:
                return RARP;
            case 0x8100:
                return VLAN;
            case 0x86DD:
                return IPV6;
            case 0x88A8:
                return QINQ;
            case 0x88CC:
                return LLDP;
            case 0x88F8:
                return NCSI;
            default:
                return new EtherType(value, null);
        }
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
