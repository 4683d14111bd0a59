package io.netfabric.hubport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.core.Fabric;
import io.netfabric.core.options.HubPortOptions;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.testing.RecordingClient;
import io.netfabric.wire.InetChecksum;
import io.netfabric.wire.virtio.Offload;
import io.netfabric.wire.virtio.VirtioNetHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Offloaded frames through a hub: whole to members that accept them, completed and segmented
 * for the others, per destination.
 */
class HubOffloadTest {
    private static final int MSS = 1448;
    /** A 64 KiB TSO frame as a tap with a virtio-net header reads it: 65 535 bytes of IP. */
    private static final int PAYLOAD = 65535 - 40;
    private static final long TSO4 = Offload.of(VirtioNetHeader.FLAG_NEEDS_CSUM, VirtioNetHeader.GSO_TCPV4, MSS, 34, 16);
    private static final long CSUM = Offload.of(VirtioNetHeader.FLAG_NEEDS_CSUM, VirtioNetHeader.GSO_NONE, 0, 34, 16);

    private Fabric fabric;
    private RecordingClient a;
    private RecordingClient b;
    private RecordingClient c;
    private RecordingClient d;

    @BeforeEach
    void wire() {
        fabric = Fabric.create();
        a = new RecordingClient("a");
        b = new RecordingClient("b");
        c = new RecordingClient("c");
        d = new RecordingClient("d");
        a.setAcceptsOffload(true);
        b.setAcceptsOffload(true);
        for (RecordingClient e : new RecordingClient[] {a, b, c, d}) {
            fabric.addClient(e);
            fabric.addNetdev(new Netdev("p" + e.name(), new HubPortOptions(0, e.name())));
        }
    }

    @AfterEach
    void close() {
        fabric.close();
    }

    /** TCPv4 10.9.0.1:5000 -> 10.9.0.2:5201, its TCP checksum the pseudo-header sum (CHECKSUM_PARTIAL). */
    static ByteBuf tcpFrame(int payload) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(54 + payload);
        b.writeBytes(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0});
        b.writeByte(0x45).writeByte(0).writeShort(40 + payload).writeShort(100).writeShort(0x4000)
                .writeByte(64).writeByte(6).writeShort(0).writeInt(0x0A090001).writeInt(0x0A090002);
        b.setShort(24, InetChecksum.checksum(b, 14, 20));
        b.writeShort(5000).writeShort(5201).writeInt(1000).writeInt(0).writeByte(0x50).writeByte(0x18)
                .writeShort(512).writeShort(0).writeShort(0);
        for (int i = 0; i < payload; i++) {
            b.writeByte(i * 7);
        }
        b.setShort(50, InetChecksum.pseudoHeaderIpv4(0x0A090001, 0x0A090002, 6, 20 + payload));
        return b;
    }

    /** Ordinary TCPv4 frames with valid checksums carrying the payload in order. */
    private static void assertSegmentsOf(RecordingClient e, int payload) {
        int seen = 0;
        List<byte[]> frames = e.received();
        List<Long> offloads = e.offloads();
        for (int k = 0; k < frames.size(); k++) {
            ByteBuf f = Unpooled.wrappedBuffer(frames.get(k));
            int p = f.getUnsignedShort(16) - 40;
            assertThat(offloads.get(k)).isZero();
            assertThat(p).isLessThanOrEqualTo(MSS);
            assertThat(InetChecksum.checksum(f, 14, 20)).isZero();
            int pseudo = InetChecksum.pseudoHeaderIpv4(0x0A090001, 0x0A090002, 6, 20 + p);
            assertThat(InetChecksum.finish(InetChecksum.add(pseudo, InetChecksum.sum(f, 34, 20 + p)))).isZero();
            assertThat(f.getUnsignedInt(38)).isEqualTo(1000 + seen);
            assertThat(f.getByte(54)).isEqualTo((byte) (seen * 7));
            seen += p;
        }
        assertThat(seen).isEqualTo(payload);
    }

    @Test
    void aTsoFrameCrossesWholeToOffloadMembersAndAsSegmentsToTheRest() {
        fabric.run(() -> a.sendAsync(tcpFrame(PAYLOAD), TSO4, null));
        fabric.run(() -> {
            assertThat(b.received()).hasSize(1);
            assertThat(b.received().get(0)).hasSize(54 + PAYLOAD);
            assertThat(b.offloads()).containsExactly(TSO4);
            // Still the partial sum: the segmenting ports worked on copies.
            ByteBuf whole = Unpooled.wrappedBuffer(b.received().get(0));
            assertThat(whole.getUnsignedShort(50))
                    .isEqualTo(InetChecksum.pseudoHeaderIpv4(0x0A090001, 0x0A090002, 6, 20 + PAYLOAD));
            int segments = (PAYLOAD + MSS - 1) / MSS;
            for (RecordingClient e : new RecordingClient[] {c, d}) {
                assertThat(e.received()).hasSize(segments);
                assertSegmentsOf(e, PAYLOAD);
            }
            assertThat(a.counters().txFrames()).isEqualTo(1);
            assertThat(b.counters().rxFrames()).isEqualTo(1);
        });
    }

    @Test
    void aPartialChecksumIsCompletedOnlyForMembersWithoutOffloads() {
        fabric.run(() -> a.sendAsync(tcpFrame(100), CSUM, null));
        fabric.run(() -> {
            assertThat(b.offloads()).containsExactly(CSUM);
            assertThat(Unpooled.wrappedBuffer(b.received().get(0)).getUnsignedShort(50))
                    .isEqualTo(InetChecksum.pseudoHeaderIpv4(0x0A090001, 0x0A090002, 6, 120));
            for (RecordingClient e : new RecordingClient[] {c, d}) {
                assertThat(e.received()).hasSize(1);
                assertSegmentsOf(e, 100);
            }
        });
    }

    @Test
    void withNoOtherOffloadMemberTheSenderSegmentsOnce() {
        fabric.run(() -> b.setAcceptsOffload(false));
        fabric.run(() -> a.sendAsync(tcpFrame(PAYLOAD), TSO4, null));
        fabric.run(() -> {
            int segments = (PAYLOAD + MSS - 1) / MSS;
            assertThat(a.counters().txFrames()).isEqualTo(segments);
            for (RecordingClient e : new RecordingClient[] {b, c, d}) {
                assertSegmentsOf(e, PAYLOAD);
            }
        });
    }

    @Test
    void aBusyOffloadMemberGetsTheFrameWithItsDescriptorLater() {
        fabric.run(() -> b.setBusy(true));
        fabric.run(() -> a.sendAsync(tcpFrame(PAYLOAD), TSO4, null));
        fabric.run(() -> {
            assertThat(b.received()).isEmpty();
            assertSegmentsOf(c, PAYLOAD);
            b.ready();
            assertThat(b.received()).hasSize(1);
            assertThat(b.offloads()).containsExactly(TSO4);
        });
    }

    @Test
    void aFrameItsDescriptorDoesNotFitIsDroppedAndCounted() {
        long bogus = Offload.of(VirtioNetHeader.FLAG_NEEDS_CSUM, VirtioNetHeader.GSO_TCPV4, MSS, 34, 16);
        fabric.run(() -> {
            b.setAcceptsOffload(false);
            ByteBuf tiny = PooledByteBufAllocator.DEFAULT.directBuffer(30).writeZero(30);
            a.sendAsync(tiny, bogus, null);
            assertThat(a.counters().drops(io.netfabric.core.DropReason.MALFORMED)).isEqualTo(1);
            assertThat(b.received()).isEmpty();
        });
    }
}
