package io.netfabric.core;

import io.netfabric.wire.MacAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * The self-announce frame QEMU sends for each NIC (net/announce.c {@code announce_self_create}):
 * a broadcast RARP "reverse request" naming the NIC's MAC, zero-padded to 60 octets.
 *
 * <pre>
 *  0 ff:ff:ff:ff:ff:ff | 6 MAC | 12 0x8035
 * 14 htype 1 | 16 ptype 0x0800 | 18 hlen 6 | 19 plen 4 | 20 op 3 (reverse request)
 * 22 sha MAC | 28 spa 0.0.0.0 | 32 tha MAC | 38 tpa 0.0.0.0 | 42..59 zero
 * </pre>
 */
final class RarpAnnouncement {
    static final int LENGTH = 60;

    private RarpAnnouncement() {
    }

    /** A new frame for {@code mac}; the caller owns its reference. */
    static ByteBuf frame(MacAddress mac) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(LENGTH);
        b.writeZero(LENGTH);
        MacAddress.BROADCAST.write(b, 0);
        mac.write(b, 6);
        b.setShort(12, 0x8035);
        b.setShort(14, 1);
        b.setShort(16, 0x0800);
        b.setByte(18, 6);
        b.setByte(19, 4);
        b.setShort(20, 3);
        mac.write(b, 22);
        mac.write(b, 32);
        return b;
    }
}
