package io.netfabric.wire.arp;

/**
 * The ARP {@code ar$op} code (RFC 826; RARP: RFC 903). An open value class: {@link #valueOf(int)}
 * returns the constant for codes 1-4 and an unnamed instance for any other.
 */
public final class ArpOperation {
    public static final ArpOperation REQUEST = new ArpOperation(1, "Request");
    public static final ArpOperation REPLY = new ArpOperation(2, "Reply");
    public static final ArpOperation RARP_REQUEST = new ArpOperation(3, "Reverse Request");
    public static final ArpOperation RARP_REPLY = new ArpOperation(4, "Reverse Reply");

    private static final ArpOperation[] KNOWN = {null, REQUEST, REPLY, RARP_REQUEST, RARP_REPLY};

    private final int value;
    private final String name;

    private ArpOperation(int value, String name) {
        this.value = value;
        this.name = name;
    }

    /** The operation for {@code value} 0-0xFFFF. */
    public static ArpOperation valueOf(int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException("ARP operation out of range: " + value);
        }
        return value < KNOWN.length && KNOWN[value] != null ? KNOWN[value] : new ArpOperation(value, null);
    }

    public int value() {
        return value;
    }

    public boolean isKnown() {
        return name != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArpOperation && ((ArpOperation) o).value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }

    @Override
    public String toString() {
        return name != null ? name : "op " + value;
    }
}
