package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * QEMU's help forms on the command line ({@code -netdev help}, {@code -nic model=help}), the
 * location QEMU puts on a warning about an option it is parsing, and its refusal of a monitor on
 * no known character device; the texts as qemu-system-x86_64 7.2 prints them.
 */
class HelpListingsTest {
    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Netfabric.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void netdevHelpListsTheTypesThisBuildRunsInQemusOrder() {
        for (String form : new String[] {"help", "?", "type=help"}) {
            Run r = run("-netdev", form);
            assertThat(r.status()).isZero();
            assertThat(r.out()).isEqualTo("Available netdev backend types:\nsocket\nstream\ndgram\nhubport\ntap\nuser\n"
                    + "l2tpv3\nvde\nbridge\n");
        }
    }

    @Test
    void nicModelHelpListsTheModelsSorted() {
        String models = "Supported NIC models:\ne1000\nrtl8139\nvirtio-net-pci\n";
        assertThat(run("-nic", "model=help").out()).isEqualTo(models);
        assertThat(run("-net", "nic,model=help").out()).isEqualTo(models);
    }

    @Test
    void aBareHelpIsNoDeprecatedFlagButStillRefused() {
        Run r = run("-netdev", "user,id=x,help");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("netfabric: -netdev user,id=x,help: Invalid parameter 'help'\n");
        assertThat(run("-net", "help").err()).isEqualTo("netfabric: -net help: Parameter 'type' does not accept value 'help'\n");
    }

    @Test
    void aMonitorOnNoCharacterDeviceIsRefusedAsQemuRefusesIt() {
        Run r = run("-qmp", "foo");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("netfabric: -qmp foo: 'foo' is not a valid char driver\n"
                + "netfabric: -qmp foo: parse error: foo\n");
        assertThat(run("-monitor", "unix").err()).isEqualTo("netfabric: -monitor unix: 'unix' is not a valid char driver\n"
                + "netfabric: -monitor unix: parse error: unix\n");
        // A device QEMU knows but netfabric does not serve a monitor on: netfabric's own words.
        assertThat(run("-qmp", "null").err()).startsWith("netfabric: -qmp null: netfabric serves a monitor on unix:PATH");
    }

    @Test
    void aGuestfwdTargetThatIsNoChardevGetsQemusTwoLines() {
        // qemu-system-x86_64 7.2 with the same option: the chardev parser's line, then slirp's.
        String opt = "user,id=u0,guestfwd=tcp:10.0.2.100:80-127.0.0.1:35940";
        Run r = run("-netdev", opt);
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("netfabric: -netdev " + opt + ": '127.0.0.1:35940' is not a valid char driver\n"
                + "netfabric: -netdev " + opt + ": Could not open guest forwarding device 'guestfwd.tcp.80'\n");
    }

    @Test
    void aWarningAboutAnOptionNamesIt() {
        Run r = run("-netdev", "user,id=x,foo");
        assertThat(r.err()).isEqualTo("netfabric: -netdev user,id=x,foo: warning: short-form boolean option 'foo' deprecated\n"
                + "Please use foo=on instead\n"
                + "netfabric: -netdev user,id=x,foo: Invalid parameter 'foo'\n");
    }
}
