package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netfabric.core.Fabric;
import io.netfabric.testkit.guest.GuestVm;
import io.netfabric.testkit.guest.TinyGuest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network boot: QEMU's own iPXE ROM takes its lease and a boot script from netfabric's DHCP
 * ({@code bootfile=}) and TFTP ({@code tftp=}), fetches the kernel and initramfs over TFTP and
 * boots them; the guest comes up without {@code -kernel} and reports its lease.
 */
class NetbootIT {
    @TempDir
    Path dir;

    @Test
    void ipxeBootsTheGuestFromNetfabricsTftp() throws Exception {
        assumeTrue(TinyGuest.missingTools().isEmpty(), "cannot build the tiny guest, missing: " + TinyGuest.missingTools());
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "qemu-system-x86 is not installed");
        assumeTrue(Files.exists(Path.of("/usr/lib/ipxe/qemu/efi-e1000.rom")), "QEMU's iPXE ROM for e1000 is missing");
        try (Fabric probe = Fabric.create()) {
            assumeTrue(probe.availableTypes().containsAll(List.of("user", "stream")), "needs the user and stream backends");
        }
        TinyGuest guest = TinyGuest.build();
        Path tftp = Files.createDirectories(dir.resolve("tftp"));
        Files.copy(guest.kernel(), tftp.resolve("vmlinuz"));
        Files.copy(guest.initrd(), tftp.resolve("initrd.cpio.gz"));
        Files.writeString(tftp.resolve("boot.ipxe"), GuestVm.ipxeScript("10.0.2.2", """
                ip link set eth0 up
                udhcpc -i eth0 -n -q -t 10 -T 2
                """));
        Path sock = dir.resolve("g.sock");
        try (Launcher nf = Launcher.start(CommandLine.parse(new String[] {"-nodefaults",
                "-netdev", "user,id=u0,tftp=" + tftp + ",bootfile=boot.ipxe", "-netdev", "hubport,id=pu,hubid=0,netdev=u0",
                "-netdev", "stream,id=g0,server=on,addr.type=unix,addr.path=" + sock,
                "-netdev", "hubport,id=pg,hubid=0,netdev=g0"}),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
             GuestVm vm = GuestVm.bootFromNetwork(List.of(
                     "-netdev", "stream,id=n0,server=off,addr.type=unix,addr.path=" + sock,
                     "-device", "e1000,netdev=n0"))) {
            String lease = vm.awaitLine("NFGUEST-LEASE", Duration.ofMinutes(4));
            assertThat(lease).as(vm.console()).isNotNull().contains("ip=10.0.2.15").contains("router=10.0.2.2");
            assertThat(vm.console()).contains("NFGUEST-READY");
        }
    }
}
