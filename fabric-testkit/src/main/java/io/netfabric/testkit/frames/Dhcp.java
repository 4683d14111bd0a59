package io.netfabric.testkit.frames;

import java.nio.ByteBuffer;

/** A DHCPDISCOVER frame from 52:54:00:12:34:56 and a reader for slirp's answer (RFC 2131). */
public final class Dhcp {
    public static final byte[] GUEST_MAC = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    public static final int XID = 0x3903F326;

    private Dhcp() {
    }

    /** Ethernet broadcast, IPv4 0.0.0.0 -> 255.255.255.255, UDP 68 -> 67, BOOTREQUEST DISCOVER. */
    public static byte[] discover() {
        int bootp = 240 + 4;
        int udpLen = 8 + bootp;
        int ipLen = 20 + udpLen;
        ByteBuffer b = ByteBuffer.allocate(14 + ipLen);
        b.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(GUEST_MAC).putShort((short) 0x0800);
        int ip = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) ipLen).putShort((short) 0).putShort((short) 0)
                .put((byte) 64).put((byte) 17).putShort((short) 0).putInt(0).putInt(0xFFFFFFFF);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += b.getShort(ip + i) & 0xFFFF;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        b.putShort(ip + 10, (short) ~sum);
        b.putShort((short) 68).putShort((short) 67).putShort((short) udpLen).putShort((short) 0);
        b.put((byte) 1).put((byte) 1).put((byte) 6).put((byte) 0).putInt(XID).putShort((short) 0).putShort((short) 0);
        b.putInt(0).putInt(0).putInt(0).putInt(0);
        b.put(GUEST_MAC).put(new byte[10 + 64 + 128]);
        b.putInt(0x63825363);
        b.put((byte) 53).put((byte) 1).put((byte) 1).put((byte) 255);
        return b.array();
    }

    /** True for a DHCPOFFER of 10.0.2.15 to our xid, UDP 67 -> 68 (libslirp's first lease). */
    public static boolean isOffer(byte[] f) {
        if (f == null || f.length < 14 + 20 + 8 + 240 || (f[12] & 0xff) != 0x08 || f[13] != 0) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(f);
        int ihl = (f[14] & 0x0f) * 4;
        int udp = 14 + ihl;
        if (f[14 + 9] != 17 || b.getShort(udp) != 67 || b.getShort(udp + 2) != 68) {
            return false;
        }
        int bootp = udp + 8;
        if (f[bootp] != 2 || b.getInt(bootp + 4) != XID || b.getInt(bootp + 16) != 0x0A00020F) {
            return false;
        }
        for (int i = bootp + 240; i + 1 < f.length && f[i] != (byte) 255; i += 2 + (f[i + 1] & 0xff)) {
            if (f[i] == 53) {
                return f[i + 2] == 2;
            }
        }
        return false;
    }
}
