package io.netfabric.nic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Hand-built Ethernet frames for filter decisions (heap, unpooled: no reference to release). */
final class TestFrames {
    static final String BCAST = "ff:ff:ff:ff:ff:ff";
    static final String SRC = "02:00:00:00:00:99";

    private TestFrames() {
    }

    static byte[] mac(String s) {
        String[] p = s.split(":");
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) Integer.parseInt(p[i], 16);
        }
        return b;
    }

    /** A 60-octet untagged IPv4 frame to {@code dst}. */
    static ByteBuf to(String dst) {
        byte[] f = new byte[60];
        System.arraycopy(mac(dst), 0, f, 0, 6);
        System.arraycopy(mac(SRC), 0, f, 6, 6);
        f[12] = 0x08;
        f[13] = 0x00;
        return Unpooled.wrappedBuffer(f);
    }

    /** A 64-octet 802.1Q frame to {@code dst} with tag control {@code tci} (PCP, DEI, VLAN id). */
    static ByteBuf tagged(String dst, int tci) {
        return tagged(dst, 0x8100, tci);
    }

    static ByteBuf tagged(String dst, int tpid, int tci) {
        byte[] f = new byte[64];
        System.arraycopy(mac(dst), 0, f, 0, 6);
        System.arraycopy(mac(SRC), 0, f, 6, 6);
        f[12] = (byte) (tpid >> 8);
        f[13] = (byte) tpid;
        f[14] = (byte) (tci >> 8);
        f[15] = (byte) tci;
        f[16] = 0x08;
        f[17] = 0x00;
        return Unpooled.wrappedBuffer(f);
    }
}
