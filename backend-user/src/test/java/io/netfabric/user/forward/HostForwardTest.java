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

    /** Ports as QEMU 7.2's HMP hostfwd_add took them: int port = strtol(text, &end, 0), *end == '\0'. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tcp:127.0.0.2:-:22|0|22",                      // "" reads as 0: QEMU bound an ephemeral port
        "tcp:127.0.0.1:4294991396-:22|24100|22",        // narrowed to int: QEMU bound 24100
        "tcp:127.0.0.1:24101-:-4294967274|24101|22",
        "tcp:127.0.0.1:24009-:0x16|24009|22",
        "tcp:127.0.0.1:24010-:026|24010|22",
        "'tcp:127.0.0.1: 24001-: 22'|24001|22",
        "tcp:127.0.0.1:+24002-:+22|24002|22",
    })
    void portsAreCStrtolNarrowedToInt(String rule, int hostPort, int guestPort) {
        HostForward f = HostForward.parse(rule);
        assertThat(f.hostPort()).isEqualTo(hostPort);
        assertThat(f.guestPort()).isEqualTo(guestPort);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tcp:127.0.0.1:99999999999999999999-:22|Bad host port",    // LONG_MAX narrows to -1
        "tcp:127.0.0.1:+-:22|Bad host port",
        "'tcp:127.0.0.1: -:22'|Bad host port",
        "'tcp:127.0.0.1:24003 -:22'|Bad host port",
        "tcp:127.0.0.1:0x-:22|Bad host port",
        "tcp:127.0.0.1:-0-:22|Bad guest address",
        "::-|Missing guest address",
        "tcp:127.0.0.1:24102-:|Bad guest port",
        "'tcp:127.0.0.1:24007-:22 '|Bad guest port",
        "tcp:127.0.0.1:24013-:4294967296|Bad guest port",
        "tcp:127.0.0.0x:24021-:22|Bad host address",
        "tcp:0x.0.0.1:24023-:22|Bad host address",
        "tcp:127.0.0.1\u001cjunk:24019-:22|Bad host address",
    })
    void rulesQemuRefusedFailWithItsReason(String rule, String reason) {
        assertThatThrownBy(() -> HostForward.parse(rule))
                .hasMessage("Invalid host forwarding rule '" + rule + "' (" + reason + ")");
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
    void aRuleIsItsFirst1023Characters() {
        // QEMU 7.2 quoted 1023 characters of this 1123-character rule, whose port then read 0.
        String rule = "tcp:127.0.0.1:24044-:" + "0".repeat(1100) + "22";
        assertThatThrownBy(() -> HostForward.parse(rule))
                .hasMessage("Invalid host forwarding rule '" + rule.substring(0, 1023) + "' (Bad guest port)");
        // ... and lost the separator past the cut of this one.
        String blanks = "tcp:127.0.0.1" + " ".repeat(1100) + ":24201-:22";
        assertThatThrownBy(() -> HostForward.parse(blanks))
                .hasMessage("Invalid host forwarding rule '" + blanks.substring(0, 1023) + "' (Missing : separator)");
        String fits = "tcp::80-:" + "0".repeat(1012) + "22";   // 1023 characters: what follows is not read
        assertThat(HostForward.parse(fits + "junk").text()).isEqualTo(fits);
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

    /** hostfwd_remove's specs and what QEMU 7.2's HMP did with them (recorded against live rules). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "invalid", value = {
        "tcp:127.0.0.1:24047|tcp:127.0.0.1:24047",
        ":127.1:24051|tcp:127.0.0.1:24051",
        "udp:127.0.0.1:24052|udp:127.0.0.1:24052",
        // qemu_strtoi(p, NULL, 10): decimal with leading zeros, sign and leading blanks, nothing after
        "tcp:127.0.0.1:024047|tcp:127.0.0.1:24047",
        "'tcp:127.0.0.1: 24049'|tcp:127.0.0.1:24049",
        "tcp:127.0.0.1:+24050|tcp:127.0.0.1:24050",
        "tcp:127.0.0.1:0x5df1|invalid",
        "'tcp:127.0.0.1:24050 '|invalid",
        "tcp::|invalid",
        // any int: htons() keeps the low 16 bits (QEMU removed port 24048's rule with 89584)
        "tcp:127.0.0.1:89584|tcp:127.0.0.1:24048",
        "tcp::-1|tcp:0.0.0.0:65535",
        "tcp::99999|tcp:0.0.0.0:34463",
        "tcp::2147483648|invalid",
        // inet_aton: text after a blank is ignored
        "'tcp:1.2.3.4 x:1'|tcp:1.2.3.4:1",
        "bogus|invalid",
        "tcp|invalid",
        "tcp:1.2.3.4|invalid",
        "sctp::1|invalid",
        "tcp::1-|invalid",
        "tcp::1:2|invalid",
        ":::1|invalid",
        // netfabric's bracket branch, as in add
        "tcp:[::1]:1|tcp:[0:0:0:0:0:0:0:1]:1",
        "tcp:[::1:1|invalid",
    })
    void removalSpecsNameRulesAsQemusHmpDoes(String spec, String key) {
        assertThat(HostForward.removalKey(spec)).isEqualTo(key);
    }
}
