package io.netfabric.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {
    @Test
    void parsesColonAndDashFormsAndPrintsLowercaseColons() {
        MacAddress a = MacAddress.parse("52:54:00:12:34:56");
        assertThat(MacAddress.parse("52-54-00-12-34-56")).isEqualTo(a);
        assertThat(MacAddress.parse("52:54:00:AB:cd:EF")).hasToString("52:54:00:ab:cd:ef");
        assertThat(a.toLong()).isEqualTo(0x5254_0012_3456L);
        assertThat(a).hasToString("52:54:00:12:34:56").hasSameHashCodeAs(MacAddress.fromLong(0x525400123456L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "52:54:00:12:34", "52:54:00:12:34:5", "52:54-00:12:34:56", "52.54.00.12.34.56",
        "52:54:00:12:34:5g", "52:54:00:12:34:567", " 2:54:00:12:34:56"})
    void rejectsMalformedText(String text) {
        assertThatThrownBy(() -> MacAddress.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void classifiesByGroupBit() {
        assertThat(MacAddress.BROADCAST.isBroadcast()).isTrue();
        assertThat(MacAddress.BROADCAST.isMulticast()).isTrue();
        MacAddress mcast = MacAddress.parse("01:00:5e:00:00:fb");
        assertThat(mcast.isMulticast()).isTrue();
        assertThat(mcast.isBroadcast()).isFalse();
        assertThat(mcast.isUnicast()).isFalse();
        MacAddress qemu = MacAddress.parse("52:54:00:12:34:56");
        assertThat(qemu.isUnicast()).isTrue();
        assertThat(qemu.isLocallyAdministered()).isTrue();
    }

    @Test
    void bytesAndBufferRoundTrip() {
        MacAddress a = MacAddress.parse("fe:dc:ba:98:76:54");
        assertThat(a.toBytes()).containsExactly(0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54);
        assertThat(MacAddress.fromBytes(a.toBytes())).isEqualTo(a);
        ByteBuf buf = Unpooled.buffer(16, 16);
        try {
            a.write(buf, 5);
            assertThat(buf.readerIndex()).isZero();
            assertThat(buf.writerIndex()).isZero();
            assertThat(buf.getByte(5)).isEqualTo((byte) 0xfe);
            assertThat(MacAddress.read(buf, 5)).isEqualTo(a);
            assertThat(MacAddress.readLong(buf, 5)).isEqualTo(a.toLong());
        } finally {
            buf.release();
        }
        assertThatThrownBy(() -> MacAddress.fromLong(1L << 48)).isInstanceOf(IllegalArgumentException.class);
    }
}
