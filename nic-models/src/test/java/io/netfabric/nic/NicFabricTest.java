package io.netfabric.nic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfabric.core.DropReason;
import io.netfabric.core.ErrorClass;
import io.netfabric.core.Fabric;
import io.netfabric.core.FabricEvent;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.RxFilterInfo;
import io.netfabric.core.RxState;
import io.netfabric.core.testing.RecordingClient;
import io.netfabric.wire.MacAddress;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** NICs on a running fabric: query-rx-filter, events, back-pressure, attach errors, failover. */
class NicFabricTest {
    static final String MAC = "52:54:00:12:34:56";
    static final String OTHER = "52:54:00:ab:cd:ef";

    private Fabric fabric;
    private final List<FabricEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        fabric = Fabric.create();
        fabric.addEventListener(events::add);
    }

    @AfterEach
    void tearDown() {
        fabric.close();
    }

    private <T> T onLoop(Callable<T> c) {
        return fabric.call(c);
    }

    private RecordingClient backend(String id) {
        RecordingClient b = new RecordingClient(id);
        fabric.addClient(b);
        return b;
    }

    private Nic nic(NicModel model, String id, String mac, String netdev, GuestPort guest) {
        return Nic.attach(fabric, new NicConfig(model, id, mac == null ? null : MacAddress.parse(mac), netdev), guest);
    }

    private List<FabricEvent> events(String name) {
        return events.stream().filter(e -> e.event().equals(name)).toList();
    }

    @Test
    void queryRxFilterPerModel() {
        backend("n0");
        backend("n1");
        backend("n2");
        nic(NicModel.VIRTIO_NET, "vnet0", MAC, "n0", new RecordingGuest());
        nic(NicModel.E1000, "e0", "52:54:00:12:34:57", "n1", new RecordingGuest());
        nic(NicModel.RTL8139, "r0", "52:54:00:12:34:58", "n2", new RecordingGuest());
        // QEMU 7.2's answer for a fresh virtio-net (recorded with qemu-system-x86_64 -S).
        assertThat(fabric.queryRxFilter("vnet0")).containsExactly(new RxFilterInfo("vnet0", true, RxState.NORMAL,
                RxState.NORMAL, RxState.ALL, false, false, false, MAC, VirtioNetRxFilterTest.allVlansDescending(),
                List.of(), List.of()));
        assertThat(fabric.queryRxFilter("e0").get(0).mainMac()).isEqualTo("52:54:00:12:34:57");
        assertThat(fabric.queryRxFilter("r0").get(0).unicast()).isEqualTo(RxState.NONE);
        assertThat(fabric.queryRxFilter(null)).extracting(RxFilterInfo::name).containsExactly("vnet0", "e0", "r0");
        Map<String, Object> qmp = fabric.queryRxFilter("vnet0").get(0).toQmp();
        assertThat(qmp.keySet()).containsExactly("name", "promiscuous", "multicast", "unicast", "vlan",
                "broadcast-allowed", "multicast-overflow", "unicast-overflow", "main-mac", "vlan-table",
                "unicast-table", "multicast-table");
        assertThat(qmp.get("vlan")).isEqualTo("all");
    }

    @Test
    void queryRxFilterErrorsAreQemus() {
        backend("n0");
        nic(NicModel.E1000, "e0", MAC, "n0", new RecordingGuest());
        fabric.addClient(new NetClient("plain", "nic") {
            @Override
            protected int receive(ByteBuf frame) {
                frame.release();
                return 1;
            }

            @Override
            public boolean isNic() {
                return true;
            }
        });
        assertThatThrownBy(() -> fabric.queryRxFilter("n0"))
                .isInstanceOf(FabricException.class).hasMessage("net client(n0) isn't a NIC");
        assertThatThrownBy(() -> fabric.queryRxFilter("nope"))
                .isInstanceOf(FabricException.class).hasMessage("invalid net client name: nope");
        assertThatThrownBy(() -> fabric.queryRxFilter("plain"))
                .isInstanceOf(FabricException.class).hasMessage("net client(plain) doesn't support rx-filter querying");
        // Without a name, NICs that cannot answer are skipped silently.
        assertThat(fabric.queryRxFilter(null)).extracting(RxFilterInfo::name).containsExactly("e0");
    }

    @Test
    void rxFilterChangedOnceUntilQueried() {
        backend("n0");
        Nic v = nic(NicModel.VIRTIO_NET, "vnet0", MAC, "n0", new RecordingGuest());
        VirtioNetRxFilter f = v.filter(VirtioNetRxFilter.class);
        fabric.run(() -> {
            f.setRxMode(VirtioNetRxFilter.RX_PROMISC, false);
            f.setRxMode(VirtioNetRxFilter.RX_ALLMULTI, true);
            f.addVlan(3);
        });
        assertThat(events("NIC_RX_FILTER_CHANGED")).hasSize(1);
        assertThat(events("NIC_RX_FILTER_CHANGED").get(0).data())
                .isEqualTo(Map.of("name", "vnet0", "path", "/machine/peripheral/vnet0/virtio-backend"));
        fabric.queryRxFilter("vnet0");
        fabric.run(() -> f.setMac(MacAddress.parse(OTHER)));
        fabric.run(() -> f.setRxMode(VirtioNetRxFilter.RX_NOBCAST, true));
        assertThat(events("NIC_RX_FILTER_CHANGED")).hasSize(2);
        // A query of every NIC re-arms them all; e1000 and rtl8139 raise it too, with their paths.
        backend("n1");
        Nic e = nic(NicModel.E1000, "e0", "52:54:00:12:34:57", "n1", new RecordingGuest());
        fabric.run(() -> e.filter(E1000RxFilter.class).writeRegister(E1000RxFilter.RCTL, E1000RxFilter.RCTL_BAM));
        fabric.run(() -> e.filter(E1000RxFilter.class).writeRegister(E1000RxFilter.RCTL, 0));
        assertThat(events("NIC_RX_FILTER_CHANGED")).hasSize(3);
        assertThat(events("NIC_RX_FILTER_CHANGED").get(2).data()).isEqualTo(Map.of("name", "e0", "path", "/machine/peripheral/e0"));
        fabric.queryRxFilter(null);
        fabric.run(() -> f.addVlan(4));
        fabric.run(() -> e.filter(E1000RxFilter.class).writeRegister(E1000RxFilter.VET, 0x88a8));
        assertThat(events("NIC_RX_FILTER_CHANGED")).hasSize(5);
    }

    @Test
    void framesToTheGuestPassTheFilterAndWaitWhileItIsBusy() {
        RecordingClient b = backend("n0");
        RecordingGuest g = new RecordingGuest();
        Nic e = nic(NicModel.E1000, "e0", MAC, "n0", g);
        byte[] mine = TestFrames.to(MAC).array();
        byte[] notMine = TestFrames.to(OTHER).array();
        byte[] shortMine = java.util.Arrays.copyOf(mine, 42);
        fabric.run(() -> {
            b.sendBytes(mine);
            b.sendBytes(notMine);
            b.sendBytes(shortMine);
        });
        assertThat(g.frames).hasSize(2);
        assertThat(g.frames.get(1)).hasSize(60);                     // e1000 pads short frames to 60
        assertThat(onLoop(e::filteredFrames)).isEqualTo(1);
        // The guest runs out of buffers: frames wait in the NIC's queue, in order.
        g.buffers = 0;
        fabric.run(() -> {
            b.sendBytes(mine);
            b.sendBytes(shortMine);
        });
        assertThat(g.frames).hasSize(2);
        assertThat(onLoop(e::queuedFrames)).isEqualTo(2);
        g.buffers = 1;
        fabric.run(e::flushQueued);
        assertThat(g.frames).hasSize(3);
        assertThat(onLoop(e::queuedFrames)).isEqualTo(1);
        g.buffers = -1;
        fabric.run(e::flushQueued);
        assertThat(g.frames).hasSize(4);
        assertThat(onLoop(e::acceptedFrames)).isEqualTo(4);
    }

    @Test
    void guestFramesWaitForABusyBackend() {
        RecordingClient b = backend("n0");
        Nic v = nic(NicModel.VIRTIO_NET, "vnet0", MAC, "n0", new RecordingGuest());
        b.setBusy(true);
        int[] callbacks = {0};
        int ret = onLoop(() -> v.sendAsync(io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(60).writeZero(60),
                (sender, r) -> callbacks[0]++));
        assertThat(ret).isZero();                                    // queued: stop the TX ring
        fabric.run(b::ready);
        assertThat(callbacks[0]).isEqualTo(1);
        assertThat(b.received()).hasSize(1);
    }

    @Test
    void virtioDropsFramesShorterThanAnEthernetHeader() {
        RecordingClient b = backend("n0");
        RecordingGuest g = new RecordingGuest();
        Nic v = nic(NicModel.VIRTIO_NET, "vnet0", MAC, "n0", g);
        fabric.run(() -> b.sendBytes(new byte[10]));
        assertThat(g.frames).isEmpty();
        assertThat(onLoop(() -> v.counters().drops(DropReason.MALFORMED))).isEqualTo(1);
    }

    @Test
    void attachErrorsAreQdevs() {
        backend("n0");
        nic(NicModel.E1000, "e0", MAC, "n0", new RecordingGuest());
        assertThatThrownBy(() -> nic(NicModel.E1000, "e1", null, "nope", new RecordingGuest()))
                .hasMessage("Property 'e1000.netdev' can't find value 'nope'");
        assertThatThrownBy(() -> nic(NicModel.RTL8139, "r1", null, "n0", new RecordingGuest()))
                .hasMessage("Property 'rtl8139.netdev' can't take value 'n0', it's in use");
        assertThatThrownBy(() -> nic(NicModel.VIRTIO_NET, "v1", null, "n0", new RecordingGuest()))
                .hasMessage("Property 'virtio-net-device.netdev' can't take value 'n0', it's in use");
        assertThatThrownBy(() -> nic(NicModel.E1000, "e0", null, null, new RecordingGuest()))
                .hasMessage("Duplicate ID 'e0' for device");
    }

    @Test
    void defaultNamesAndMacsAreQemus() {
        Nic a = nic(NicModel.E1000, null, null, null, new RecordingGuest());
        Nic b = nic(NicModel.E1000, null, "52:54:00:12:34:57", null, new RecordingGuest());
        Nic c = nic(NicModel.RTL8139, null, null, null, new RecordingGuest());
        assertThat(a.name()).isEqualTo("e1000.0");
        assertThat(b.name()).isEqualTo("e1000.1");
        assertThat(c.name()).isEqualTo("rtl8139.0");
        assertThat(a.mac()).isEqualTo(MacAddress.parse("52:54:00:12:34:56"));
        assertThat(c.mac()).isEqualTo(MacAddress.parse("52:54:00:12:34:58"));
        assertThat(c.toString()).isEqualTo("rtl8139.0: index=0,type=nic,model=rtl8139,macaddr=52:54:00:12:34:58");
        // A NIC without id has no name member in its event, and an anonymous path.
        fabric.run(() -> a.filter(E1000RxFilter.class).writeRegister(E1000RxFilter.RCTL, 2));
        assertThat(events("NIC_RX_FILTER_CHANGED").get(0).data()).isEqualTo(Map.of("path", "/machine/peripheral-anon/e1000.0"));
    }

    @Test
    void failoverNegotiatedWhenStandbyIsAcked() {
        backend("n0");
        Nic v = Nic.attach(fabric, new NicConfig(NicModel.VIRTIO_NET, "standby0", null, "n0", true), new RecordingGuest());
        fabric.run(() -> v.virtioFeaturesAcked(1L << VirtioNetRxFilter.F_CTRL_VQ));
        assertThat(events("FAILOVER_NEGOTIATED")).isEmpty();
        fabric.run(() -> v.virtioFeaturesAcked(1L << VirtioNetRxFilter.F_STANDBY));
        assertThat(events("FAILOVER_NEGOTIATED")).hasSize(1);
        // QEMU passes the standby (virtio-net) device's own id.
        assertThat(events("FAILOVER_NEGOTIATED").get(0).data()).isEqualTo(Map.of("device-id", "standby0"));
        // Without failover=on nothing is raised.
        backend("n1");
        Nic w = nic(NicModel.VIRTIO_NET, "plain0", null, "n1", new RecordingGuest());
        fabric.run(() -> w.virtioFeaturesAcked(1L << VirtioNetRxFilter.F_STANDBY));
        assertThat(events("FAILOVER_NEGOTIATED")).hasSize(1);
    }

    @Test
    void netdevDelTakesTheNicLinkDown() {
        backend("n0");
        RecordingGuest g = new RecordingGuest();
        Nic v = nic(NicModel.VIRTIO_NET, "vnet0", MAC, "n0", g);
        fabric.remove(onLoop(() -> fabric.findNetdev("n0")));
        assertThat(onLoop(v::linkDown)).isTrue();
        assertThat(g.links).containsExactly(false);
    }

    @Test
    void setLinkUnknownNameIsDeviceNotFound() {
        assertThatThrownBy(() -> fabric.setLink("nope", false))
                .isInstanceOfSatisfying(FabricException.class, e -> assertThat(e.errorClass()).isEqualTo(ErrorClass.DeviceNotFound))
                .hasMessage("Device 'nope' not found");
    }
}
