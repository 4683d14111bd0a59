package io.netfabric.wire.virtio;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.wire.InetChecksum;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A TCPv4 super-frame with its offload descriptor, cut as the kernel's GSO would cut it. */
class GsoSegmenterTest {
    /** A TCPv4 frame 10.9.0.1:5000 -> 10.9.0.2:5201 whose TCP checksum holds the pseudo-header sum only. */
    static ByteBuf superFrame(int payload, int tcpFlags) {
        ByteBuf b = Unpooled.buffer(54 + payload);
        b.writeBytes(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0});
        b.writeByte(0x45).writeByte(0).writeShort(20 + 20 + payload).writeShort(100).writeShort(0x4000)
                .writeByte(64).writeByte(6).writeShort(0).writeInt(0x0A090001).writeInt(0x0A090002);
        b.setShort(24, InetChecksum.checksum(b, 14, 20));
        b.writeShort(5000).writeShort(5201).writeInt(1000).writeInt(0).writeByte(0x50).writeByte(tcpFlags)
                .writeShort(512).writeShort(0).writeShort(0);
        for (int i = 0; i < payload; i++) {
            b.writeByte(i * 7);
        }
        // CHECKSUM_PARTIAL as Linux leaves it: the pseudo-header sum, not complemented.
        b.setShort(50, InetChecksum.pseudoHeaderIpv4(0x0A090001, 0x0A090002, 6, 20 + payload));
        return b;
    }

    static long tso4(int mss) {
        return Offload.of(VirtioNetHeader.FLAG_NEEDS_CSUM, VirtioNetHeader.GSO_TCPV4, mss, 34, 16);
    }

    @Test
    void segmentsCarryTheDataInOrderWithValidChecksums() {
        int payload = 4000;
        int mss = 1448;
        ByteBuf src = superFrame(payload, 0x18 | 0x01 | 0x80); // PSH ACK FIN CWR
        List<ByteBuf> out = new ArrayList<>();
        try {
            assertThat(GsoSegmenter.segment(src, tso4(mss), PooledByteBufAllocator.DEFAULT, out)).isTrue();
            assertThat(src.readerIndex()).isZero();
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
    void aPartialChecksumIsCompletedInPlace() {
        ByteBuf f = superFrame(100, 0x18);
        try {
            f.readerIndex(0);
            assertThat(GsoSegmenter.completeChecksum(f, 34, 16)).isTrue();
            int pseudo = InetChecksum.pseudoHeaderIpv4(0x0A090001, 0x0A090002, 6, 120);
            assertThat(InetChecksum.finish(InetChecksum.add(pseudo, InetChecksum.sum(f, 34, 120)))).isZero();
            assertThat(GsoSegmenter.completeChecksum(f, 200, 16)).isFalse();
        } finally {
            f.release();
        }
    }

    @Test
    void garbageAndUdpGsoAreRefused() {
        ByteBuf src = Unpooled.buffer(34).writeZero(34);
        List<ByteBuf> out = new ArrayList<>();
        try {
            assertThat(GsoSegmenter.segment(src, tso4(1448), PooledByteBufAllocator.DEFAULT, out)).isFalse();
            long udp = Offload.of(0, VirtioNetHeader.GSO_UDP_L4, 1400, 34, 6);
            assertThat(GsoSegmenter.segment(src, udp, PooledByteBufAllocator.DEFAULT, out)).isFalse();
            assertThat(out).isEmpty();
        } finally {
            src.release();
        }
    }

    @Test
    void theDescriptorKeepsEveryOffloadFieldOfTheHeader() {
        ByteBuf b = Unpooled.buffer(VirtioNetHeader.LEN).writeZero(VirtioNetHeader.LEN);
        try {
            VirtioNetHeader h = new VirtioNetHeader().wrap(b, 0, VirtioNetHeader.LEN);
            assertThat(Offload.of(h)).isEqualTo(Offload.NONE);
            h.setFlags(VirtioNetHeader.FLAG_DATA_VALID);
            assertThat(Offload.of(h)).isEqualTo(Offload.NONE);
            h.setFlags(VirtioNetHeader.FLAG_NEEDS_CSUM);
            h.setGsoType(VirtioNetHeader.GSO_TCPV6 | VirtioNetHeader.GSO_ECN);
            h.setGsoSize(65000);
            h.setCsumStart(54);
            h.setCsumOffset(16);
            long o = Offload.of(h);
            assertThat(Offload.needsCsum(o)).isTrue();
            assertThat(Offload.isGso(o)).isTrue();
            assertThat(Offload.gsoProtocol(o)).isEqualTo(VirtioNetHeader.GSO_TCPV6);
            assertThat(Offload.gsoType(o)).isEqualTo(VirtioNetHeader.GSO_TCPV6 | VirtioNetHeader.GSO_ECN);
            assertThat(Offload.gsoSize(o)).isEqualTo(65000);
            assertThat(Offload.csumStart(o)).isEqualTo(54);
            assertThat(Offload.csumOffset(o)).isEqualTo(16);
            assertThat(Offload.headerLength(o, 32)).isEqualTo(86);
            h.clear();
            Offload.writeTo(o, h, 86);
            assertThat(Offload.of(h)).isEqualTo(o);
            assertThat(h.hdrLen()).isEqualTo(86);
        } finally {
            b.release();
        }
    }
}
