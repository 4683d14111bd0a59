package io.netfabric.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4AddressTest {
    @Test
    void parsesAndPrintsDottedQuad() {
        Ipv4Address a = Ipv4Address.parse("10.0.2.15");
        assertThat(a.toInt()).isEqualTo(0x0a00020f);
        assertThat(a).hasToString("10.0.2.15").isEqualTo(Ipv4Address.of(10, 0, 2, 15));
        assertThat(Ipv4Address.parse("255.255.255.255")).isEqualTo(Ipv4Address.BROADCAST);
        assertThat(Ipv4Address.parse("0.0.0.0").isUnspecified()).isTrue();
        assertThat(Ipv4Address.parse("200.100.0.9")).hasToString("200.100.0.9");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "256.1.1.1", "1..2.3",
        "+1.2.3.4", " 1.2.3.4", "1.2.3.4 ", "1.2.3.-4", "0x1.2.3.4", "1234.1.1.1", "1.2.3.a"})
    void rejectsAnythingButAStrictDottedQuad(String text) {
        assertThatThrownBy(() -> Ipv4Address.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void subnetHelpers() {
        Ipv4Address net = Ipv4Address.parse("10.0.2.0");
        assertThat(Ipv4Address.parse("10.0.2.15").inSubnet(net, 24)).isTrue();
        assertThat(Ipv4Address.parse("10.0.3.15").inSubnet(net, 24)).isFalse();
        assertThat(Ipv4Address.parse("10.0.3.15").inSubnet(net, 16)).isTrue();
        assertThat(Ipv4Address.parse("192.168.1.1").inSubnet(net, 0)).isTrue();
        assertThat(Ipv4Address.parse("10.0.2.15").inSubnet(Ipv4Address.parse("10.0.2.15"), 32)).isTrue();
        assertThat(Ipv4Address.netmask(24)).isEqualTo(0xFFFFFF00);
        assertThat(Ipv4Address.netmask(0)).isZero();
        assertThat(Ipv4Address.netmask(32)).isEqualTo(-1);
        assertThat(Ipv4Address.parse("10.0.2.15").network(24)).isEqualTo(net);
        assertThat(Ipv4Address.parse("10.0.2.15").subnetBroadcast(24)).hasToString("10.0.2.255");
        assertThatThrownBy(() -> Ipv4Address.netmask(33)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void classifies() {
        assertThat(Ipv4Address.parse("224.0.0.251").isMulticast()).isTrue();
        assertThat(Ipv4Address.parse("239.255.255.255").isMulticast()).isTrue();
        assertThat(Ipv4Address.parse("240.0.0.1").isMulticast()).isFalse();
        assertThat(Ipv4Address.parse("127.0.0.1").isLoopback()).isTrue();
    }

    @Test
    void bytesAndBufferRoundTrip() {
        Ipv4Address a = Ipv4Address.parse("192.0.2.33");
        assertThat(a.toBytes()).containsExactly(192, 0, 2, 33);
        assertThat(Ipv4Address.fromBytes(a.toBytes())).isEqualTo(a);
        ByteBuf buf = Unpooled.buffer(8, 8);
        try {
            a.write(buf, 3);
            assertThat(Ipv4Address.read(buf, 3)).isEqualTo(a);
            assertThat(buf.getUnsignedByte(3)).isEqualTo((short) 192);
        } finally {
            buf.release();
        }
    }
}
