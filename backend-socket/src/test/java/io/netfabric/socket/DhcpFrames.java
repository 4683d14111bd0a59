package io.netfabric.socket;

import java.nio.ByteBuffer;

/**
 * The DHCP exchange the interop tests run against QEMU's slirp: a DHCPDISCOVER (RFC 2131 §4.4.1,
 * broadcast, from 52:54:00:12:34:56) and the test for slirp's DHCPOFFER of 10.0.2.15.
 */
final class DhcpFrames {
    static final byte[] CLIENT_MAC = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

    private DhcpFrames() {
    }

    /** Ethernet + IPv4 (0.0.0.0 -> 255.255.255.255) + UDP 68 -> 67 + BOOTREQUEST with option 53 = 1. */
    static byte[] discover(int xid) {
        int bootp = 300;
        int udpLen = 8 + bootp;
        int ipLen = 20 + udpLen;
        ByteBuffer b = ByteBuffer.allocate(14 + ipLen);
        b.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(CLIENT_MAC).putShort((short) 0x0800);
        int ip = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) ipLen).putShort((short) 0).putShort((short) 0)
                .put((byte) 64).put((byte) 17).putShort((short) 0).putInt(0).putInt(0xffffffff);
        b.putShort(ip + 10, ipChecksum(b.array(), ip));
        b.putShort((short) 68).putShort((short) 67).putShort((short) udpLen).putShort((short) 0);
        int start = b.position();
        b.put((byte) 1).put((byte) 1).put((byte) 6).put((byte) 0).putInt(xid).putShort((short) 0)
                .putShort((short) 0x8000);   // broadcast flag: the client has no address yet
        b.position(b.position() + 16);        // ciaddr, yiaddr, siaddr, giaddr
        b.put(CLIENT_MAC);
        b.position(start + 236);              // rest of chaddr, sname, file
        b.putInt(0x63825363);                 // magic cookie
        b.put((byte) 53).put((byte) 1).put((byte) 1);   // DHCPDISCOVER
        b.put((byte) 255);
        return b.array();
    }

    /** True for slirp's DHCPOFFER of 10.0.2.15 answering {@code xid}. */
    static boolean isOfferOf10_0_2_15(byte[] f, int xid) {
        if (f.length < 14 + 20 + 8 + 240 || (f[12] & 0xff) != 0x08 || f[13] != 0x00 || f[14 + 9] != 17) {
            return false;
        }
        int ihl = (f[14] & 0x0f) * 4;
        int udp = 14 + ihl;
        ByteBuffer b = ByteBuffer.wrap(f);
        if ((b.getShort(udp) & 0xffff) != 67) {
            return false;
        }
        int bootp = udp + 8;
        if (f[bootp] != 2 || b.getInt(bootp + 4) != xid || b.getInt(bootp + 16) != 0x0a00020f) {
            return false;
        }
        for (int i = bootp + 240; i + 1 < f.length && (f[i] & 0xff) != 255; ) {
            int code = f[i] & 0xff;
            if (code == 0) {
                i++;
                continue;
            }
            if (code == 53) {
                return f[i + 2] == 2;
            }
            i += 2 + (f[i + 1] & 0xff);
        }
        return false;
    }

    private static short ipChecksum(byte[] a, int off) {
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((a[off + i] & 0xff) << 8) | (a[off + i + 1] & 0xff);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (short) ~sum;
    }
}
