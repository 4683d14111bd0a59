package io.netfabric.testkit.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tiny guest boots under TCG, loads its NIC drivers in order and runs the given script. */
class TinyGuestIT {
    @Test
    void bootsLoadsTheNicDriversAndRunsTheScript() throws Exception {
        assumeTrue(TinyGuest.missingTools().isEmpty(), "missing: " + TinyGuest.missingTools());
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "qemu-system-x86 is not installed");
        TinyGuest guest = TinyGuest.build();
        try (GuestVm vm = GuestVm.boot(guest, List.of("-device", "e1000,netdev=n0", "-netdev", "hubport,id=n0,hubid=0",
                "-device", "virtio-net-pci,netdev=n1", "-netdev", "hubport,id=n1,hubid=1"),
                "ls /sys/class/net | tr '\\n' ' '; echo; cat /sys/class/net/eth0/device/driver/module/../../module 2>/dev/null; "
                + "for i in /sys/class/net/eth*; do echo NIC $(basename $(readlink $i/device/driver)); done; exit 3")) {
            assertThat(vm.awaitDone(Duration.ofMinutes(3))).as(vm.console()).isEqualTo(3);
            assertThat(vm.console()).contains("NFGUEST-READY").contains("NIC e1000").contains("NIC virtio_net");
        }
    }
}
