package io.netfabric.wire;

import io.netty.buffer.ByteBuf;

/**
 * A 48-bit IEEE 802 MAC address, held in the low 48 bits of a {@code long} (first octet highest).
 * Immutable value: equal addresses are {@code equals}, whatever instance carries them.
 */
public final class MacAddress {
    public static final int LENGTH = 6;
    private static final long MASK = 0xFFFF_FFFF_FFFFL;
    /** Bit 0 of the first octet: group (multicast) address. */
    private static final long GROUP_BIT = 1L << 40;
    /** Bit 1 of the first octet: locally administered. */
    private static final long LOCAL_BIT = 1L << 41;

    public static final MacAddress ZERO = new MacAddress(0);
    public static final MacAddress BROADCAST = new MacAddress(MASK);

    private final long value;

    private MacAddress(long value) {
        this.value = value;
    }

    /** The address in the low 48 bits of {@code value}; higher bits must be zero. */
    public static MacAddress fromLong(long value) {
        if ((value & ~MASK) != 0) {
            throw new IllegalArgumentException("not a 48-bit value: 0x" + Long.toHexString(value));
        }
        return new MacAddress(value);
    }

    public static MacAddress fromBytes(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("MAC address needs 6 bytes, got " + bytes.length);
        }
        long v = 0;
        for (byte b : bytes) {
            v = (v << 8) | (b & 0xFF);
        }
        return new MacAddress(v);
    }

    /** Reads six octets at absolute {@code index}; the reader index does not move. */
    public static MacAddress read(ByteBuf buf, int index) {
        return new MacAddress(readLong(buf, index));
    }

    /** Reads six octets at absolute {@code index} as a 48-bit value, without allocating. */
    public static long readLong(ByteBuf buf, int index) {
        return ((long) buf.getUnsignedShort(index) << 32) | buf.getUnsignedInt(index + 2);
    }

    /** Writes six octets at absolute {@code index}; the writer index does not move. */
    public void write(ByteBuf buf, int index) {
        buf.setShort(index, (int) (value >>> 32));
        buf.setInt(index + 2, (int) value);
    }

    /**
     * Parses six two-digit hex octets separated by {@code :} or {@code -} (one separator kind per
     * address), as QEMU's {@code mac=} option and {@code ip link} print them.
     *
     * @throws IllegalArgumentException when the text is not such an address
     */
    public static MacAddress parse(String text) {
        if (text.length() != 17) {
            throw bad(text);
        }
        char sep = text.charAt(2);
        if (sep != ':' && sep != '-') {
            throw bad(text);
        }
        long v = 0;
        for (int i = 0; i < LENGTH; i++) {
            int p = i * 3;
            if (i > 0 && text.charAt(p - 1) != sep) {
                throw bad(text);
            }
            int hi = Character.digit(text.charAt(p), 16);
            int lo = Character.digit(text.charAt(p + 1), 16);
            if (hi < 0 || lo < 0) {
                throw bad(text);
            }
            v = (v << 8) | (hi << 4) | lo;
        }
        return new MacAddress(v);
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("not a MAC address: \"" + text + "\"");
    }

    public long toLong() {
        return value;
    }

    public byte[] toBytes() {
        byte[] b = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            b[i] = (byte) (value >>> (40 - 8 * i));
        }
        return b;
    }

    public boolean isMulticast() {
        return (value & GROUP_BIT) != 0;
    }

    public boolean isBroadcast() {
        return value == MASK;
    }

    public boolean isUnicast() {
        return !isMulticast();
    }

    public boolean isLocallyAdministered() {
        return (value & LOCAL_BIT) != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress && ((MacAddress) o).value == value;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value);
    }

    /** Lowercase colon form, {@code 52:54:00:12:34:56}. */
    @Override
    public String toString() {
        char[] c = new char[17];
        for (int i = 0; i < LENGTH; i++) {
            int octet = (int) (value >>> (40 - 8 * i)) & 0xFF;
            c[i * 3] = Character.forDigit(octet >>> 4, 16);
            c[i * 3 + 1] = Character.forDigit(octet & 0xF, 16);
            if (i < LENGTH - 1) {
                c[i * 3 + 2] = ':';
            }
        }
        return new String(c);
    }
}
