package io.netfabric.nic;

import static io.netfabric.nic.E1000RxFilter.MTA;
import static io.netfabric.nic.E1000RxFilter.RA;
import static io.netfabric.nic.E1000RxFilter.RAH_AV;
import static io.netfabric.nic.E1000RxFilter.RCTL;
import static io.netfabric.nic.E1000RxFilter.RCTL_BAM;
import static io.netfabric.nic.E1000RxFilter.RCTL_MPE;
import static io.netfabric.nic.E1000RxFilter.RCTL_UPE;
import static io.netfabric.nic.E1000RxFilter.RCTL_VFE;
import static io.netfabric.nic.E1000RxFilter.VET;
import static io.netfabric.nic.E1000RxFilter.VFTA;
import static io.netfabric.nic.TestFrames.BCAST;
import static io.netfabric.nic.TestFrames.tagged;
import static io.netfabric.nic.TestFrames.to;
import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.core.RxFilterInfo;
import io.netfabric.core.RxState;
import io.netfabric.wire.MacAddress;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The e1000's filter decisions (QEMU hw/net/e1000.c receive_filter, e1000x_rx_group_filter).
 *
 * <p>MTA positions computed independently of the implementation with this Python snippet
 * (shift {4,3,2,0}[MO] of {@code (dst[5] << 8) | dst[4]}, 12 bits; dword = f >> 5, bit = f & 31):
 * <pre>
 * def e1000(m, mo):
 *     b = bytes(int(x, 16) for x in m.split(':'))
 *     f = ((b[5] << 8) | b[4]) >> [4, 3, 2, 0][mo] &amp; 0xfff
 *     return hex(f), f >> 5, f &amp; 31
 * 01:00:5e:00:00:01 [('0x10', 0, 16), ('0x20', 1, 0), ('0x40', 2, 0), ('0x100', 8, 0)]
 * 33:33:ff:12:34:56 [('0x563', 43, 3), ('0xac6', 86, 6), ('0x58d', 44, 13), ('0x634', 49, 20)]
 * ff:ff:ff:ff:ff:ff [('0xfff', 127, 31)] for every MO
 * 52:54:00:12:34:99 [('0x993', 76, 19), ('0x326', 25, 6), ('0x64d', 50, 13), ('0x934', 73, 20)]
 * </pre>
 */
class E1000RxFilterTest {
    static final String OWN = "52:54:00:12:34:56";
    static final String OTHER = "52:54:00:12:34:99";
    static final String MCAST = "01:00:5e:00:00:01";
    static final String SNMC = "33:33:ff:12:34:56";

    private E1000RxFilter f;

    @BeforeEach
    void setUp() {
        f = new E1000RxFilter(MacAddress.parse(OWN));
    }

    private void rctl(int v) {
        f.writeRegister(RCTL, v);
    }

    private void mtaBit(int dword, int bit) {
        f.writeRegister(MTA + 4 * dword, f.readRegister(MTA + 4 * dword) | (1 << bit));
    }

    @Test
    void resetPutsTheMacInRa0WithAddressValid() {
        // RAL = octets 0..3 little-endian, RAH = octets 4..5 | AV, by hand from 52:54:00:12:34:56.
        assertThat(f.readRegister(RA)).isEqualTo(0x12005452);
        assertThat(f.readRegister(RA + 4)).isEqualTo(0x5634 | RAH_AV);
        assertThat(f.readRegister(VET)).isEqualTo(0x8100);
        assertThat(f.readRegister(RCTL)).isZero();
    }

    @Test
    void noPromiscuousBitsExactMatchOnly() {
        assertThat(f.accepts(to(OWN))).isTrue();
        assertThat(f.accepts(to(OTHER))).isFalse();
        assertThat(f.accepts(to(MCAST))).isFalse();
        assertThat(f.accepts(to(BCAST))).isFalse();
    }

    @Test
    void unicastPromiscuous() {
        rctl(RCTL_UPE);
        assertThat(f.accepts(to(OTHER))).isTrue();
        assertThat(f.accepts(to(MCAST))).isFalse();
        assertThat(f.accepts(to(BCAST))).isFalse();
    }

    @Test
    void multicastPromiscuousAlsoTakesBroadcastAsQemuDoes() {
        rctl(RCTL_MPE);
        assertThat(f.accepts(to(MCAST))).isTrue();
        assertThat(f.accepts(to(SNMC))).isTrue();
        assertThat(f.accepts(to(BCAST))).isTrue();   // QEMU tests the group bit, broadcast has it
        assertThat(f.accepts(to(OTHER))).isFalse();
    }

    @Test
    void broadcastAcceptMode() {
        rctl(RCTL_BAM);
        assertThat(f.accepts(to(BCAST))).isTrue();
        assertThat(f.accepts(to(MCAST))).isFalse();
    }

    @Test
    void receiveAddressesNeedAddressValid() {
        // RA[1] = 52:54:00:12:34:99: RAL 0x12005452, RAH 0x9934.
        f.writeRegister(RA + 8, 0x12005452);
        f.writeRegister(RA + 12, 0x9934);
        assertThat(f.accepts(to(OTHER))).isFalse();
        f.writeRegister(RA + 12, 0x9934 | RAH_AV);
        assertThat(f.accepts(to(OTHER))).isTrue();
        // A multicast address in RA[15] matches exactly too: 01:00:5e:00:00:01 = RAL 0x005e0001, RAH 0x0100.
        f.writeRegister(RA + 120, 0x005e0001);
        f.writeRegister(RA + 124, 0x0100 | RAH_AV);
        assertThat(f.accepts(to(MCAST))).isTrue();
        RxFilterInfo info = f.info("e");
        assertThat(info.unicastTable()).containsExactly(OTHER);
        assertThat(info.multicastTable()).containsExactly(MCAST);
        // Clearing AV on RA[0] refuses the NIC's own MAC.
        f.writeRegister(RA + 4, 0x5634);
        assertThat(f.accepts(to(OWN))).isFalse();
    }

    @Test
    void multicastHashPerMulticastOffset() {
        int[][] snmc = {{43, 3}, {86, 6}, {44, 13}, {49, 20}};
        for (int mo = 0; mo < 4; mo++) {
            setUp();
            rctl(mo << 12);
            assertThat(f.accepts(to(SNMC))).as("MO=%d before", mo).isFalse();
            mtaBit(snmc[mo][0], snmc[mo][1]);
            assertThat(f.accepts(to(SNMC))).as("MO=%d after", mo).isTrue();
            // The same bit under another offset selects another bit: refused.
            rctl(((mo + 1) & 3) << 12);
            assertThat(f.accepts(to(SNMC))).as("MO=%d moved", mo).isFalse();
        }
    }

    @Test
    void hashAppliesToUnicastAndBroadcastToo() {
        mtaBit(0, 16);                    // 01:00:5e:00:00:01 under MO=0
        assertThat(f.accepts(to(MCAST))).isTrue();
        mtaBit(76, 19);                   // 52:54:00:12:34:99 under MO=0
        assertThat(f.accepts(to(OTHER))).isTrue();
        assertThat(f.accepts(to(BCAST))).isFalse();
        mtaBit(127, 31);                  // ff:ff:... hashes to 0xfff
        assertThat(f.accepts(to(BCAST))).isTrue();
        assertThat(f.info("e").broadcastAllowed()).isFalse();   // inverted: not refused
        assertThat(f.info("e").multicastOverflow()).isTrue();
    }

    @Test
    void vlanFilterTable() {
        rctl(RCTL_BAM);
        // Without VFE the tag is not looked at.
        assertThat(f.accepts(tagged(OWN, 100))).isTrue();
        rctl(RCTL_BAM | RCTL_VFE);
        assertThat(f.accepts(tagged(OWN, 100))).isFalse();
        assertThat(f.accepts(to(OWN))).isTrue();           // untagged frames pass VFE
        f.writeRegister(VFTA + 4 * 3, 1 << 4);             // VLAN 100 = dword 3, bit 4
        assertThat(f.accepts(tagged(OWN, 100))).isTrue();
        assertThat(f.accepts(tagged(OWN, 0xA064))).isTrue(); // PCP 5, VLAN 100
        assertThat(f.accepts(tagged(OWN, 101))).isFalse();
        assertThat(f.accepts(tagged(BCAST, 100))).isTrue();
        assertThat(f.accepts(tagged(OTHER, 100))).isFalse(); // VLAN passes, address does not
        // VET names the tag protocol: with 0x88a8 a 0x8100 frame is untagged to the filter.
        f.writeRegister(VET, 0x88a8);
        assertThat(f.accepts(tagged(OWN, 101))).isTrue();
        assertThat(f.accepts(tagged(OWN, 0x88a8, 101))).isFalse();
        assertThat(f.info("e").vlanTable()).containsExactly(100);
    }

    @Test
    void info() {
        assertThat(f.info("e0")).isEqualTo(new RxFilterInfo("e0", false, RxState.NORMAL, RxState.NORMAL,
                RxState.ALL, true, false, false, OWN, List.of(), List.of(), List.of()));
        rctl(RCTL_UPE | RCTL_MPE | RCTL_VFE);
        RxFilterInfo i = f.info("e0");
        assertThat(i.promiscuous()).isTrue();
        assertThat(i.unicast()).isEqualTo(RxState.ALL);
        assertThat(i.multicast()).isEqualTo(RxState.ALL);
        assertThat(i.vlan()).isEqualTo(RxState.NONE);
        assertThat(i.broadcastAllowed()).isFalse();
    }

    @Test
    void otherRegistersAreNotTheFilters() {
        assertThat(f.writeRegister(0x0008, 1)).isFalse();
        assertThat(f.writeRegister(MTA + 2, 1)).isFalse();
    }
}
