package io.netfabric.nic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfabric.core.FabricException;
import io.netfabric.wire.MacAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code -device} parsing with qdev's messages (behaviour notes §1.8, §1.9). */
class DeviceOptionsTest {
    @Test
    void parsesEveryProperty() {
        DeviceOptions o = DeviceOptions.parse("virtio-net,id=vnet0,netdev=n0,mac=52-54-00-12-34-56,failover=on,guest=unix:/tmp/a,,b");
        assertThat(o.model()).isEqualTo(NicModel.VIRTIO_NET);
        assertThat(o.id()).isEqualTo("vnet0");
        assertThat(o.netdev()).isEqualTo("n0");
        assertThat(o.mac()).isEqualTo(MacAddress.parse("52:54:00:12:34:56"));
        assertThat(o.failover()).isTrue();
        assertThat(o.guestPath()).isEqualTo(Path.of("/tmp/a,b"));
        assertThat(DeviceOptions.parse("driver=e1000,romfile=,addr=3").model()).isEqualTo(NicModel.E1000);
        assertThat(DeviceOptions.parse("virtio-net-pci").model()).isEqualTo(NicModel.VIRTIO_NET);
        // qdev's mac property takes a multicast MAC (only -net nic refuses it).
        assertThat(DeviceOptions.parse("rtl8139,mac=01:00:5e:00:00:01").mac().toString()).isEqualTo("01:00:5e:00:00:01");
    }

    @Test
    void qemusMessages() {
        assertThatThrownBy(() -> DeviceOptions.parse("e1000,mac=52:54:00:12:34"))
                .isInstanceOf(FabricException.class).hasMessage("Property 'e1000.mac' doesn't take value '52:54:00:12:34'");
        assertThatThrownBy(() -> DeviceOptions.parse("virtio-net,mac=zz"))
                .hasMessage("Property 'virtio-net-device.mac' doesn't take value 'zz'");
        assertThatThrownBy(() -> DeviceOptions.parse("ne2k_pci,netdev=n0"))
                .hasMessage("'ne2k_pci' is not a valid device model name");
        assertThatThrownBy(() -> DeviceOptions.parse("e1000,foo=1"))
                .hasMessage("Property 'e1000.foo' not found");
        assertThatThrownBy(() -> DeviceOptions.parse("e1000,failover=on"))
                .hasMessage("Property 'e1000.failover' not found");
        assertThatThrownBy(() -> DeviceOptions.parse("id=x"))
                .hasMessage("Parameter 'driver' is missing");
        assertThatThrownBy(() -> DeviceOptions.parse("e1000,id=1x"))
                .hasMessage("Parameter 'id' expects an identifier");
        assertThatThrownBy(() -> DeviceOptions.parse("e1000,guest=tcp:1"))
                .hasMessageStartingWith("Property 'e1000.guest' doesn't take value 'tcp:1'");
    }

    @Test
    void netdevIsCheckedInItsPlace() {
        // qdev sets properties in order: a bad netdev before a bad mac is the error reported.
        assertThatThrownBy(() -> DeviceOptions.parse("e1000,netdev=x,mac=zz", (m, n) -> {
            throw FabricException.generic("Property '" + m.propertyOwner() + ".netdev' can't find value '" + n + "'");
        })).hasMessage("Property 'e1000.netdev' can't find value 'x'");
        assertThatThrownBy(() -> DeviceOptions.parse("e1000,mac=zz,netdev=x", (m, n) -> {
            throw FabricException.generic("unreached");
        })).hasMessage("Property 'e1000.mac' doesn't take value 'zz'");
    }
}
