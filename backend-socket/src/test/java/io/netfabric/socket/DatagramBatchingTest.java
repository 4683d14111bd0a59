package io.netfabric.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.core.DropReason;
import io.netfabric.core.Fabric;
import io.netfabric.core.NetClient;
import io.netfabric.core.Transport;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.core.testing.RecordingClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Datagrams in batches: many datagrams read per call (recvmmsg on epoll) and a loop turn's frames
 * written with one flush (sendmmsg) must still be one frame per datagram, whole, in order, of any
 * size from 1 byte to the largest UDP payload; the NIO transport, which has neither, must behave
 * the same. A unix datagram longer than a frame is dropped and counted.
 */
@Timeout(30)
class DatagramBatchingTest {
    /** The largest UDP payload over IPv4. */
    private static final int MAX_UDP = 65507;

    private Fabric fabric;
    private RecordingClient endpoint;

    @AfterEach
    void stop() {
        if (fabric != null) {
            fabric.close();
        }
    }

    private void start(Transport transport, String netdev) {
        fabric = Fabric.create(transport);
        endpoint = new RecordingClient("ep");
        fabric.addClient(endpoint);
        FabricPairTest.join(fabric, netdev);
    }

    /** Sizes that mix small, Ethernet, jumbo and the largest datagrams, with runs of equal ones. */
    private static int size(int i) {
        int[] pattern = {60, 60, 60, 1514, 1514, 1514, 1514, 1, 9000, 9000, 64, 1500, MAX_UDP, 2, 1514, 1000};
        return pattern[i % pattern.length];
    }

    /** Datagram {@code i}: its number in the first 4 bytes (of those that fit), then a pattern. */
    private static byte[] datagram(int i) {
        byte[] b = new byte[size(i)];
        for (int k = 0; k < b.length; k++) {
            b[k] = (byte) (k < 4 ? i >>> (24 - 8 * k) : k * 7 + i);
        }
        return b;
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aBurstOfDatagramsBecomesOneWholeFrameEachInOrder(Transport transport) throws Exception {
        int local = FreePorts.udp();
        try (DatagramChannel peer = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int peerPort = ((InetSocketAddress) peer.getLocalAddress()).getPort();
            start(transport, "socket,id=s0,udp=127.0.0.1:" + peerPort + ",localaddr=127.0.0.1:" + local);
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", local);
            int n = 160;
            // Bursts of 16 datagrams (about 80 KB), each sent before the netdev can read one:
            // the 1 MiB receive buffer holds a burst, and the loop reads it in one or two calls.
            for (int i = 0; i < n; i += 16) {
                for (int k = i; k < i + 16; k++) {
                    peer.send(ByteBuffer.wrap(datagram(k)), to);
                }
                endpoint.waitForCount(i + 16, 5000);
            }
            assertThat(endpoint.waitForCount(n, 5000)).isEqualTo(n);
            List<byte[]> got = endpoint.received();
            for (int i = 0; i < n; i++) {
                assertThat(got.get(i)).as("frame %d", i).isEqualTo(datagram(i));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theFramesOfOneLoopTurnLeaveAsOneDatagramEachInOrder(Transport transport) throws Exception {
        int local = FreePorts.udp();
        try (DatagramChannel peer = DatagramChannel.open()) {
            peer.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            peer.bind(new InetSocketAddress("127.0.0.1", 0));
            int peerPort = ((InetSocketAddress) peer.getLocalAddress()).getPort();
            start(transport, "socket,id=s0,udp=127.0.0.1:" + peerPort + ",localaddr=127.0.0.1:" + local);
            int n = 48;   // about 500 KB: fits the peer's receive buffer, and one flush
            fabric.run(() -> {
                for (int i = 0; i < n; i++) {
                    ByteBuf f = PooledByteBufAllocator.DEFAULT.directBuffer(size(i));
                    endpoint.send(f.writeBytes(datagram(i)));
                }
            });
            ByteBuffer buf = ByteBuffer.allocate(70000);
            peer.configureBlocking(true);
            for (int i = 0; i < n; i++) {
                buf.clear();
                peer.receive(buf);
                buf.flip();
                byte[] got = new byte[buf.remaining()];
                buf.get(got);
                assertThat(got).as("datagram %d", i).isEqualTo(datagram(i));
            }
        }
    }

    @Test
    void aUnixDatagramLongerThanAFrameIsDroppedAndCounted() throws Exception {
        Assumptions.assumeTrue(Transport.best() == Transport.EPOLL, "unix datagrams need the epoll transport");
        int[] sv = Descriptors.socketpair(Descriptors.SOCK_DGRAM);
        try {
            start(Transport.EPOLL, "dgram,id=s0,local.type=fd,local.str=" + sv[0]);
            Descriptors.send(sv[1], new byte[NetClient.MAX_FRAME + 1]);
            Descriptors.send(sv[1], new byte[NetClient.MAX_FRAME]);
            assertThat(endpoint.waitForCount(1, 5000)).isEqualTo(1);
            assertThat(endpoint.received().get(0)).hasSize(NetClient.MAX_FRAME);
            assertThat(fabric.call(() -> fabric.findNetdev("s0").counters().drops(DropReason.BAD_LENGTH)))
                    .isEqualTo(1);
        } finally {
            Descriptors.close(sv[1]);   // sv[0] is the netdev's, closed with it
        }
    }
}
