package io.netfabric.wire;

/**
 * The IPv4 Protocol / IPv6 Next Header number (IANA "Assigned Internet Protocol Numbers"). An open
 * value class: {@link #valueOf(int)} returns the named constant for a known number and an unnamed
 * instance for any other, so an unknown protocol is carried, not rejected. All 256 instances are
 * made once; {@code valueOf} never allocates.
 */
public final class IpProtocol {
    private static final IpProtocol[] ALL = new IpProtocol[256];

    public static final IpProtocol HOPOPT = define(0, "HOPOPT");
    public static final IpProtocol ICMP = define(1, "ICMP");
    public static final IpProtocol IGMP = define(2, "IGMP");
    public static final IpProtocol TCP = define(6, "TCP");
    public static final IpProtocol UDP = define(17, "UDP");
    public static final IpProtocol IPV6_ROUTE = define(43, "IPv6-Route");
    public static final IpProtocol IPV6_FRAG = define(44, "IPv6-Frag");
    public static final IpProtocol GRE = define(47, "GRE");
    public static final IpProtocol ESP = define(50, "ESP");
    public static final IpProtocol AH = define(51, "AH");
    public static final IpProtocol ICMPV6 = define(58, "ICMPv6");
    public static final IpProtocol IPV6_NONXT = define(59, "IPv6-NoNxt");
    public static final IpProtocol IPV6_OPTS = define(60, "IPv6-Opts");
    public static final IpProtocol L2TP = define(115, "L2TP");
    public static final IpProtocol SCTP = define(132, "SCTP");

    static {
        for (int i = 0; i < ALL.length; i++) {
            if (ALL[i] == null) {
                ALL[i] = new IpProtocol(i, null);
            }
        }
    }

    private final int value;
    private final String name;

    private IpProtocol(int value, String name) {
        this.value = value;
        this.name = name;
    }

    private static IpProtocol define(int value, String name) {
        IpProtocol p = new IpProtocol(value, name);
        ALL[value] = p;
        return p;
    }

    /** The protocol for {@code value} 0-255. */
    public static IpProtocol valueOf(int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("IP protocol out of range: " + value);
        }
        return ALL[value];
    }

    public int value() {
        return value;
    }

    /** True when this number has a name here. */
    public boolean isKnown() {
        return name != null;
    }

    // One instance per number, so identity equality is value equality.
    @Override
    public boolean equals(Object o) {
        return o instanceof IpProtocol && ((IpProtocol) o).value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }

    /** The IANA keyword ({@code UDP}), or the decimal number for an unnamed protocol. */
    @Override
    public String toString() {
        return name != null ? name : Integer.toString(value);
    }
}
