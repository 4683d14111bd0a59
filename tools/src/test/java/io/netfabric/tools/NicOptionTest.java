package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.core.NetClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code -nic TYPE,...} (QEMU 7.2 net.c {@code net_param_nic}): a netdev of TYPE with a board
 * NIC on it, in the slots before {@code -net nic}'s; messages recorded from qemu-system-x86_64
 * 7.2 ({@code -M pc}) with the same options.
 */
class NicOptionTest {
    private static Launcher start(String... args) throws Exception {
        return Launcher.start(CommandLine.parse(args), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()));
    }

    private static String refused(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Netfabric.run(args, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).isEqualTo(1);
        return err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
    }

    @Test
    void aNetdevWithABoardNicOnItBeforeTheNicsOfNet() throws Exception {
        try (Launcher l = start("-nodefaults", "-net", "nic", "-net", "user,id=u9",
                "-nic", "user,model=virtio-net-pci,mac=52:54:00:aa:bb:cc", "-nic", "user,id=n2")) {
            l.fabric().run(() -> {
                NetClient virtio = l.fabric().clients().stream().filter(c -> c.name().equals("virtio-net-pci.0"))
                        .findFirst().orElseThrow();
                assertThat(virtio.toString()).contains("macaddr=52:54:00:aa:bb:cc");
                // Without an id the netdev is named as a -net backend is; it is a netdev all the same.
                assertThat(virtio.peer().name()).matches("#net\\d+");
                assertThat(virtio.peer().isNetdev()).isTrue();
                NetClient second = l.fabric().findNetdev("n2");
                assertThat(second.peer().name()).isEqualTo("e1000.0");
                assertThat(second.peer().toString()).contains("macaddr=52:54:00:12:34:56");
                // -net nic's NIC comes after the -nic ones, whatever the command line's order.
                NetClient legacy = l.fabric().clients().stream().filter(c -> c.name().equals("e1000.1"))
                        .findFirst().orElseThrow();
                assertThat(legacy.toString()).contains("macaddr=52:54:00:12:34:57");
            });
        }
    }

    @Test
    void noneMakesNothing() throws Exception {
        try (Launcher l = start("-nic", "none")) {
            assertThat(l.fabric().clients()).isEmpty();
        }
    }

    @Test
    void refusedInQemusWords() {
        assertThat(refused("-nic", "user,mac=01:00:00:00:00:01"))
                .isEqualTo("netfabric: -nic user,mac=01:00:00:00:00:01: NIC cannot have multicast MAC address");
        assertThat(refused("-nic", "user,mac=zz")).isEqualTo("netfabric: -nic user,mac=zz: invalid syntax for ethernet address");
        assertThat(refused("-nic", "nic")).isEqualTo("netfabric: -nic nic: network backend 'nic' is not compiled into this binary");
        assertThat(refused("-nic", "user,model=nosuch")).isEqualTo("netfabric: Unsupported NIC model: nosuch");
        assertThat(refused("-nic", "bogus")).isEqualTo("netfabric: -nic bogus: Parameter 'type' does not accept value 'bogus'");
        assertThat(refused("-nic", "user,id=9x")).isEqualTo("netfabric: -nic user,id=9x: Parameter 'id' expects an identifier");
        assertThat(refused("-nic", "user,id=x", "-nic", "user,id=x")).isEqualTo("netfabric: -nic user,id=x: Duplicate ID 'x' for nic");
        assertThat(refused("-netdev", "user,id=x", "-nic", "user,id=x")).isEqualTo("netfabric: -nic user,id=x: Duplicate ID 'x'");
        String[] nine = new String[18];
        for (int i = 0; i < 9; i++) {
            nine[2 * i] = "-nic";
            nine[2 * i + 1] = "user";
        }
        assertThat(refused(nine)).isEqualTo("netfabric: -nic user: no more on-board/default NIC slots available");
        String[] eightAndNet = new String[20];
        for (int i = 0; i < 8; i++) {
            eightAndNet[2 * i] = "-nic";
            eightAndNet[2 * i + 1] = "user";
        }
        eightAndNet[16] = "-net";
        eightAndNet[17] = "nic";
        eightAndNet[18] = "-net";
        eightAndNet[19] = "user";
        assertThat(refused(eightAndNet)).isEqualTo("netfabric: -net nic: too many NICs");
    }
}
