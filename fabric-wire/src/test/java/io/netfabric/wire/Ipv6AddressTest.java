package io.netfabric.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv6AddressTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // RFC 5952 §4 examples and edge cases
        "2001:db8:0:0:0:0:2:1, 2001:db8::2:1",
        "2001:0db8:0000:0000:0000:0000:0002:0001, 2001:db8::2:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",       // §4.2.2: one zero group stays
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",                // §4.2.3: the longer run
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",          // §4.2.3: the first of equal runs
        "2001:DB8::AbCd, 2001:db8::abcd",                   // §4.3: lowercase
        "0:0:0:0:0:0:0:0, ::",
        "0:0:0:0:0:0:0:1, ::1",
        "fe80:0:0:0:0:0:0:0, fe80::",
        "1:0:0:0:0:0:0:0, 1::",
        "0:0:0:0:0:0:0:ffff, ::ffff",
        "::ffff:192.0.2.1, ::ffff:192.0.2.1",               // §5: IPv4-mapped
        "::ffff:c000:0201, ::ffff:192.0.2.1",
        "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
        "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
        "fec0::2, fec0::2",
    })
    void formatsCanonically(String input, String canonical) throws Exception {
        Ipv6Address a = Ipv6Address.parse(input);
        assertThat(a).hasToString(canonical);
        assertThat(Ipv6Address.parse(canonical)).isEqualTo(a);
        // The JDK's parser is the independent check for the parsed value.
        assertThat(a.toBytes()).isEqualTo(jdkBytes(input));
    }

    /** The JDK's reading of an IPv6 literal; it turns IPv4-mapped ones into Inet4Address. */
    private static byte[] jdkBytes(String text) {
        try {
            byte[] b = InetAddress.getByName(text).getAddress();
            if (b.length == 16) {
                return b;
            }
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(b, 0, mapped, 12, 4);
            return mapped;
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", ":::", "1::2::3", "12345::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "g::",
        ":1::", "1::2:", "1:2:3:4:5:6:7:8::", "::1.2.3", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", "::01.2.3.4"})
    void rejectsMalformedText(String text) {
        assertThatThrownBy(() -> Ipv6Address.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void randomAddressesRoundTripThroughTextAndTheJdk() {
        Seeded.check(2000, rng -> {
            long[] halves = new long[2];
            for (int h = 0; h < 2; h++) {
                for (int g = 0; g < 4; g++) {
                    // Mostly zero groups, so every compression case comes up.
                    long group = rng.nextInt(3) == 0 ? rng.nextInt(0x10000) : 0;
                    halves[h] = (halves[h] << 16) | group;
                }
            }
            Ipv6Address a = Ipv6Address.of(halves[0], halves[1]);
            String text = a.toString();
            assertThat(Ipv6Address.parse(text)).isEqualTo(a);
            assertThat(text).doesNotContain(":::").doesNotContainPattern("(^|:)0[0-9a-f]");
            assertThat(jdkBytes(text)).isEqualTo(a.toBytes());
        });
    }

    @Test
    void bufferAndBytesRoundTrip() {
        Ipv6Address a = Ipv6Address.parse("2001:db8::1:2");
        ByteBuf buf = Unpooled.buffer(20, 20);
        try {
            a.write(buf, 3);
            assertThat(Ipv6Address.read(buf, 3)).isEqualTo(a);
            assertThat(buf.getUnsignedShort(3)).isEqualTo(0x2001);
            assertThat(Ipv6Address.fromBytes(a.toBytes())).isEqualTo(a).hasSameHashCodeAs(a);
        } finally {
            buf.release();
        }
    }

    @Test
    void classifiesAndSubnets() {
        assertThat(Ipv6Address.parse("ff02::1").isMulticast()).isTrue();
        assertThat(Ipv6Address.parse("fe80::1").isLinkLocal()).isTrue();
        assertThat(Ipv6Address.parse("febf::1").isLinkLocal()).isTrue();
        assertThat(Ipv6Address.parse("fec0::1").isLinkLocal()).isFalse();
        assertThat(Ipv6Address.LOOPBACK.isLoopback()).isTrue();
        Ipv6Address net = Ipv6Address.parse("fec0::");
        assertThat(Ipv6Address.parse("fec0::15").inSubnet(net, 64)).isTrue();
        assertThat(Ipv6Address.parse("fec0:0:0:1::15").inSubnet(net, 64)).isFalse();
        assertThat(Ipv6Address.parse("fec0::16").inSubnet(Ipv6Address.parse("fec0::14"), 127)).isFalse();
        assertThat(Ipv6Address.parse("fec0::16").inSubnet(Ipv6Address.parse("fec0::14"), 126)).isTrue();
        assertThat(Ipv6Address.parse("::1").inSubnet(net, 0)).isTrue();
    }
}
