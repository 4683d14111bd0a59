package io.netfabric.hubport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfabric.core.DropReason;
import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.HubPortOptions;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.testing.RecordingClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HubTest {
    private Fabric fabric;
    private RecordingClient a;
    private RecordingClient b;
    private RecordingClient c;
    private RecordingClient d;

    @BeforeEach
    void wire() {
        fabric = Fabric.create();
        a = new RecordingClient("a");
        b = new RecordingClient("b");
        c = new RecordingClient("c");
        d = new RecordingClient("d");
        for (RecordingClient e : new RecordingClient[] {a, b, c, d}) {
            fabric.addClient(e);
            fabric.addNetdev(new Netdev("p" + e.name(), new HubPortOptions(0, e.name())));
        }
    }

    @AfterEach
    void close() {
        fabric.close();
    }

    private static ByteBuf frame(int tag, int len) {
        ByteBuf f = PooledByteBufAllocator.DEFAULT.directBuffer(len);
        for (int i = 0; i < len; i++) {
            f.writeByte(i == 0 ? tag : i);
        }
        return f;
    }

    @Test
    void floodsToEveryOtherPortAndNeverBack() {
        fabric.run(() -> a.send(frame(1, 64)));
        fabric.run(() -> {
            assertThat(a.received()).isEmpty();
            for (RecordingClient e : new RecordingClient[] {b, c, d}) {
                assertThat(e.received()).hasSize(1);
                assertThat(e.received().get(0)).hasSize(64).startsWith(1, 1, 2, 3);
            }
            assertThat(a.counters().txFrames()).isEqualTo(1);
            assertThat(b.counters().rxFrames()).isEqualTo(1);
        });
    }

    @Test
    void portsAreNamedAndListedNewestFirstAsInQemu() {
        fabric.run(() -> {
            Hub hub = Hubs.of(fabric).hub(0);
            assertThat(Arrays.stream(hub.ports()).map(NetClient::name)).containsExactly("pd", "pc", "pb", "pa");
            HubPort unnamed = Hubs.of(fabric).newPort(0, null, null);
            assertThat(unnamed.name()).isEqualTo("hub0port4");
            assertThat(unnamed.model()).isEqualTo("hub");
        });
    }

    @Test
    void aBusyReceiverQueuesUpTo10000FramesThenDropsAndCountsThem() {
        fabric.run(() -> {
            b.setBusy(true);
            for (int i = 0; i < 10_050; i++) {
                a.send(frame(2, 60));
            }
            // The others kept receiving: a hub stalls a sender only when every other port is busy.
            assertThat(c.received()).hasSize(10_050);
            assertThat(d.received()).hasSize(10_050);
            assertThat(b.received()).isEmpty();
            assertThat(b.queuedFrames()).isEqualTo(10_000);
            assertThat(b.counters().drops(DropReason.QUEUE_FULL)).isEqualTo(50);
            b.ready();
            assertThat(b.received()).hasSize(10_000);
            assertThat(b.queuedFrames()).isZero();
        });
    }

    @Test
    void aHubStallsItsSenderOnlyWhenAllOtherPortsAreBusy() {
        fabric.run(() -> {
            b.setBusy(true);
            c.setBusy(true);
            d.setBusy(true);
            assertThat(a.canSend()).isFalse();
            int[] sentCallbacks = new int[1];
            int ret = a.sendAsync(frame(3, 60), (sender, r) -> sentCallbacks[0]++);
            assertThat(ret).isZero();
            c.ready();
            // c's flush asked the hub to retry what waits at the other ports: a's frame went in.
            assertThat(sentCallbacks[0]).isEqualTo(1);
            assertThat(c.received()).hasSize(1);
            b.ready();
            d.ready();
            assertThat(b.received()).hasSize(1);
            assertThat(d.received()).hasSize(1);
        });
    }

    @Test
    void linkDownDropsBothWaysAndTheRestOfTheHubKeepsWorking() {
        fabric.setLink("a", false);
        fabric.run(() -> {
            a.send(frame(4, 60));
            b.send(frame(5, 60));
            assertThat(a.counters().drops(DropReason.SENDER_LINK_DOWN)).isEqualTo(1);
            assertThat(a.counters().drops(DropReason.RECEIVER_LINK_DOWN)).isEqualTo(1);
            assertThat(a.received()).isEmpty();
            assertThat(c.received()).hasSize(1);
            assertThat(d.received()).hasSize(1);
            assertThat(a.linkChanges()).isEqualTo(1);
        });
        fabric.setLink("a", true);
        fabric.run(() -> {
            b.send(frame(6, 60));
            assertThat(a.received()).hasSize(1);
        });
    }

    @Test
    void theNioFallbackTransportCarriesTheSameTraffic() {
        try (Fabric nio = Fabric.create(io.netfabric.core.Transport.NIO)) {
            RecordingClient x = new RecordingClient("x");
            RecordingClient y = new RecordingClient("y");
            nio.addClient(x);
            nio.addClient(y);
            nio.addNetdev(new Netdev("px", new HubPortOptions(3, "x")));
            nio.addNetdev(new Netdev("py", new HubPortOptions(3, "y")));
            nio.run(() -> {
                x.send(frame(11, 1514));
                assertThat(y.received()).hasSize(1);
                assertThat(nio.eventLoop().inEventLoop()).isTrue();
            });
            assertThat(nio.transport()).isEqualTo(io.netfabric.core.Transport.NIO);
        }
    }

    @Test
    void setLinkOnAnUnknownNameIsDeviceNotFound() {
        assertThatThrownBy(() -> fabric.setLink("nope", false))
                .isInstanceOf(FabricException.class).hasMessage("Device 'nope' not found");
    }

    @Test
    void aPortDeletedByNetdevDelLeavesTheHubAndItsPeerUnpeered() {
        fabric.deleteNetdev("pb");
        fabric.run(() -> {
            assertThat(b.peer()).isNull();
            a.send(frame(7, 60));
            assertThat(b.received()).isEmpty();
            assertThat(c.received()).hasSize(1);
            b.send(frame(8, 60));
            assertThat(b.counters().drops(DropReason.NO_PEER)).isEqualTo(1);
        });
    }

    @Test
    void hubportToAMissingOrBusyNetdevIsRefused() {
        assertThatThrownBy(() -> fabric.addNetdev(new Netdev("px", new HubPortOptions(1, "nope"))))
                .hasMessage("netdev 'nope' not found");
        assertThatThrownBy(() -> fabric.addNetdev(new Netdev("px", new HubPortOptions(1, "a"))))
                .isInstanceOf(FabricException.class).hasMessageContaining("'a'");
        assertThatThrownBy(() -> fabric.addNetdev(new Netdev("pa", new HubPortOptions(1, null))))
                .hasMessage("Duplicate ID 'pa'");
    }

    /**
     * Hub ports peered with each other join hubs (a frame crosses once); a pair that would close
     * a loop is refused, where QEMU 7.2 recurses until it crashes (segfault, checked with
     * {@code -netdev hubport,id=h0,hubid=0 -netdev hubport,id=h1,hubid=0,netdev=h0}).
     */
    @Test
    void hubsJoinThroughPeeredPortsButNeverInALoop() {
        fabric.addNetdev(new Netdev("x0", new HubPortOptions(0, null)));
        assertThatThrownBy(() -> fabric.addNetdev(new Netdev("x1", new HubPortOptions(0, "x0"))))
                .isInstanceOf(FabricException.class)
                .hasMessage("hubport 'x0' is on hub 0 too: peering two ports of one hub would loop frames for ever");
        fabric.addNetdev(new Netdev("y1", new HubPortOptions(1, "x0")));   // hub 0 - hub 1
        fabric.addNetdev(new Netdev("y2", new HubPortOptions(1, null)));
        fabric.addNetdev(new Netdev("z2", new HubPortOptions(2, "y2")));   // hub 1 - hub 2
        fabric.addNetdev(new Netdev("z3", new HubPortOptions(2, null)));
        assertThatThrownBy(() -> fabric.addNetdev(new Netdev("w", new HubPortOptions(0, "z3"))))
                .hasMessage("hubport 'z3' is on hub 2, which already reaches hub 0: peering them would loop frames for ever");
        RecordingClient e = new RecordingClient("e");
        fabric.addClient(e);
        fabric.addNetdev(new Netdev("pe", new HubPortOptions(2, "e")));
        fabric.run(() -> a.send(frame(7, 64)));
        fabric.run(() -> {
            assertThat(e.received()).as("across hubs 0, 1 and 2, once").hasSize(1);
            assertThat(b.received()).hasSize(1);
            assertThat(a.received()).isEmpty();
        });
    }

    @Test
    void framesQueuedForAClientAreReleasedWhenItGoesAway() {
        fabric.run(() -> {
            b.setBusy(true);
            a.send(frame(9, 60));
            a.send(frame(10, 60));
            assertThat(b.queuedFrames()).isEqualTo(2);
        });
        fabric.close();
    }
}
