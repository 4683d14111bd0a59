package io.netfabric.l2tpv3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.core.options.NetdevQmpDecoder;
import java.io.IOException;
import java.math.BigInteger;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Option errors with QEMU 7.2's words: the recorded {@code backend:l2tpv3} fixture cases, and the
 * messages of net_init_l2tpv3 checked by hand against qemu-system-x86_64 7.2 (same order).
 */
class L2tpv3OptionErrorsTest {
    private static final Path FIXTURES = Path.of("../fabric-core/src/test/resources/qemu-7.2/netdev-errors.json");
    private static Fabric fabric;

    @BeforeAll
    static void open() {
        fabric = Fabric.create();
    }

    @AfterAll
    static void close() {
        fabric.close();
    }

    private static String refusal(String optarg) {
        FabricException e = catchThrowableOfType(
                () -> fabric.addNetdev(NetdevOptionParser.parseNetdev(optarg, fabric.availableTypes())),
                FabricException.class);
        assertThat(e).as("refused: %s", optarg).isNotNull();
        return e.getMessage();
    }

    /** Every fixture line tagged backend:l2tpv3, replayed through its door and the fabric. */
    @TestFactory
    Stream<DynamicTest> recordedQemuCases() throws IOException {
        List<String> lines = Files.readAllLines(FIXTURES).stream()
                .filter(l -> l.contains("\"tag\": \"backend:l2tpv3\"")).toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
        return lines.stream().map(l -> DynamicTest.dynamicTest(field(l, "name"), () -> {
            String expected = field(l, "message");
            Netdev netdev;
            if (l.contains("\"door\": \"cli\"")) {
                Matcher m = Pattern.compile("\"argv\": \\[\"-netdev\", \"([^\"]*)\"\\]").matcher(l);
                assertThat(m.find()).isTrue();
                netdev = NetdevOptionParser.parseNetdev(m.group(1), fabric.availableTypes());
            } else {
                netdev = NetdevQmpDecoder.decode(arguments(l), fabric.availableTypes());
            }
            FabricException e = catchThrowableOfType(() -> fabric.addNetdev(netdev), FabricException.class);
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).isEqualTo(expected);
            assertThat(e.errorClass().name()).isEqualTo("GenericError");
        }));
    }

    private static String field(String line, String name) {
        Matcher m = Pattern.compile("\"" + name + "\": \"((?:[^\"\\\\]|\\\\.)*)\"").matcher(line);
        assertThat(m.find()).as("%s in %s", name, line).isTrue();
        return m.group(1);
    }

    /** The flat "arguments" object of a QMP case: strings and integers only. */
    private static Map<String, Object> arguments(String line) {
        String obj = line.substring(line.indexOf("\"arguments\": {") + 14);
        obj = obj.substring(0, obj.indexOf('}'));
        Map<String, Object> args = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\"([\\w-]+)\": (\"[^\"]*\"|-?\\d+)").matcher(obj);
        while (m.find()) {
            String v = m.group(2);
            if (v.startsWith("\"")) {
                args.put(m.group(1), v.substring(1, v.length() - 1));
            } else {
                BigInteger b = new BigInteger(v);
                args.put(m.group(1), b.bitLength() < 64 ? (Object) b.longValue() : b);
            }
        }
        return args;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            offset=257 checked before the cookies | txsession=1,offset=257,txcookie=1 | offset must be less than 256 bytes
            one cookie                            | txsession=1,udp=on,rxcookie=5 | require both 'rxcookie' and 'txcookie' or neither
            udp without dstport                   | txsession=1,udp=on,srcport=1700 | need both src and dst port for udp
            udp without ports, offset 256 is fine | txsession=1,offset=256,udp=on | need both src and dst port for udp
            a port that is no service             | txsession=1,udp=on,srcport=abc,dstport=1701 | could not resolve src, errno = Servname not supported for ai_socktype
            a bad dst port                        | txsession=1,udp=on,srcport=0,dstport=abc | could not resolve dst, error = Servname not supported for ai_socktype
            IPv4 src with ipv6=on                 | txsession=1,udp=on,srcport=0,dstport=1701,ipv6=on | could not resolve src, errno = Address family for hostname not supported
            """)
    void qemusMessagesInQemusOrder(String what, String opts, String message) {
        assertThat(refusal("l2tpv3,id=l,src=127.0.0.1,dst=127.0.0.1," + opts)).isEqualTo(message);
    }

    @Test
    void lookupFailuresNameTheSideThatFailed() {
        // Numeric addresses only: a name would make getaddrinfo ask the DNS server off this host.
        assertThat(refusal("l2tpv3,id=l,src=::1,dst=127.0.0.1,txsession=1,udp=on,srcport=0,dstport=1"))
                .isEqualTo("could not resolve src, errno = Address family for hostname not supported");
        assertThat(refusal("l2tpv3,id=l,src=::1,dst=127.0.0.1,txsession=1,udp=on,srcport=0,dstport=1,ipv6=on"))
                .isEqualTo("could not resolve dst, error = Address family for hostname not supported");
        assertThat(refusal("l2tpv3,id=l,src=127.0.0.1,dst=::1,txsession=1,udp=on,srcport=0,dstport=1"))
                .isEqualTo("could not resolve dst, error = Address family for hostname not supported");
    }

    @Test
    void bindFailuresCarryErrno() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            assertThat(refusal("l2tpv3,id=l,src=127.0.0.1,dst=127.0.0.1,txsession=1,udp=on,srcport="
                    + taken.getLocalPort() + ",dstport=1")).isEqualTo("could not bind socket err=98");
        }
        // 192.0.2.1 (TEST-NET-1) is on no interface of this machine; nothing is sent to it.
        assertThat(refusal("l2tpv3,id=l,src=192.0.2.1,dst=127.0.0.1,txsession=1,udp=on,srcport=0,dstport=1"))
                .isEqualTo("could not bind socket err=99");
    }

    @Test
    void aRefusedNetdevLeavesNothingBehind() {
        refusal("l2tpv3,id=l,src=127.0.0.1,dst=::1,txsession=1,udp=on,srcport=0,dstport=1");
        assertThat(fabric.call(() -> fabric.findNetdev("l"))).isNull();
    }
}
