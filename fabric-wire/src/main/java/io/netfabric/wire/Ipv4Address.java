package io.netfabric.wire;

import io.netty.buffer.ByteBuf;

/** An IPv4 address held in an {@code int} (network order: first octet highest). Immutable value. */
public final class Ipv4Address {
    public static final int LENGTH = 4;
    public static final Ipv4Address ANY = new Ipv4Address(0);
    public static final Ipv4Address BROADCAST = new Ipv4Address(-1);

    private final int value;

    private Ipv4Address(int value) {
        this.value = value;
    }

    public static Ipv4Address fromInt(int value) {
        return new Ipv4Address(value);
    }

    public static Ipv4Address of(int a, int b, int c, int d) {
        for (int octet : new int[] {a, b, c, d}) {
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("octet out of range: " + octet);
            }
        }
        return new Ipv4Address(a << 24 | b << 16 | c << 8 | d);
    }

    public static Ipv4Address fromBytes(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("IPv4 address needs 4 bytes, got " + bytes.length);
        }
        return new Ipv4Address((bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | (bytes[3] & 0xFF));
    }

    /** Reads four octets at absolute {@code index}. */
    public static Ipv4Address read(ByteBuf buf, int index) {
        return new Ipv4Address(buf.getInt(index));
    }

    /** Writes four octets at absolute {@code index}. */
    public void write(ByteBuf buf, int index) {
        buf.setInt(index, value);
    }

    /**
     * Parses a strict dotted quad: exactly four decimal octets 0-255, no leading zeros (which
     * {@code inet_aton} would read as octal), no signs, no spaces.
     *
     * @throws IllegalArgumentException when the text is not such an address
     */
    public static Ipv4Address parse(String text) {
        int v = 0;
        int octets = 0;
        int i = 0;
        int n = text.length();
        while (true) {
            int start = i;
            int octet = 0;
            while (i < n && i - start < 4) {
                char ch = text.charAt(i);
                if (ch < '0' || ch > '9') {
                    break;
                }
                octet = octet * 10 + (ch - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || octet > 255 || (digits > 1 && text.charAt(start) == '0')) {
                throw bad(text);
            }
            v = (v << 8) | octet;
            octets++;
            if (octets == 4) {
                if (i != n) {
                    throw bad(text);
                }
                return new Ipv4Address(v);
            }
            if (i >= n || text.charAt(i) != '.') {
                throw bad(text);
            }
            i++;
        }
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("not a dotted-quad IPv4 address: \"" + text + "\"");
    }

    /** The netmask for a prefix length 0-32, as an int ({@code 24 -> 0xFFFFFF00}). */
    public static int netmask(int prefixLen) {
        if (prefixLen < 0 || prefixLen > 32) {
            throw new IllegalArgumentException("prefix length out of range: " + prefixLen);
        }
        return prefixLen == 0 ? 0 : -1 << (32 - prefixLen);
    }

    /** True when this address lies in {@code net/prefixLen} (host bits of {@code net} are ignored). */
    public boolean inSubnet(Ipv4Address net, int prefixLen) {
        int mask = netmask(prefixLen);
        return (value & mask) == (net.value & mask);
    }

    /** This address with the host bits of a {@code prefixLen} network cleared. */
    public Ipv4Address network(int prefixLen) {
        return new Ipv4Address(value & netmask(prefixLen));
    }

    /** The directed broadcast address of this address's {@code prefixLen} network. */
    public Ipv4Address subnetBroadcast(int prefixLen) {
        return new Ipv4Address(value | ~netmask(prefixLen));
    }

    public int toInt() {
        return value;
    }

    public byte[] toBytes() {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    public boolean isUnspecified() {
        return value == 0;
    }

    public boolean isBroadcast() {
        return value == -1;
    }

    /** 224.0.0.0/4 (RFC 5771). */
    public boolean isMulticast() {
        return (value >>> 28) == 0xE;
    }

    /** 127.0.0.0/8. */
    public boolean isLoopback() {
        return (value >>> 24) == 127;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv4Address && ((Ipv4Address) o).value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }

    @Override
    public String toString() {
        return (value >>> 24) + "." + ((value >>> 16) & 0xFF) + "." + ((value >>> 8) & 0xFF) + "." + (value & 0xFF);
    }
}
