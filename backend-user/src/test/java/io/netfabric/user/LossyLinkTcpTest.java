package io.netfabric.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.user.tcp.TcpConnection;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The in-process guest ({@link GuestTcp}, an independent TCP) moves 50 MB each way at once
 * through the TCP NAT over a link that loses and reorders frames; both digests must match, the
 * connection must close cleanly on both sides, and nothing may leak. With {@code offloads} the
 * link takes TSO frames, as a tap does, and cuts them into MTU-sized segments before the losses.
 */
class LossyLinkTcpTest {
    static final long SIZE = Long.getLong("lossy.size", 50L << 20);

    @ParameterizedTest(name = "loss {0}, reorder {1}, seed {2}, offloads {3}")
    @CsvSource({"0.01, 0.02, 1, false", "0.03, 0.05, 2, false", "0.05, 0.05, 3, false", "0.02, 0.03, 4, true"})
    void fiftyMegabytesEachWayArriveIntact(double loss, double reorder, long seed, boolean offloads) {
        try (TcpSim sim = new TcpSim(StackHarness.config(""), seed, 16, TcpConnection.Timers.DEFAULT,
                UntrackedAllocator.INSTANCE)) {
            GuestTcp g = new GuestTcp(GuestFrames.GUEST, GuestFrames.ROUTER, GuestFrames.GUEST_IP, 40000,
                    GuestFrames.HOST, 8080, 1500, sim::fromGuest);
            sim.guest = g;
            g.toSend = SIZE;
            sim.loss = loss;
            sim.reorder = reorder;
            sim.offloads = offloads;
            g.open(sim.now);
            long[] pushed = {0};
            boolean[] eof = {false};
            boolean ok = sim.run(() -> !sim.host.streams.isEmpty() && sim.host.last().writtenBytes == SIZE
                            && sim.host.last().shutdownOutput && g.receivedBytes == SIZE && g.finReceived && g.allAcked(),
                    600_000_000_000L, () -> {
                        if (sim.host.streams.isEmpty() || !g.established) {
                            return;
                        }
                        FakeHostTcp.FakeStream s = sim.host.last();
                        while (s.reading && pushed[0] < SIZE && !s.closed) {
                            int n = (int) Math.min(65536, SIZE - pushed[0]);
                            byte[] chunk = new byte[n];
                            for (int i = 0; i < n; i++) {
                                chunk[i] = GuestTcp.PATTERN[(int) ((pushed[0] + i) % GuestTcp.PATTERN_LEN)];
                            }
                            pushed[0] += n;
                            s.events.data(Unpooled.wrappedBuffer(chunk), sim.now);
                        }
                        if (pushed[0] == SIZE && !eof[0]) {
                            eof[0] = true;
                            s.events.eof(sim.now);
                        }
                    });
            FakeHostTcp.FakeStream s = sim.host.last();
            if (!ok) {
                System.out.println(sim.stack.tcpNat().debug() + " guest rcvNxt " + g.rcvNxt + " now " + sim.now
                        + " pushed " + pushed[0] + " wire " + sim.wire.size() + " deadline " + sim.stack.nextDeadline());
            }
            assertThat(ok).as("done: host got %d, guest got %d, fin %s, acked %s, dropped %d", s.writtenBytes,
                    g.receivedBytes, g.finReceived, g.allAcked(), sim.framesDropped).isTrue();
            assertThat(s.written.digest()).isEqualTo(GuestTcp.expectedDigest(SIZE));
            assertThat(g.received.digest()).isEqualTo(GuestTcp.expectedDigest(SIZE));
            assertThat(sim.framesDropped).isPositive();
            assertThat(g.reset).isFalse();
            // With offloads the stack sends whole windows as GSO frames, cut by the link.
            assertThat(sim.offloadedFrames > 0).isEqualTo(offloads);
        }
    }
}
