package io.netfabric.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.core.options.NetdevQmpDecoder;
import io.netfabric.core.options.UserOptions;
import io.netfabric.user.forward.GuestForwardRule;
import io.netfabric.user.forward.HostForward;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The user netdev's options through both front doors and {@code Fabric.addNetdev}, with QEMU 7.2's messages. */
class UserOptionsTest {
    static Fabric fabric;

    @BeforeAll
    static void start() {
        fabric = Fabric.create();
    }

    @AfterAll
    static void stop() {
        fabric.close();
    }

    static NetClient cli(String optarg) {
        Netdev n = NetdevOptionParser.parseNetdev(optarg, fabric.availableTypes(), w -> { });
        NetClient c = fabric.addNetdev(n);
        fabric.deleteNetdev(c.name());
        return c;
    }

    static String error(String optarg) {
        FabricException e = org.assertj.core.api.Assertions.catchThrowableOfType(() -> cli(optarg), FabricException.class);
        assertThat(e).as(optarg).isNotNull();
        return e.getMessage();
    }

    /** The {@code backend:user} cases of fabric-core's recorded QEMU 7.2 fixtures, word for word. */
    @Test
    void theRecordedQemuCasesGiveQemusMessages() {
        assertThat(error("user,id=x,net=10.0.2.0/99")).isEqualTo("Invalid netmask provided (must be in range 4-32)");
        assertThat(error("user,id=x,hostfwd=tcp::x-:22")).isEqualTo("Invalid host forwarding rule 'tcp::x-:22' (Bad host port)");
        FabricException q1 = org.assertj.core.api.Assertions.catchThrowableOfType(() -> fabric.addNetdev(NetdevQmpDecoder.decode(
                Map.of("type", "user", "id", "x", "net", "10.0.2.0/99"), fabric.availableTypes())), FabricException.class);
        assertThat(q1.getMessage()).isEqualTo("Invalid netmask provided (must be in range 4-32)");
        assertThat(q1.errorClass().name()).isEqualTo("GenericError");
        FabricException q2 = org.assertj.core.api.Assertions.catchThrowableOfType(() -> fabric.addNetdev(NetdevQmpDecoder.decode(
                Map.of("type", "user", "id", "x", "hostfwd", List.of(Map.of("str", "tcp::x-:22"))), fabric.availableTypes())),
                FabricException.class);
        assertThat(q2.getMessage()).isEqualTo("Invalid host forwarding rule 'tcp::x-:22' (Bad host port)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "user,id=x,ipv4=off,net=10.0.0.0/8|IPv4 disabled but netmask/host/dns provided",
        "user,id=x,ipv6=off,ipv6-prefix=fd00::|IPv6 disabled but prefix/host6/dns6 provided",
        "user,id=x,ipv4=off,ipv6=off|IPv4 and IPv6 disabled",
        "user,id=x,net=foo|Failed to parse netmask",
        "user,id=x,net=10.0.2.0/24x|Failed to parse netmask (trailing chars)",
        "user,id=x,net=10.0.2.0/3|Invalid netmask provided (must be in range 4-32)",
        "user,id=x,host=nohost|Failed to parse host",
        "user,id=x,host=10.0.3.2|Host doesn't belong to network",
        "user,id=x,dns=bad|Failed to parse DNS",
        "user,id=x,restrict=on,dns=8.8.8.8|DNS doesn't belong to network",
        "user,id=x,dns=10.0.2.2|DNS must be different from host",
        "user,id=x,dhcpstart=x|Failed to parse DHCP start address",
        "user,id=x,dhcpstart=10.0.3.15|DHCP doesn't belong to network",
        "user,id=x,dhcpstart=10.0.2.3|DHCP must be different from host and DNS",
        "user,id=x,smbserver=x|Failed to parse SMB address",
        "user,id=x,ipv6-prefix=zz|Failed to parse IPv6 prefix",
        "user,id=x,ipv6-prefixlen=127|Invalid IPv6 prefix provided (IPv6 prefix length must be between 0 and 126)",
        "user,id=x,ipv6-host=::zz|Failed to parse IPv6 host",
        "user,id=x,ipv6-host=fd00::2|IPv6 Host doesn't belong to network",
        "user,id=x,ipv6-dns=zz|Failed to parse IPv6 DNS",
        "user,id=x,restrict=on,ipv6-dns=fd00::3|IPv6 DNS doesn't belong to network",
        "user,id=x,domainname=|'domainname' parameter cannot be empty",
        "user,id=x,hostfwd=tcp|Invalid host forwarding rule 'tcp' (No : separators)",
        "user,id=x,hostfwd=sctp::1-:2|Invalid host forwarding rule 'sctp::1-:2' (Bad protocol name)",
        "user,id=x,hostfwd=tcp:1|Invalid host forwarding rule 'tcp:1' (Missing : separator)",
        "user,id=x,hostfwd=tcp:a.b:1-:2|Invalid host forwarding rule 'tcp:a.b:1-:2' (Bad host address)",
        "user,id=x,hostfwd=tcp::1|Invalid host forwarding rule 'tcp::1' (Bad host port separator)",
        "user,id=x,hostfwd=tcp::70000-:2|Invalid host forwarding rule 'tcp::70000-:2' (Bad host port)",
        "user,id=x,hostfwd=tcp::1-2|Invalid host forwarding rule 'tcp::1-2' (Missing guest address)",
        "user,id=x,hostfwd=tcp::1-x:2|Invalid host forwarding rule 'tcp::1-x:2' (Bad guest address)",
        "user,id=x,hostfwd=udp::1-:0|Invalid host forwarding rule 'udp::1-:0' (Bad guest port)",
        "user,id=x,guestfwd=udp::1-cmd:true|Invalid guest forwarding rule 'udp::1-cmd:true'",
        "user,id=x,guestfwd=tcp:10.0.2.100:0-cmd:true|Invalid guest forwarding rule 'tcp:10.0.2.100:0-cmd:true'",
        "user,id=x,guestfwd=tcp:10.0.2.2:80-cmd:true|Conflicting/invalid host:port in guest forwarding rule 'tcp:10.0.2.2:80-cmd:true'",
        "user,id=x,guestfwd=tcp:10.0.2.100:80-nosuch:x|Could not open guest forwarding device 'guestfwd.tcp.80'",
        // Rules are applied guestfwd last to first, then hostfwd last to first (QEMU 7.2's binary).
        "user,id=x,hostfwd=tcp:1,guestfwd=udp::1-cmd:true|Invalid guest forwarding rule 'udp::1-cmd:true'",
        "user,id=x,hostfwd=tcp:1,hostfwd=tcp:2|Invalid host forwarding rule 'tcp:2' (Missing : separator)",
        "user,id=x,guestfwd=udp::1-cmd:true,guestfwd=udp::2-cmd:true|Invalid guest forwarding rule 'udp::2-cmd:true'",
        // The same address:port twice: the earlier rule is applied later and named (what libslirp's
        // check means; 4.7 compares against htons(port) and lets this pair through).
        "user,id=x,guestfwd=tcp:10.0.2.100:81-cmd:true,guestfwd=tcp:10.0.2.100:81-cmd:false|Conflicting/invalid host:port in guest forwarding rule 'tcp:10.0.2.100:81-cmd:true'",
        // The guestfwd port is strtol's long narrowed to an int: 65536, 2^32 and LONG_MAX's -1 fail.
        "user,id=x,guestfwd=tcp:10.0.2.100:65536-cmd:true|Invalid guest forwarding rule 'tcp:10.0.2.100:65536-cmd:true'",
        "user,id=x,guestfwd=tcp:10.0.2.100:4294967296-cmd:true|Invalid guest forwarding rule 'tcp:10.0.2.100:4294967296-cmd:true'",
        "user,id=x,guestfwd=tcp:10.0.2.100:9223372036854775808-cmd:true|Invalid guest forwarding rule 'tcp:10.0.2.100:9223372036854775808-cmd:true'",
        "user,id=x,guestfwd=tcp:10.0.2.100:-1-cmd:true|Invalid guest forwarding rule 'tcp:10.0.2.100:-1-cmd:true'",
        "user,id=x,mtu=67|Parameter 'mtu' expects a value between 68 and 65521",
        "user,id=x,dns-upstream=resolver.example|Parameter 'dns-upstream' expects ADDR[:PORT] with a numeric address, not 'resolver.example'",
    })
    void qemusChecksInQemusOrder(String optarg, String message) {
        assertThat(error(optarg)).isEqualTo(message);
    }

    @Test
    void longNamesAreRefusedWithQemusOwnWords() {
        String longName = "a".repeat(256);
        assertThat(error("user,id=x,hostname=" + longName)).isEqualTo("'vhostname' parameter cannot exceed 255 bytes");
        assertThat(error("user,id=x,domainname=" + longName)).isEqualTo("'domainname' parameter cannot exceed 255 bytes");
        assertThat(error("user,id=x,tftp-server-name=" + longName))
                .isEqualTo("'tftp-server-name' parameter cannot exceed 255 bytes");
    }

    /** QEMU's message when its CONFIG_SMBD_COMMAND is missing; samba is installed where the tests run. */
    @Test
    void smbWithoutSambaInstalledSaysSo(@TempDir Path dir) {
        Path smbd = dir.resolve("sbin/smbd");
        assertThatThrownBy(() -> SambaServer.prepare(dir.toString(), smbd.toString()))
                .hasMessage("Could not find '" + smbd + "', please install it");
    }

    @Test
    void smbPreparesQemusConfigurationWhenSmbdExists(@TempDir Path dir) throws Exception {
        Path smbd = dir.resolve("smbd");
        Files.writeString(smbd, "#!/bin/sh\n");
        SambaServer s = SambaServer.prepare(dir.toString(), smbd.toString());
        try {
            assertThat(s.command()).startsWith(smbd.toString(), "-l");
            assertThat(Files.readString(Path.of(s.command().get(4)))).contains("[qemu]\npath=" + dir);
        } finally {
            s.close();
        }
        assertThatThrownBy(() -> SambaServer.prepare(dir.resolve("missing").toString(), smbd.toString()))
                .hasMessage("Error accessing shared directory '" + dir.resolve("missing") + "': No such file or directory");
    }

    /**
     * slirp_smb() registers smbd on the smbserver address as two guest forwards (139 and 445), so
     * an address outside the network, the host's or the DNS server's is refused with QEMU 7.2's
     * message (checked against its binary), after the share's checks, and leaves no directory.
     */
    @Test
    void smbserverThatCannotTakeSmbdIsRefusedAsQemu(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of(SambaServer.SMBD)), "samba is not installed");
        for (String server : List.of("10.0.3.4", "10.0.2.2", "10.0.2.3")) {
            assertThat(error("user,id=x,smb=" + dir + ",smbserver=" + server)).isEqualTo("Conflicting/invalid smbserver address");
        }
        assertThat(error("user,id=x,guestfwd=tcp:10.0.2.9:445-cmd:true,smb=" + dir + ",smbserver=10.0.2.9"))
                .isEqualTo("Conflicting/invalid smbserver address");
        assertThat(error("user,id=x,smb=" + dir.resolve("missing") + ",smbserver=10.0.2.2"))
                .startsWith("Error accessing shared directory");
        try (var tmp = Files.list(Path.of("/tmp"))) {
            assertThat(tmp.filter(d -> d.getFileName().toString().startsWith("qemu-smb."))
                    .map(d -> d.resolve("smb.conf")).filter(Files::exists)
                    .filter(c -> readQuietly(c).contains("path=" + dir + "\n"))).as("prepared directories left").isEmpty();
        }
        cli("user,id=x,smb=" + dir + ",smbserver=10.0.2.9");
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** libslirp's translate_dnssearch(): a name it cannot encode is left out of option 119, the rest kept. */
    @Test
    void dnssearchLeavesOutWhatLibslirpCannotEncode() {
        String tooLong = "a".repeat(64) + ".example";
        Netdev n = NetdevOptionParser.parseNetdev("user,id=x,dnssearch=,dnssearch=a..b,dnssearch=.a,dnssearch=.,dnssearch="
                + tooLong + ",dnssearch=ok.example,dnssearch=root.,dnssearch=" + "b".repeat(63), fabric.availableTypes(), w -> { });
        UserConfig c = UserConfig.from((UserOptions) n.options(), Path.of("/etc/resolv.conf"));
        assertThat(c.dnssearch()).containsExactly("ok.example", "root.", "b".repeat(63));
    }

    @Test
    void defaultsAreQemusAndInfoStrMatches() {
        NetClient c = cli("user,id=u0");
        assertThat(c.model()).isEqualTo("user");
        assertThat(c.info()).isEqualTo("net=10.0.2.0,restrict=off");
        UserConfig d = StackHarness.config("");
        assertThat(d.host().toString()).isEqualTo("10.0.2.2");
        assertThat(d.dns().toString()).isEqualTo("10.0.2.3");
        assertThat(d.dhcpStart().toString()).isEqualTo("10.0.2.15");
        assertThat(d.host6().toString()).isEqualTo("fec0::2");
        assertThat(d.dns6().toString()).isEqualTo("fec0::3");
        assertThat(d.mtu()).isEqualTo(1500);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "net=192.168.0.0/16|192.168.2.2|192.168.2.3|192.168.2.15",
        "net=172.20.0.0|172.16.2.2|172.16.2.3|172.16.2.15",
        "net=10.1.2.0/255.255.255.0|10.1.2.2|10.1.2.3|10.1.2.15",
        "ip=10.9.9.0|10.9.9.2|10.9.9.3|10.9.9.15",
    })
    void addressesFollowTheNetwork(String opt, String host, String dns, String dhcp) {
        UserConfig c = StackHarness.config(opt);
        assertThat(c.host().toString()).isEqualTo(host);
        assertThat(c.dns().toString()).isEqualTo(dns);
        assertThat(c.dhcpStart().toString()).isEqualTo(dhcp);
    }

    @Test
    void forwardingRulesKeepTheCommandLinesOrderAndAGuestfwdPortWrapsAsInQemu() {
        UserConfig c = StackHarness.config("guestfwd=tcp:10.0.2.100:4294967377-cmd:true,guestfwd=tcp:10.0.2.101:82-cmd:true,"
                + "hostfwd=tcp::1-:22,hostfwd=tcp::2-:23");
        assertThat(c.guestfwd()).extracting(GuestForwardRule::port).containsExactly(81, 82);
        assertThat(c.hostfwd()).extracting(HostForward::guestPort).containsExactly(22, 23);
        // net='s prefix length is narrowed to an int as well (QEMU 7.2 shows net=10.0.0.0 for this).
        UserConfig wide = StackHarness.config("net=10.0.0.0/4294967304");
        assertThat(wide.net().toString()).isEqualTo("10.0.0.0");
        assertThat(wide.prefixLen()).isEqualTo(8);
        assertThat(StackHarness.config("net=10.0.0.0/4294967300").net().toString()).isEqualTo("0.0.0.0");
        assertThat(error("user,id=x,net=10.0.0.0/9223372036854775808")).isEqualTo("Invalid netmask provided (must be in range 4-32)");
    }

    @Test
    void ipv6OnAloneTurnsIpv4OffAsInQemu() {
        assertThat(StackHarness.config("ipv6=on").ipv4()).isFalse();
        assertThat(StackHarness.config("ipv4=on").ipv6()).isFalse();
        assertThat(StackHarness.config("ipv4=on,ipv6=on").ipv6()).isTrue();
    }

    @Test
    void theExtensionsTakeBothFrontDoors() {
        UserConfig c = StackHarness.config("mtu=9000,dns-upstream=127.0.0.1:5353,dns-upstream=[::1]:54");
        assertThat(c.mtu()).isEqualTo(9000);
        assertThat(c.dnsUpstreams()).hasSize(2);
        assertThat(c.dnsUpstreams().get(1).getPort()).isEqualTo(54);
        Netdev q = NetdevQmpDecoder.decode(Map.of("type", "user", "id", "q", "mtu", 1280,
                "dns-upstream", List.of(Map.of("str", "127.0.0.1"))), fabric.availableTypes());
        UserOptions o = (UserOptions) q.options();
        assertThat(o.mtu()).isEqualTo(1280L);
        assertThat(o.dnsUpstream()).containsExactly("127.0.0.1");
    }

    @Test
    void resolvConfGivesTheDefaultUpstreams(@TempDir Path dir) throws Exception {
        Path rc = dir.resolve("resolv.conf");
        Files.writeString(rc, "# x\nnameserver 192.0.2.53\nnameserver fe80::1%eth0\nsearch example\n");
        assertThat(UserConfig.resolvConfNameservers(rc)).extracting(a -> a.getAddress().getHostAddress())
                .containsExactly("192.0.2.53", "fe80:0:0:0:0:0:0:1");
        assertThat(UserConfig.resolvConfNameservers(dir.resolve("none"))).extracting(a -> a.getAddress().isLoopbackAddress())
                .containsExactly(true);
    }
}
