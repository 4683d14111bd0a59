package io.netfabric.nic;

import static io.netfabric.nic.Rtl8139RxFilter.ACCEPT_ALL_PHYS;
import static io.netfabric.nic.Rtl8139RxFilter.ACCEPT_BROADCAST;
import static io.netfabric.nic.Rtl8139RxFilter.ACCEPT_MULTICAST;
import static io.netfabric.nic.Rtl8139RxFilter.ACCEPT_MY_PHYS;
import static io.netfabric.nic.Rtl8139RxFilter.IDR0;
import static io.netfabric.nic.Rtl8139RxFilter.MAR0;
import static io.netfabric.nic.Rtl8139RxFilter.RX_CONFIG;
import static io.netfabric.nic.TestFrames.BCAST;
import static io.netfabric.nic.TestFrames.tagged;
import static io.netfabric.nic.TestFrames.to;
import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.core.RxState;
import io.netfabric.wire.MacAddress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The RTL8139's filter decisions (QEMU hw/net/rtl8139.c rtl8139_do_receive).
 *
 * <p>MAR indexes computed independently with this Python port of QEMU's {@code net_crc32}
 * (index = crc >> 26; MAR[index >> 3] bit index & 7):
 * <pre>
 * def net_crc32(data):
 *     crc = 0xffffffff
 *     for b in data:
 *         for i in range(8):
 *             carry = ((crc >> 31) &amp; 1) ^ (b &amp; 1)
 *             crc = (crc &lt;&lt; 1) &amp; 0xffffffff
 *             b >>= 1
 *             if carry:
 *                 crc = (crc ^ 0x04c11db6) | carry
 *     return crc
 * 01:00:5e:00:00:01 0x7fa32d9b 31      33:33:00:00:00:01 0xf99baaba 62
 * ff:ff:ff:ff:ff:ff 0xff48647d 63      33:33:ff:12:34:56 0x0bf9eb4b 2
 * 01:00:5e:7f:ff:fa 0xae3c4afc 43      01:80:c2:00:00:0e 0x876cdef0 33
 * </pre>
 */
class Rtl8139RxFilterTest {
    static final String OWN = "52:54:00:12:34:56";
    static final String OTHER = "52:54:00:ab:cd:ef";
    static final String MCAST = "01:00:5e:00:00:01";
    static final String MCAST2 = "33:33:00:00:00:01";
    static final String SNMC = "33:33:ff:12:34:56";
    static final String SSDP = "01:00:5e:7f:ff:fa";

    private Rtl8139RxFilter f;

    @BeforeEach
    void setUp() {
        f = new Rtl8139RxFilter(MacAddress.parse(OWN));
    }

    private void rxConfig(int bits) {
        f.writeRegister32(RX_CONFIG, bits);
    }

    @Test
    void crcVectors() {
        assertThat(NetCrc32.ofMac(MacAddress.parse(MCAST).toLong())).isEqualTo(0x7fa32d9b);
        assertThat(NetCrc32.ofMac(MacAddress.parse(MCAST2).toLong())).isEqualTo(0xf99baaba);
        assertThat(NetCrc32.ofMac(MacAddress.parse(BCAST).toLong())).isEqualTo(0xff48647d);
        assertThat(NetCrc32.ofMac(MacAddress.parse(SNMC).toLong())).isEqualTo(0x0bf9eb4b);
        assertThat(NetCrc32.ofMac(MacAddress.parse(SSDP).toLong())).isEqualTo(0xae3c4afc);
        assertThat(NetCrc32.ofMac(MacAddress.parse("01:80:c2:00:00:0e").toLong())).isEqualTo(0x876cdef0);
    }

    @Test
    void resetRefusesEverything() {
        for (String d : new String[] {OWN, OTHER, MCAST, BCAST}) {
            assertThat(f.accepts(to(d))).as(d).isFalse();
        }
    }

    @Test
    void acceptAllPhys() {
        rxConfig(ACCEPT_ALL_PHYS);
        for (String d : new String[] {OWN, OTHER, MCAST, BCAST}) {
            assertThat(f.accepts(to(d))).as(d).isTrue();
        }
        assertThat(f.info("r").promiscuous()).isTrue();
    }

    @Test
    void acceptMyPhysOnlyTheStationAddress() {
        rxConfig(ACCEPT_MY_PHYS);
        assertThat(f.accepts(to(OWN))).isTrue();
        assertThat(f.accepts(to(OTHER))).isFalse();
        assertThat(f.accepts(to(BCAST))).isFalse();
        // IDR writes move the station address, octet by octet.
        byte[] other = TestFrames.mac(OTHER);
        for (int i = 0; i < 6; i++) {
            f.writeRegister8(IDR0 + i, other[i]);
        }
        assertThat(f.accepts(to(OTHER))).isTrue();
        assertThat(f.accepts(to(OWN))).isFalse();
        assertThat(f.info("r").mainMac()).isEqualTo(OTHER);
    }

    @Test
    void acceptBroadcast() {
        rxConfig(ACCEPT_BROADCAST);
        assertThat(f.accepts(to(BCAST))).isTrue();
        assertThat(f.accepts(to(MCAST))).isFalse();
        assertThat(f.accepts(to(OWN))).isFalse();
        assertThat(f.info("r").broadcastAllowed()).isFalse();   // inverted: not refused
    }

    @Test
    void multicastHash() {
        rxConfig(ACCEPT_MULTICAST);
        assertThat(f.accepts(to(MCAST))).isFalse();
        f.writeRegister8(MAR0 + 3, 0x80);        // index 31: MAR3 bit 7
        assertThat(f.accepts(to(MCAST))).isTrue();
        assertThat(f.accepts(to(MCAST2))).isFalse();
        f.writeRegister8(MAR0 + 7, 0x40);        // index 62: MAR7 bit 6
        assertThat(f.accepts(to(MCAST2))).isTrue();
        f.writeRegister8(MAR0, 0x04);            // index 2: MAR0 bit 2
        assertThat(f.accepts(to(SNMC))).isTrue();
        f.writeRegister8(MAR0 + 5, 0x08);        // index 43: MAR5 bit 3
        assertThat(f.accepts(to(SSDP))).isTrue();
        // Broadcast is not hashed: index 63 is set but AB is clear.
        assertThat(f.accepts(to(BCAST))).isFalse();
        // Without AcceptMulticast the hash does not matter.
        rxConfig(ACCEPT_MY_PHYS);
        assertThat(f.accepts(to(MCAST))).isFalse();
        rxConfig(ACCEPT_MULTICAST);
        assertThat(f.info("r").multicast()).isEqualTo(RxState.NORMAL);
        assertThat(f.info("r").multicastOverflow()).isTrue();
        f.writeRegister32(MAR0, -1);
        f.writeRegister32(MAR0 + 4, -1);
        assertThat(f.info("r").multicast()).isEqualTo(RxState.ALL);
        assertThat(f.accepts(to("01:80:c2:00:00:0e"))).isTrue();
    }

    @Test
    void vlanTaggedFramesAreJudgedByDestinationOnly() {
        rxConfig(ACCEPT_MY_PHYS | ACCEPT_BROADCAST);
        assertThat(f.accepts(tagged(OWN, 42))).isTrue();
        assertThat(f.accepts(tagged(BCAST, 4095))).isTrue();
        assertThat(f.accepts(tagged(OTHER, 42))).isFalse();
        assertThat(f.accepts(tagged(MCAST, 42))).isFalse();
        assertThat(f.info("r").vlan()).isEqualTo(RxState.ALL);
    }
}
