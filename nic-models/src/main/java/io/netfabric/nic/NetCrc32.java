package io.netfabric.nic;

/**
 * QEMU's {@code net_crc32} (net/net.c), the CRC the rtl8139 hashes multicast addresses with:
 * CRC-32 polynomial 0x04C11DB7 shifted MSB first, each octet's bits fed LSB first, initial value
 * all ones, no final inversion. Table-driven: reversing each octet's bits turns the LSB-first
 * feed into the usual MSB-first byte step.
 */
final class NetCrc32 {
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i << 24;
            for (int k = 0; k < 8; k++) {
                c = (c & 0x8000_0000) != 0 ? (c << 1) ^ 0x04C1_1DB7 : c << 1;
            }
            TABLE[i] = c;
        }
    }

    private NetCrc32() {
    }

    /** The CRC of the six octets of {@code mac} (48-bit value, first octet highest). */
    static int ofMac(long mac) {
        int crc = 0xFFFF_FFFF;
        for (int shift = 40; shift >= 0; shift -= 8) {
            int octet = Integer.reverse((int) (mac >>> shift) & 0xFF) >>> 24;
            crc = (crc << 8) ^ TABLE[(crc >>> 24) ^ octet];
        }
        return crc;
    }
}
