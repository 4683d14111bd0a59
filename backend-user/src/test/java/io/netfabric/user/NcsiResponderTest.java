package io.netfabric.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/**
 * NC-SI answers against libslirp 4.7's, captured from QEMU 7.2 (the same command frames through
 * the guest rig, scapy in the namespace); tools' UserAgainstSlirpIT compares them live.
 */
class NcsiResponderTest {
    static final String GUEST = "525400123456";

    /** A command of {@code type}: MC id 0, revision 1, instance 0x40 + type, channel 0x1f, length 4. */
    static byte[] command(int type) {
        return ByteBufUtil.decodeHexDump("ffffffffffff" + GUEST + "88f8" + "000100" + String.format("%02x%02x", 0x40 + type % 64, type)
                + "1f0004" + "0000000000000000" + "0000000000000000");
    }

    String answer(int type) {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(Unpooled.wrappedBuffer(command(type)));
            return ByteBufUtil.hexDump(h.last().bytes());
        }
    }

    @Test
    void linkStatusCapabilitiesAndASimpleCommandAreLibslirpsBytes() {
        String head = "ffffffffffffffffffffffff88f8";
        assertThat(answer(0x0a)).isEqualTo(head + "0001004a8a1f0010000000000000000000000000000000010000000000000000ffff758500000000000000000000");
        assertThat(answer(0x16)).isEqualTo(head
                + "00010056961f0020000000000000000000000000ffffffffffffffffffffffffffffffffffffffff000000020000ff00fff46a72");
        assertThat(answer(0x00)).isEqualTo(head + "00010040801f0004000000000000000000000000ffff7f9c00000000000000000000000000000000000000000000");
        assertThat(answer(0x1b)).isEqualTo(head + "0001005b9b1f000800000000000000000000000000000000ffff647d000000000000000000000000000000000000");
    }

    /** An unknown type: "unavailable, unknown command" with its four octets (libslirp overwrites them with the checksum). */
    @Test
    void anUnknownCommandIsUnavailable() {
        assertThat(answer(0x60)).startsWith("ffffffffffffffffffffffff88f8" + "00010060e01f0004" + "0000000000000000" + "00027fff");
    }

    @Test
    void aShortFrameIsCountedAndDropped() {
        try (StackHarness h = new StackHarness(StackHarness.config(""))) {
            h.send(Unpooled.wrappedBuffer(java.util.Arrays.copyOf(command(0x0a), 14 + 10)));
            assertThat(h.toGuest).isEmpty();
        }
    }
}
