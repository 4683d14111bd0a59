package io.netfabric.nic;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.core.AnnounceParameters;
import io.netfabric.core.DropReason;
import io.netfabric.core.Fabric;
import io.netfabric.core.NetFilter;
import io.netfabric.core.capture.FilterDump;
import io.netfabric.core.testing.RecordingClient;
import io.netfabric.wire.MacAddress;
import io.netfabric.wire.pcap.PcapReader;
import io.netfabric.wire.pcap.PcapRecord;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * set_link and announce-self on a running fabric, seen where QEMU users see them: in a
 * filter-dump capture on the NIC's netdev, with its timestamps.
 */
class LinkAndAnnounceTest {
    static final String MAC = "52:54:00:12:34:56";
    static final String MAC2 = "52:54:00:12:34:57";
    /** behaviour notes §8.1: the 60-octet RARP for 52:54:00:12:34:56, written out by hand. */
    static final String RARP_56 = "ffffffffffff" + "525400123456" + "8035" + "0001" + "0800" + "06" + "04" + "0003"
            + "525400123456" + "00000000" + "525400123456" + "00000000" + "00".repeat(18);

    @TempDir
    Path dir;
    private Fabric fabric;
    private RecordingClient n0;
    private RecordingClient n1;
    private RecordingGuest guest;
    private Nic vnet0;
    private Nic e0;

    @BeforeEach
    void setUp() {
        fabric = Fabric.create();
        n0 = new RecordingClient("n0");
        n1 = new RecordingClient("n1");
        fabric.addClient(n0);
        fabric.addClient(n1);
        guest = new RecordingGuest();
        vnet0 = Nic.attach(fabric, new NicConfig(NicModel.VIRTIO_NET, "vnet0", MacAddress.parse(MAC), "n0"), guest);
        e0 = Nic.attach(fabric, new NicConfig(NicModel.E1000, "e0", MacAddress.parse(MAC2), "n1"), new RecordingGuest());
    }

    @AfterEach
    void tearDown() {
        fabric.close();
    }

    private Path dump(String netdev) {
        Path file = dir.resolve(netdev + ".pcap");
        fabric.addFilter(netdev, FilterDump.open("dump-" + netdev, file, FilterDump.DEFAULT_MAXLEN,
                NetFilter.Direction.ALL, fabric.eventLoop()));
        return file;
    }

    private List<PcapRecord> records(String netdev, Path file) throws IOException {
        fabric.removeFilter("dump-" + netdev);
        List<PcapRecord> out = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            for (PcapRecord rec = r.next(); rec != null; rec = r.next()) {
                out.add(rec);
            }
        }
        return out;
    }

    /** A 60-octet broadcast frame whose octet 14 names it. */
    private static byte[] marked(char mark) {
        byte[] f = TestFrames.to(TestFrames.BCAST).array();
        f[14] = (byte) mark;
        return f;
    }

    private void fromGuest(char mark) {
        byte[] f = marked(mark);
        fabric.run(() -> vnet0.send(PooledByteBufAllocator.DEFAULT.directBuffer(60).writeBytes(f)));
    }

    private void toGuest(char mark) {
        fabric.run(() -> n0.sendBytes(marked(mark)));
    }

    private static String marks(List<byte[]> frames) {
        StringBuilder sb = new StringBuilder();
        for (byte[] f : frames) {
            sb.append((char) f[14]);
        }
        return sb.toString();
    }

    @Test
    void setLinkDropsFramesBothWaysWhileDown() throws IOException {
        Path pcap = dump("n0");
        fromGuest('A');
        toGuest('B');
        // behaviour notes §1.7: set_link on the NIC; the NIC and its peer are told.
        fabric.setLink("vnet0", false);
        assertThat(guest.links).containsExactly(false);
        assertThat(n0.linkChanges()).isEqualTo(1);
        fromGuest('C');                 // dropped at the NIC: its link is down
        toGuest('D');                   // leaves n0 (captured), dropped at the NIC's door
        fabric.setLink("vnet0", true);
        fromGuest('E');
        toGuest('F');
        // set_link on the netdev peered with the NIC: both links go, the NIC is told.
        fabric.setLink("n0", false);
        assertThat(fabric.call(vnet0::linkDown)).isTrue();
        assertThat(guest.links).containsExactly(false, true, false);
        toGuest('G');                   // dropped at n0 before its filters: not captured
        fromGuest('H');
        fabric.setLink("n0", true);
        assertThat(guest.links).containsExactly(false, true, false, true);
        fromGuest('I');
        toGuest('J');

        List<byte[]> captured = new ArrayList<>();
        for (PcapRecord r : records("n0", pcap)) {
            captured.add(r.data());
        }
        assertThat(marks(captured)).isEqualTo("ABDEFIJ");
        assertThat(marks(guest.frames)).isEqualTo("BFJ");
        assertThat(marks(n0.received())).isEqualTo("AEI");
        assertThat(fabric.call(() -> vnet0.counters().drops(DropReason.SENDER_LINK_DOWN))).isEqualTo(2);
        assertThat(fabric.call(() -> vnet0.counters().drops(DropReason.RECEIVER_LINK_DOWN))).isEqualTo(1);
        assertThat(fabric.call(() -> n0.counters().drops(DropReason.SENDER_LINK_DOWN))).isEqualTo(1);
    }

    @Test
    void announceSelfSendsRarpOnQemusSchedule() throws Exception {
        Path p0 = dump("n0");
        Path p1 = dump("n1");
        fabric.call(() -> {
            vnet0.virtioFeaturesAcked((1L << VirtioNetRxFilter.F_GUEST_ANNOUNCE) | (1L << VirtioNetRxFilter.F_CTRL_VQ));
            return null;
        });
        fabric.announceSelf(new AnnounceParameters(50, 550, 5, 100, null, null));
        // The first round goes out before the command returns.
        assertThat(n0.received()).hasSize(1);
        Thread.sleep(1100);
        List<PcapRecord> r0 = records("n0", p0);
        List<PcapRecord> r1 = records("n1", p1);
        assertThat(r0).hasSize(5);
        assertThat(r1).hasSize(5);
        assertThat(HexFormat.of().formatHex(r0.get(0).data())).isEqualTo(RARP_56);
        assertThat(HexFormat.of().formatHex(r1.get(0).data())).isEqualTo(RARP_56.replace("525400123456", "525400123457"));
        // behaviour notes §8.1: 0, 50, 200, 450, 800 ms, i.e. gaps of 50, 150, 250, 350 ms, each
        // timed from the round before (QEMU's timer_mod(now + delay)). A gap is never short; a
        // loaded machine may stretch it, so the upper bound has slack.
        long[] gaps = {50, 150, 250, 350};
        for (int i = 1; i < 5; i++) {
            long ms = (r0.get(i).timestampMicros() - r0.get(i - 1).timestampMicros()) / 1000;
            assertThat(ms).as("gap before round %d: %d ms", i, ms).isBetween(gaps[i - 1] - 2, gaps[i - 1] + 150);
        }
        // virtio-net with GUEST_ANNOUNCE and CTRL_VQ asks its guest each round.
        assertThat(guest.announceRequests).isEqualTo(5);
    }

    @Test
    void interfacesIdsAndLink() throws Exception {
        Path p0 = dump("n0");
        Path p1 = dump("n1");
        // Only e0; id "a" is replaced at once by a one-round train; "b" runs on its own.
        fabric.announceSelf(new AnnounceParameters(30, 30, 3, 0, List.of("e0"), "a"));
        fabric.announceSelf(new AnnounceParameters(30, 30, 1, 0, List.of("e0"), "a"));
        fabric.announceSelf(new AnnounceParameters(30, 30, 2, 0, List.of("vnet0"), "b"));
        // Unknown interface names select nothing.
        fabric.announceSelf(new AnnounceParameters(30, 30, 2, 0, List.of("nope"), "c"));
        // A NIC whose link is down sends nothing.
        fabric.setLink("vnet0", false);
        fabric.announceSelf(new AnnounceParameters(10, 10, 3, 0, List.of("vnet0"), "d"));
        Thread.sleep(300);
        // a: 1 + 1 (the first rounds of both trains); b: round 1, its round 2 hit the down link.
        assertThat(records("n1", p1)).hasSize(2);
        assertThat(records("n0", p0)).hasSize(1);
        assertThat(guest.announceRequests).isZero();   // GUEST_ANNOUNCE not negotiated
    }
}
