package io.netfabric.user;

import static io.netfabric.user.GuestFrames.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.user.ip.Router;
import io.netfabric.user.nat.HostIcmp;
import io.netfabric.user.nat.IcmpEchoNat;
import io.netfabric.wire.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Echoes waiting for a reply, as {@code info usernet} lists them (libslirp's ICMP rows). */
class EchoNatInfoTest {
    /** A host ICMP socket that sends nothing anywhere and never answers. */
    private static final class SilentIcmp implements HostIcmp {
        final List<InetAddress> sent = new ArrayList<>();
        /** What each send reports (sent, unless a test says otherwise). */
        HostIcmp.EchoSocket.Sent result = HostIcmp.EchoSocket.Sent.SENT;

        @Override
        public EchoSocket open(boolean ipv6, Receiver receiver) {
            return new EchoSocket() {
                @Override
                public String kind() {
                    return "ping";
                }

                @Override
                public Sent sendEcho(InetAddress dst, int id, int seq, byte[] data) {
                    sent.add(dst);
                    return result;
                }

                @Override
                public int fd() {
                    return 17;
                }

                @Override
                public void close() {
                }
            };
        }
    }

    /** A stack on {@code icmp} whose frames to the guest are kept in {@code toGuest}. */
    private static UserStack stack(SilentIcmp icmp, List<SeenFrame> toGuest) {
        return new UserStack(StackHarness.config(""), new Router.Link() {
            @Override
            public void toGuest(ByteBuf frame) {
                toGuest.add(SeenFrame.of(io.netty.buffer.ByteBufUtil.getBytes(frame)));
                frame.release();
            }

            @Override
            public ByteBufAllocator alloc() {
                return PooledByteBufAllocator.DEFAULT;
            }
        }, new StackHarness.FakeHostUdp(), icmp);
    }

    @Test
    void anEchoWaitingForItsReplyIsListedUntilItTimesOut() throws Exception {
        SilentIcmp icmp = new SilentIcmp();
        UserStack stack = stack(icmp, new ArrayList<>());
        try {
            Ipv4Address far = Ipv4Address.parse("192.0.2.7");   // TEST-NET-1: the fake socket sends nothing
            long t0 = System.nanoTime();
            stack.input(ping(GUEST_IP, far, 0x99, 1, "x".getBytes()), t0);
            assertThat(icmp.sent).containsExactly(Router.inet(far));
            List<IcmpEchoNat.EchoInfo> waiting = stack.echoNat().outstanding();
            assertThat(waiting).hasSize(1);
            IcmpEchoNat.EchoInfo e = waiting.get(0);
            assertThat(e.guest()).isEqualTo(Router.inet(GUEST_IP));
            assertThat(e.dst()).isEqualTo(Router.inet(far));
            assertThat(e.fd()).isEqualTo(17);
            assertThat(e.expires() - t0).isEqualTo(IcmpEchoNat.TIMEOUT_NANOS);
            stack.router().poll(e.expires() + 1);
            assertThat(stack.echoNat().outstanding()).isEmpty();
        } finally {
            stack.close();
        }
    }

    /**
     * An echo the host cannot send (no route) is answered at once with a destination unreachable
     * from the router, net for ENETUNREACH, host otherwise (libslirp's icmp_input; over IPv6 no
     * route or address unreachable), quoting the guest's identifier and sequence so that its
     * ping matches it; nothing is left waiting.
     */
    @Test
    void anEchoTheHostCannotRouteGetsDestinationUnreachable() throws Exception {
        SilentIcmp icmp = new SilentIcmp();
        List<SeenFrame> toGuest = new ArrayList<>();
        UserStack stack = stack(icmp, toGuest);
        try {
            long t0 = System.nanoTime();
            stack.input(arpRequest(GUEST, GUEST_IP, HOST), t0);   // the router learns the guest's MAC
            toGuest.clear();
            Ipv4Address far = Ipv4Address.parse("192.0.2.7");   // TEST-NET-1: the fake socket sends nothing
            for (HostIcmp.EchoSocket.Sent result : new HostIcmp.EchoSocket.Sent[] {HostIcmp.EchoSocket.Sent.NO_ROUTE_TO_NET,
                    HostIcmp.EchoSocket.Sent.NOT_SENT}) {
                icmp.result = result;
                stack.input(ping(GUEST_IP, far, 0x99, 7, "abc".getBytes()), t0);
                SeenFrame r = toGuest.remove(toGuest.size() - 1);
                assertThat(r.src4()).isEqualTo(HOST);
                assertThat(r.payloadU8(0)).isEqualTo(3);
                assertThat(r.payloadU8(1)).isEqualTo(result == HostIcmp.EchoSocket.Sent.NO_ROUTE_TO_NET ? 0 : 1);
                assertThat(r.payloadU16(8 + 2)).as("quoted total length").isEqualTo(20 + 8 + 3);
                assertThat(r.payloadU8(8 + 20)).as("quoted type: echo request").isEqualTo(8);
                assertThat(r.payloadU16(8 + 24)).as("identifier").isEqualTo(0x99);
                assertThat(r.payloadU16(8 + 26)).as("sequence").isEqualTo(7);
                assertThat(r.checksumsOk()).isTrue();
            }
            // ICMPv6: no route (code 0) or address unreachable (3), RFC 4443 §3.1.
            io.netfabric.wire.Ipv6Address far6 = io.netfabric.wire.Ipv6Address.parse("2001:db8::7");
            byte[] echo = {(byte) 128, 0, 0, 0, 0, 0x42, 0, 9, 'h', 'i'};
            for (HostIcmp.EchoSocket.Sent result : new HostIcmp.EchoSocket.Sent[] {HostIcmp.EchoSocket.Sent.NO_ROUTE_TO_NET,
                    HostIcmp.EchoSocket.Sent.NOT_SENT}) {
                icmp.result = result;
                stack.input(ipv6(ROUTER, GUEST6, far6, io.netfabric.wire.IpProtocol.ICMPV6, echo, 64), t0);
                SeenFrame r = toGuest.remove(toGuest.size() - 1);
                assertThat(r.src6()).isEqualTo(io.netfabric.wire.Ipv6Address.parse("fec0::2"));
                assertThat(r.dst6()).isEqualTo(GUEST6);
                assertThat(r.payloadU8(0)).isEqualTo(1);
                assertThat(r.payloadU8(1)).isEqualTo(result == HostIcmp.EchoSocket.Sent.NO_ROUTE_TO_NET ? 0 : 3);
                assertThat(r.payloadU16(8 + 4)).as("quoted payload length").isEqualTo(8 + 2);
                assertThat(r.payloadU8(8 + 40)).as("quoted type: echo request").isEqualTo(128);
                assertThat(r.payloadU16(8 + 44)).as("identifier").isEqualTo(0x42);
                assertThat(r.payloadU16(8 + 46)).as("sequence").isEqualTo(9);
                assertThat(r.checksumsOk()).isTrue();
            }
            assertThat(stack.echoNat().outstanding()).isEmpty();
        } finally {
            stack.close();
        }
    }

    @Test
    void theRowIsLibslirpsWithDashesForPorts() {
        StringBuilder out = new StringBuilder();
        UserHmpCommands.InfoUsernet.icmpRow(out, 9, 17, Router.inet(GUEST_IP), Router.inet(Ipv4Address.parse("192.0.2.7")));
        // slirp_connection_info: "%-19s %3d %15s  -    " then "%15s  -    %5d %5d\n".
        assertThat(out.toString()).isEqualTo("  ICMP[9 sec]        17       10.0.2.15  -          192.0.2.7  -        0     0\n");
    }
}
