package io.netfabric.user.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one hostfwd grammar: QEMU's steps, and the bracketed-IPv6 branch taking the same steps' reasons. */
class HostForwardTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // the IPv4 walk and the bracket branch share every step
        "tcp:127.1:80-:22|tcp:127.0.0.1:80",
        "udp:[::1]:80-:22|udp:[0:0:0:0:0:0:0:1]:80",
        "udp::0x50-[fec0::15]:22|udp:0.0.0.0:80",
        // java.net turns a v4-mapped address into the IPv4 one: the rule binds 1.2.3.4
        ":[::ffff:1.2.3.4]:80-10.0.2.15:22|tcp:1.2.3.4:80",
    })
    void keysNameProtocolHostAddressAndPort(String rule, String key) {
        assertThat(HostForward.parse(rule).key()).isEqualTo(key);
    }

    @Test
    void anUnspecifiedIpv4GuestIsTheDefaultGuestOnEitherBranch() {
        // libslirp: guest 0.0.0.0 is the first DHCP address, whatever the host side looks like.
        assertThat(HostForward.parse("tcp::80-0.0.0.0:22").guestAddr()).isNull();
        assertThat(HostForward.parse("tcp:[::1]:80-0.0.0.0:22").guestAddr()).isNull();
        assertThat(HostForward.parse("tcp:[::1]:80-0:22").guestAddr()).isNull();
        assertThat(HostForward.parse("tcp:[::1]:80-[::]:22").guestAddr().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:0");
    }

    @Test
    void fieldsAreCutAt255CharactersOnEitherBranch() {
        // get_str_sep() copies a field into a 256-byte buffer: 300 zeros then "80" reads as port 0.
        String zeros = "0".repeat(300);
        assertThat(HostForward.parse("tcp::" + zeros + "80-:22").hostPort()).isZero();
        assertThat(HostForward.parse("tcp:[::1]:" + zeros + "80-:22").hostPort()).isZero();
    }

    @Test
    void bracketStepsFailWithTheirStepsReasons() {
        assertThatThrownBy(() -> HostForward.parse("tcp::80-[fec0::15:22"))
                .hasMessage("Invalid host forwarding rule 'tcp::80-[fec0::15:22' (Bad guest address)");
        assertThatThrownBy(() -> HostForward.parse("tcp::80-[fec0::15]22"))
                .hasMessage("Invalid host forwarding rule 'tcp::80-[fec0::15]22' (Missing guest address)");
        assertThatThrownBy(() -> HostForward.parse("tcp:[zz]1-:2"))
                .hasMessage("Invalid host forwarding rule 'tcp:[zz]1-:2' (Missing : separator)");
    }
}
