package io.netfabric.user;

import static io.netfabric.user.GuestFrames.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netfabric.wire.IpProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Jazzer targets for every parser the user-mode stack runs on guest input: whole frames (ARP,
 * IPv4 and reassembly, IPv6, ICMP, ICMPv6/NDP, UDP) and UDP payloads for the DHCP, DHCPv6, DNS
 * (netty-codec-dns) and TFTP services. Nothing may throw out of the stack, and every frame the
 * stack emits must parse. A plain {@code mvn test} replays the committed seeds in
 * {@code src/test/resources/io/netfabric/user/StackFuzzTestInputs/<method>/}; to fuzz:
 * {@code JAZZER_FUZZ=1 mvn -o -pl backend-user -am test -Dtest='StackFuzzTest#dns' -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class StackFuzzTest {
    /** One TFTP directory for every input, removed when the JVM exits. */
    private static final Path TFTP_ROOT = tftpRoot();

    private static Path tftpRoot() {
        try {
            Path root = Files.createTempDirectory("fuzz-tftp");
            Path f = Files.write(root.resolve("f"), new byte[2000]);
            f.toFile().deleteOnExit();
            root.toFile().deleteOnExit();
            return root;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static StackHarness harness() {
        return new StackHarness(StackHarness.config("tftp=" + TFTP_ROOT + ",dns-upstream=127.0.0.1:5300,hostname=vm"));
    }

    private static void run(ByteBuf frame) {
        try (StackHarness h = harness()) {
            h.send(frame);
            h.advance(300_000_000_000L);
            for (SeenFrame f : h.toGuest) {
                assertThat(f.bytes().length).isGreaterThanOrEqualTo(42);
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void frame(byte[] input) {
        run(Unpooled.wrappedBuffer(input));
    }

    @FuzzTest(maxDuration = "60s")
    void dhcp(byte[] input) {
        run(udp4(GUEST, io.netfabric.wire.Ipv4Address.ANY, 68, io.netfabric.wire.Ipv4Address.BROADCAST, 67, input));
    }

    @FuzzTest(maxDuration = "60s")
    void dns(byte[] input) {
        run(udp4(GUEST_IP, 4000, DNS, 53, input));
    }

    @FuzzTest(maxDuration = "60s")
    void tftp(byte[] input) {
        run(udp4(GUEST_IP, 4000, HOST, 69, input));
    }

    @FuzzTest(maxDuration = "60s")
    void dhcpv6(byte[] input) {
        run(ipv6(io.netfabric.wire.MacAddress.parse("33:33:00:01:00:02"), Ipv6Test.GUEST_LL,
                io.netfabric.wire.Ipv6Address.parse("ff02::1:2"), IpProtocol.UDP, udp6Segment(546, 547, input), 1));
    }

    @FuzzTest(maxDuration = "60s")
    void icmpv6(byte[] input) {
        if (input.length < 4) {
            input = java.util.Arrays.copyOf(input, 4);   // room for the checksum the harness fills
        }
        run(ipv6(ROUTER, GUEST6, HOST6, IpProtocol.ICMPV6, input, 255));
    }
}
