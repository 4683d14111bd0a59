package io.netfabric.nic;

import static io.netfabric.nic.TestFrames.BCAST;
import static io.netfabric.nic.TestFrames.tagged;
import static io.netfabric.nic.TestFrames.to;
import static io.netfabric.nic.VirtioNetRxFilter.F_CTRL_VLAN;
import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.core.RxFilterInfo;
import io.netfabric.core.RxState;
import io.netfabric.wire.MacAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** virtio-net's filter decisions in every rx mode (QEMU hw/net/virtio-net.c receive_filter). */
class VirtioNetRxFilterTest {
    static final String OWN = "52:54:00:12:34:56";
    static final String OTHER = "52:54:00:ab:cd:ef";
    static final String MCAST = "01:00:5e:00:00:01";
    static final String MCAST2 = "33:33:00:00:00:01";

    private VirtioNetRxFilter f;
    private int changes;

    @BeforeEach
    void setUp() {
        f = new VirtioNetRxFilter(MacAddress.parse(OWN));
        f.onChange(() -> changes++);
    }

    /** The guest driver's usual start: features acked (no CTRL_VLAN: VLANs all pass), promisc off. */
    private void driverUp(long features) {
        f.setFeatures(features);
        f.setRxMode(VirtioNetRxFilter.RX_PROMISC, false);
    }

    @Test
    void resetIsPromiscuous() {
        for (ByteBuf b : List.of(to(OWN), to(OTHER), to(MCAST), to(BCAST), tagged(OTHER, 77))) {
            assertThat(f.accepts(b)).isTrue();
        }
    }

    @Test
    void normalModeTakesOwnMacBroadcastAndListedMulticast() {
        driverUp(0);
        assertThat(f.accepts(to(OWN))).isTrue();
        assertThat(f.accepts(to(OTHER))).isFalse();
        assertThat(f.accepts(to(BCAST))).isTrue();
        assertThat(f.accepts(to(MCAST))).isFalse();
        f.setMacTable(List.of(MacAddress.parse(OTHER)), List.of(MacAddress.parse(MCAST)));
        assertThat(f.accepts(to(OTHER))).isTrue();
        assertThat(f.accepts(to(MCAST))).isTrue();
        assertThat(f.accepts(to(MCAST2))).isFalse();
        // A unicast entry does not admit the same address as multicast and vice versa.
        f.setMacTable(List.of(MacAddress.parse(MCAST)), List.of(MacAddress.parse(OTHER)));
        assertThat(f.accepts(to(MCAST))).isFalse();
        assertThat(f.accepts(to(OTHER))).isFalse();
    }

    @Test
    void eachRxModeFlag() {
        driverUp(0);
        f.setRxMode(VirtioNetRxFilter.RX_ALLMULTI, true);
        assertThat(f.accepts(to(MCAST2))).isTrue();
        assertThat(f.accepts(to(OTHER))).isFalse();
        f.setRxMode(VirtioNetRxFilter.RX_NOMULTI, true);   // NOMULTI wins over ALLMULTI
        assertThat(f.accepts(to(MCAST2))).isFalse();
        assertThat(f.accepts(to(BCAST))).isTrue();         // broadcast is not "multicast" here
        f.setRxMode(VirtioNetRxFilter.RX_NOBCAST, true);
        assertThat(f.accepts(to(BCAST))).isFalse();
        f.setRxMode(VirtioNetRxFilter.RX_ALLUNI, true);
        assertThat(f.accepts(to(OTHER))).isTrue();
        f.setRxMode(VirtioNetRxFilter.RX_NOUNI, true);     // NOUNI wins over ALLUNI and own MAC
        assertThat(f.accepts(to(OTHER))).isFalse();
        assertThat(f.accepts(to(OWN))).isFalse();
        f.setRxMode(VirtioNetRxFilter.RX_PROMISC, true);   // promiscuous beats every flag
        assertThat(f.accepts(to(OWN))).isTrue();
        assertThat(f.accepts(to(BCAST))).isTrue();
        assertThat(f.accepts(to(MCAST2))).isTrue();
        assertThat(f.setRxMode(6, true)).isFalse();
        assertThat(changes).isEqualTo(7);
    }

    @Test
    void overflowFlagsAcceptTheWholeClass() {
        driverUp(0);
        List<MacAddress> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add(MacAddress.fromLong(0x0200_0000_0000L + i));
        }
        f.setMacTable(many, List.of(MacAddress.parse(MCAST)));
        assertThat(f.accepts(to(OTHER))).isTrue();          // uni_overflow
        assertThat(f.accepts(to(MCAST2))).isFalse();        // multicast part stored normally
        assertThat(f.accepts(to(MCAST))).isTrue();
        // 60 unicast stored leave room for 4 multicast: 5 overflow that part.
        List<MacAddress> multi = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            multi.add(MacAddress.fromLong(0x0100_5e00_0000L + i));
        }
        f.setMacTable(many.subList(0, 60), multi);
        assertThat(f.accepts(to(OTHER))).isFalse();
        assertThat(f.accepts(to(MCAST2))).isTrue();         // multi_overflow
        RxFilterInfo info = f.info("v");
        assertThat(info.unicastOverflow()).isFalse();
        assertThat(info.multicastOverflow()).isTrue();
        assertThat(info.unicastTable()).hasSize(60);
        assertThat(info.multicastTable()).isEmpty();
    }

    @Test
    void macTableFromTheControlCommandBytes() {
        driverUp(0);
        // 1 unicast (le32 count) then 2 multicast, as VIRTIO_NET_CTRL_MAC_TABLE_SET carries them.
        byte[] cmd = {
            1, 0, 0, 0, 0x52, 0x54, 0x00, (byte) 0xab, (byte) 0xcd, (byte) 0xef,
            2, 0, 0, 0, 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01, 0x33, 0x33, 0x00, 0x00, 0x00, 0x01};
        assertThat(f.setMacTable(Unpooled.wrappedBuffer(cmd))).isTrue();
        assertThat(f.accepts(to(OTHER))).isTrue();
        assertThat(f.accepts(to(MCAST))).isTrue();
        assertThat(f.accepts(to(MCAST2))).isTrue();
        RxFilterInfo info = f.info("v");
        assertThat(info.unicastTable()).containsExactly(OTHER);
        // QEMU lists each part last entry first.
        assertThat(info.multicastTable()).containsExactly(MCAST2, MCAST);
        // A count that promises more octets than follow is refused and changes nothing.
        byte[] bad = {3, 0, 0, 0, 1, 2, 3, 4, 5, 6};
        assertThat(f.setMacTable(Unpooled.wrappedBuffer(bad))).isFalse();
        assertThat(f.accepts(to(OTHER))).isTrue();
    }

    @Test
    void vlanTableWithCtrlVlan() {
        driverUp(1L << F_CTRL_VLAN);
        assertThat(f.accepts(tagged(OWN, 5))).isFalse();    // bitmap zero after negotiation
        assertThat(f.accepts(to(OWN))).isTrue();            // untagged is not filtered by VLAN
        f.addVlan(5);
        assertThat(f.accepts(tagged(OWN, 5))).isTrue();
        assertThat(f.accepts(tagged(OWN, 0xE005))).isTrue(); // PCP 7: only the 12-bit id counts
        assertThat(f.accepts(tagged(OWN, 6))).isFalse();
        assertThat(f.accepts(tagged(OTHER, 5))).isFalse();  // the VLAN passes, the MAC does not
        assertThat(f.accepts(tagged(BCAST, 5))).isTrue();
        f.addVlan(4095);
        f.addVlan(0);
        assertThat(f.addVlan(4096)).isFalse();
        assertThat(f.info("v").vlanTable()).containsExactly(4095, 5, 0);
        assertThat(f.info("v").vlan()).isEqualTo(RxState.NORMAL);
        f.removeVlan(5);
        assertThat(f.accepts(tagged(OWN, 5))).isFalse();
        // A 0x88a8 (802.1ad) tag is not the 0x8100 virtio-net looks at.
        assertThat(f.accepts(tagged(OWN, 0x88a8, 5))).isTrue();
    }

    @Test
    void withoutCtrlVlanEveryVlanPasses() {
        driverUp(0);
        assertThat(f.accepts(tagged(OWN, 1234))).isTrue();
        assertThat(f.info("v").vlan()).isEqualTo(RxState.ALL);
        assertThat(f.info("v").vlanTable()).hasSize(4096);   // QEMU lists the all-ones bitmap
    }

    @Test
    void guestMacReplacesTheOwnMac() {
        driverUp(0);
        f.setMac(MacAddress.parse(OTHER));
        assertThat(f.accepts(to(OTHER))).isTrue();
        assertThat(f.accepts(to(OWN))).isFalse();
        assertThat(f.info("v").mainMac()).isEqualTo(OTHER);
        f.reset(MacAddress.parse(OWN));
        assertThat(f.info("v").mainMac()).isEqualTo(OWN);
    }

    static List<Integer> allVlansDescending() {
        List<Integer> ids = new ArrayList<>();
        for (int v = 4095; v >= 0; v--) {
            ids.add(v);
        }
        return ids;
    }

    @Test
    void freshInfoIsQemusDriverlessAnswer() {
        // What QEMU 7.2 answers for a fresh virtio-net (qemu-system-x86_64 -S -device
        // virtio-net-pci, query-rx-filter): every VLAN id, highest first, as the reset leaves the
        // bitmap all ones (behaviour notes §12 recipe E omits the table).
        RxFilterInfo i = f.info("vnet0");
        assertThat(i).isEqualTo(new RxFilterInfo("vnet0", true, RxState.NORMAL, RxState.NORMAL, RxState.ALL,
                false, false, false, OWN, allVlansDescending(), List.of(), List.of()));
        f.setRxMode(VirtioNetRxFilter.RX_NOBCAST, true);
        // QEMU's inverted member: it carries the NOBCAST flag.
        assertThat(f.info("vnet0").broadcastAllowed()).isTrue();
    }
}
