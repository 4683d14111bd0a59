package io.netfabric.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.wire.arp.ArpOperation;
import io.netfabric.wire.ethernet.EtherType;
import org.junit.jupiter.api.Test;

class WireNumberTest {
    @Test
    void etherTypeIsOpen() {
        assertThat(EtherType.valueOf(0x0800)).isSameAs(EtherType.IPV4);
        assertThat(EtherType.valueOf(0x0806)).isSameAs(EtherType.ARP);
        assertThat(EtherType.valueOf(0x8035)).isSameAs(EtherType.RARP);
        assertThat(EtherType.valueOf(0x8100)).isSameAs(EtherType.VLAN);
        assertThat(EtherType.valueOf(0x86DD)).isSameAs(EtherType.IPV6);
        assertThat(EtherType.valueOf(0x88A8)).isSameAs(EtherType.QINQ);
        assertThat(EtherType.valueOf(0x88CC)).isSameAs(EtherType.LLDP);
        EtherType unknown = EtherType.valueOf(0x88B5);
        assertThat(unknown.isKnown()).isFalse();
        assertThat(unknown).isEqualTo(EtherType.valueOf(0x88B5)).hasToString("0x88b5");
        assertThat(EtherType.IPV4).hasToString("IPv4 (0x0800)");
    }

    @Test
    void ipProtocolIsOpenAndNeverAllocates() {
        assertThat(IpProtocol.valueOf(1)).isSameAs(IpProtocol.ICMP);
        assertThat(IpProtocol.valueOf(6)).isSameAs(IpProtocol.TCP);
        assertThat(IpProtocol.valueOf(17)).isSameAs(IpProtocol.UDP);
        assertThat(IpProtocol.valueOf(58)).isSameAs(IpProtocol.ICMPV6);
        assertThat(IpProtocol.valueOf(115)).isSameAs(IpProtocol.L2TP);
        assertThat(IpProtocol.valueOf(253)).isSameAs(IpProtocol.valueOf(253)).hasToString("253");
        assertThat(IpProtocol.valueOf(253).isKnown()).isFalse();
    }

    @Test
    void arpOperationIsOpen() {
        assertThat(ArpOperation.valueOf(1)).isSameAs(ArpOperation.REQUEST);
        assertThat(ArpOperation.valueOf(4)).isSameAs(ArpOperation.RARP_REPLY);
        assertThat(ArpOperation.valueOf(9)).isEqualTo(ArpOperation.valueOf(9)).hasToString("op 9");
    }
}
