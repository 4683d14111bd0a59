package io.netfabric.nic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfabric.core.Fabric;
import io.netfabric.core.testing.RecordingClient;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -device ...,guest=unix:PATH}: the NIC's guest side driven from outside the JVM's fabric. */
class GuestStreamEndpointTest {
    @TempDir
    Path dir;
    private Fabric fabric;
    private RecordingClient n0;

    @BeforeEach
    void setUp() {
        fabric = Fabric.create();
        n0 = new RecordingClient("n0");
        fabric.addClient(n0);
    }

    @AfterEach
    void tearDown() {
        fabric.close();
    }

    private static void await(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached in 5 s");
            }
            Thread.sleep(5);
        }
    }

    private static void writeFrame(SocketChannel ch, byte[] frame) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 + frame.length).putInt(frame.length).put(frame).flip();
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static byte[] readFrame(SocketChannel ch) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(4);
        while (h.hasRemaining()) {
            if (ch.read(h) < 0) {
                throw new IOException("closed");
            }
        }
        ByteBuffer f = ByteBuffer.allocate(h.flip().getInt());
        while (f.hasRemaining()) {
            if (ch.read(f) < 0) {
                throw new IOException("closed");
            }
        }
        return f.array();
    }

    @Test
    void framesBothWaysThroughTheFilter() throws Exception {
        Path sock = dir.resolve("g.sock");
        Nic nic = NicDevice.create(fabric, "rtl8139,id=r0,netdev=n0,mac=52:54:00:12:34:56,guest=unix:" + sock);
        assertThat(nic.name()).isEqualTo("r0");
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            // Guest to fabric, in order, also while the backend is busy (back-pressure).
            fabric.run(() -> n0.setBusy(true));
            for (int i = 0; i < 3; i++) {
                byte[] f = TestFrames.to(TestFrames.BCAST).array();
                f[14] = (byte) i;
                writeFrame(ch, f);
            }
            await(() -> fabric.call(n0::queuedFrames) == 1);
            fabric.run(n0::ready);
            await(() -> fabric.call(n0::receivedCount) == 3);
            assertThat(fabric.call(() -> n0.received().stream().map(f -> (int) f[14]).toList())).containsExactly(0, 1, 2);
            // Fabric to guest: the rtl8139's reset state takes nothing; AB and APM open it.
            fabric.run(() -> n0.sendBytes(TestFrames.to(TestFrames.BCAST).array()));
            fabric.run(() -> nic.filter(Rtl8139RxFilter.class).writeRegister32(Rtl8139RxFilter.RX_CONFIG,
                    Rtl8139RxFilter.ACCEPT_BROADCAST | Rtl8139RxFilter.ACCEPT_MY_PHYS));
            byte[] mine = TestFrames.to("52:54:00:12:34:56").array();
            mine[14] = 42;
            fabric.run(() -> n0.sendBytes(Arrays.copyOf(mine, 42)));   // short: padded to 60
            fabric.run(() -> n0.sendBytes(TestFrames.to("52:54:00:ab:cd:ef").array()));
            fabric.run(() -> n0.sendBytes(TestFrames.to(TestFrames.BCAST).array()));
            byte[] first = readFrame(ch);
            assertThat(first).hasSize(60);
            assertThat(first[14]).isEqualTo((byte) 42);
            assertThat(readFrame(ch)[0]).isEqualTo((byte) 0xff);
            assertThat(fabric.call(nic::filteredFrames)).isEqualTo(2);
            assertThat(fabric.queryRxFilter("r0").get(0).multicast().qapiName()).isEqualTo("none");
        }
        fabric.remove(nic);
        assertThat(Files.exists(sock)).isFalse();
    }

    @Test
    void bindFailureIsQemusMessage() {
        Path sock = dir.resolve("missing/dir/g.sock");
        assertThatThrownBy(() -> NicDevice.create(fabric, "e1000,netdev=n0,guest=unix:" + sock))
                .hasMessageStartingWith("Failed to bind socket to " + sock + ": ");
        // The netdev stays free for another try.
        assertThat(fabric.call(() -> n0.peer())).isNull();
    }

    @Test
    void netdevErrorsThroughTheDevice() {
        NicDevice.create(fabric, "e1000,id=e0,netdev=n0");
        assertThatThrownBy(() -> NicDevice.create(fabric, "e1000,netdev=n0"))
                .hasMessage("Property 'e1000.netdev' can't take value 'n0', it's in use");
        assertThatThrownBy(() -> NicDevice.create(fabric, "virtio-net,netdev=zz"))
                .hasMessage("Property 'virtio-net-device.netdev' can't find value 'zz'");
        assertThat(fabric.queryRxFilter(null)).extracting(i -> i.name()).isEqualTo(List.of("e0"));
    }
}
