package io.netfabric.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * B8 property (b) with Jazzer: arbitrary bytes never make a parser throw, and no view keeps a
 * reference to the buffer. The first input octet picks the buffer shape (heap, direct, pooled,
 * composite, offset); the rest is the packet.
 *
 * <p>A plain {@code mvn test} replays the committed seeds under
 * {@code src/test/resources/io/netfabric/wire/ParserFuzzTestInputs/<method>/} (regression mode).
 * To fuzz: {@code JAZZER_FUZZ=1 mvn -o -pl fabric-testkit,fabric-wire -am test -Dtest=ParserFuzzTest#ipv4 -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ParserFuzzTest {
    private static final BufferKind[] KINDS = BufferKind.values();
    private static final int GUEST = 0x0a00020f;
    private static final int GATEWAY = 0x0a000202;

    private final FrameWalk walk = new FrameWalk();

    @FuzzTest(maxDuration = "60s")
    void ethernet(byte[] input) {
        run(input, walk::ethernet);
    }

    @FuzzTest(maxDuration = "60s")
    void arp(byte[] input) {
        run(input, walk::arp);
    }

    @FuzzTest(maxDuration = "60s")
    void ipv4(byte[] input) {
        run(input, walk::ipv4);
    }

    @FuzzTest(maxDuration = "60s")
    void udp(byte[] input) {
        run(input, (buf, offset, length) -> walk.udp(buf, offset, length, GUEST, GATEWAY));
    }

    @FuzzTest(maxDuration = "60s")
    void icmp(byte[] input) {
        run(input, walk::icmp);
    }

    @FuzzTest(maxDuration = "60s")
    void ipv6(byte[] input) {
        run(input, walk::ipv6);
    }

    @FuzzTest(maxDuration = "60s")
    void icmpv6(byte[] input) {
        run(input, (buf, offset, length) -> walk.icmpv6(buf, offset, length, Ipv6Address.LOOPBACK, Ipv6Address.LOOPBACK));
    }

    @FuzzTest(maxDuration = "60s")
    void dhcp(byte[] input) {
        run(input, walk::dhcp);
    }

    @FuzzTest(maxDuration = "60s")
    void dhcpv6(byte[] input) {
        run(input, walk::dhcpv6);
    }

    @FuzzTest(maxDuration = "60s")
    void tcp(byte[] input) {
        run(input, walk::tcp);
    }

    @FuzzTest(maxDuration = "60s")
    void tftp(byte[] input) {
        run(input, walk::tftp);
    }

    @FunctionalInterface
    interface Layer {
        Malformed walk(ByteBuf buf, int offset, int length);
    }

    static void run(byte[] input, Layer layer) {
        if (input.length == 0) {
            return;
        }
        BufferKind kind = KINDS[(input[0] & 0xFF) % KINDS.length];
        try (BufferKind.Placed p = kind.place(Arrays.copyOfRange(input, 1, input.length))) {
            int readerIndex = p.buf().readerIndex();
            layer.walk(p.buf(), p.offset(), p.length());
            assertThat(p.buf().refCnt()).as("a view retained or released the buffer").isEqualTo(1);
            assertThat(p.buf().readerIndex()).as("a view moved the reader index").isEqualTo(readerIndex);
        }
    }
}
