package io.netfabric.tap;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.wire.InetChecksum;
import io.netfabric.wire.virtio.VirtioNetHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A TCPv4 super-frame with a virtio-net header, cut as the kernel's GSO would cut it. */
class GsoSegmenterTest {
    private static final int HDR = VirtioNetHeader.LEN;

    private static ByteBuf superFrame(int payload, int mss, int tcpFlags) {
        ByteBuf b = Unpooled.buffer(HDR + 54 + payload);
        b.writeZero(HDR);
        new VirtioNetHeader().wrap(b, 0, HDR).setFlags(VirtioNetHeader.FLAG_NEEDS_CSUM);
        new VirtioNetHeader().wrap(b, 0, HDR).setGsoType(VirtioNetHeader.GSO_TCPV4);
        new VirtioNetHeader().wrap(b, 0, HDR).setGsoSize(mss);
        new VirtioNetHeader().wrap(b, 0, HDR).setCsumStart(34);
        new VirtioNetHeader().wrap(b, 0, HDR).setCsumOffset(16);
        b.writeBytes(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0});
        b.writeByte(0x45).writeByte(0).writeShort(20 + 20 + payload).writeShort(100).writeShort(0x4000)
                .writeByte(64).writeByte(6).writeShort(0).writeInt(0x0A090001).writeInt(0x0A090002);
        b.writeShort(5000).writeShort(5201).writeInt(1000).writeInt(0).writeByte(0x50).writeByte(tcpFlags)
                .writeShort(512).writeShort(0).writeShort(0);
        for (int i = 0; i < payload; i++) {
            b.writeByte(i * 7);
        }
        return b;
    }

    @Test
    void segmentsCarryTheDataInOrderWithValidChecksums() {
        int payload = 4000;
        int mss = 1448;
        ByteBuf src = superFrame(payload, mss, 0x18 | 0x01 | 0x80); // PSH ACK FIN CWR
        List<ByteBuf> out = new ArrayList<>();
        try {
            boolean ok = new GsoSegmenter(PooledByteBufAllocator.DEFAULT)
                    .emit(src, 0, HDR, HDR, src.readableBytes() - HDR, out);
            assertThat(ok).isTrue();
            assertThat(out).hasSize(3);
            int seen = 0;
            for (int k = 0; k < out.size(); k++) {
                ByteBuf f = out.get(k);
                int p = Math.min(mss, payload - seen);
                assertThat(f.readableBytes()).isEqualTo(54 + p);
                assertThat(f.getUnsignedShort(16)).isEqualTo(40 + p);
                assertThat(f.getUnsignedShort(18)).isEqualTo(100 + k);
                assertThat(InetChecksum.checksum(f, 14, 20)).isZero();
                int pseudo = InetChecksum.pseudoHeaderIpv4(0x0A090001, 0x0A090002, 6, 20 + p);
                assertThat(InetChecksum.finish(InetChecksum.add(pseudo, InetChecksum.sum(f, 34, 20 + p)))).isZero();
                assertThat(f.getUnsignedInt(38)).isEqualTo(1000 + seen);
                int flags = f.getUnsignedByte(47);
                assertThat((flags & 0x80) != 0).isEqualTo(k == 0);
                assertThat((flags & 0x09) != 0).isEqualTo(k == out.size() - 1);
                for (int i = 0; i < p; i++) {
                    assertThat(f.getByte(54 + i)).isEqualTo((byte) ((seen + i) * 7));
                }
                seen += p;
            }
            assertThat(seen).isEqualTo(payload);
        } finally {
            src.release();
            out.forEach(ByteBuf::release);
        }
    }

    @Test
    void aShortFrameIsPaddedAndGarbageIsRefused() {
        ByteBuf src = Unpooled.buffer(HDR + 20).writeZero(HDR + 20);
        List<ByteBuf> out = new ArrayList<>();
        try {
            GsoSegmenter s = new GsoSegmenter(PooledByteBufAllocator.DEFAULT);
            assertThat(s.emit(src, 0, HDR, HDR, 20, out)).isTrue();
            assertThat(out.get(0).readableBytes()).isEqualTo(60);
            src.setByte(1, VirtioNetHeader.GSO_TCPV4);
            assertThat(s.emit(src, 0, HDR, HDR, 20, out)).isFalse();
            assertThat(out).hasSize(1);
        } finally {
            src.release();
            out.forEach(ByteBuf::release);
        }
    }
}
