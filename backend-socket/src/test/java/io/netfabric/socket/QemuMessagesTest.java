package io.netfabric.socket;

import io.netfabric.testkit.json.JsonishReader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.core.options.NetdevQmpDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The messages QEMU 7.2 printed for the socket and dgram backends' own checks
 * (fabric-core/src/test/resources/qemu-7.2/netdev-errors.json, cases tagged {@code backend:socket}, {@code backend:stream}
 * and {@code backend:dgram}), word for word, through both front doors and {@code Fabric.addNetdev}.
 */
class QemuMessagesTest {
    private static final Path FIXTURES = Path.of("..", "fabric-core", "src", "test", "resources", "qemu-7.2",
            "netdev-errors.json");
    private static Fabric fabric;

    @BeforeAll
    static void start() {
        fabric = Fabric.create();
    }

    @AfterAll
    static void stop() {
        fabric.close();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases() throws IOException {
        Map<String, Object> all = (Map<String, Object>) JsonishReader.read(Files.readString(FIXTURES));
        return ((List<Map<String, Object>>) all.get("cases")).stream()
                .filter(c -> "backend:socket".equals(c.get("tag")) || "backend:stream".equals(c.get("tag"))
                        || "backend:dgram".equals(c.get("tag")))
                .toList();
    }

    @TestFactory
    Stream<DynamicTest> everyRecordedSocketAndDgramMessage() throws IOException {
        List<Map<String, Object>> cases = cases();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(15);
        return cases.stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> replay(c)));
    }

    @SuppressWarnings("unchecked")
    private static void replay(Map<String, Object> c) {
        FabricException e = catchThrowableOfType(() -> {
            if ("qmp".equals(c.get("door"))) {
                Map<String, Object> args = (Map<String, Object>) ((Map<String, Object>) c.get("command")).get("arguments");
                fabric.addNetdev(NetdevQmpDecoder.decode(args, fabric.availableTypes()));
            } else {
                List<String> argv = (List<String>) c.get("argv");
                fabric.addNetdev(NetdevOptionParser.parseNetdev(argv.get(argv.size() - 1), fabric.availableTypes()));
            }
        }, FabricException.class);
        assertThat(e).as("QEMU refused it: %s", c.get("message")).isNotNull();
        assertThat(e.getMessage()).isEqualTo(c.get("message"));
        if (c.get("class") != null) {
            assertThat(e.errorClass().name()).isEqualTo(c.get("class"));
        }
        assertThat(fabric.clients()).as("a refused netdev leaves nothing behind").isEmpty();
    }

    @Test
    void aTakenPortIsQemusBindError() throws IOException {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            // No SO_REUSEADDR conflict for a listening socket: bind fails with EADDRINUSE.
            String arg = "socket,id=s,listen=127.0.0.1:" + taken.getLocalPort();
            FabricException e = catchThrowableOfType(
                    () -> fabric.addNetdev(NetdevOptionParser.parseNetdev(arg, fabric.availableTypes())), FabricException.class);
            assertThat(e.getMessage()).isEqualTo("can't bind ip=127.0.0.1 to socket: Address already in use");
        }
    }

    @Test
    void reconnectIsRefusedForAServer() {
        FabricException e = catchThrowableOfType(() -> fabric.addNetdev(NetdevOptionParser.parseNetdev(
                "stream,id=s,server=on,reconnect=1,addr.type=unix,addr.path=/tmp/x", fabric.availableTypes())),
                FabricException.class);
        assertThat(e.getMessage()).isEqualTo("'reconnect' option is incompatible with socket in server mode");
    }

    @Test
    void netdevAddTakesStreamAndDgramWithNestedAddresses(@org.junit.jupiter.api.io.TempDir Path dir) {
        Map<String, Object> stream = new java.util.LinkedHashMap<>();
        stream.put("type", "stream");
        stream.put("id", "st0");
        stream.put("server", true);
        stream.put("addr", Map.of("type", "unix", "path", dir.resolve("st0.sock").toString()));
        fabric.addNetdev(NetdevQmpDecoder.decode(stream, fabric.availableTypes()));
        Map<String, Object> dgram = new java.util.LinkedHashMap<>();
        dgram.put("type", "dgram");
        dgram.put("id", "dg0");
        dgram.put("local", Map.of("type", "inet", "host", "127.0.0.1", "port", "0"));
        dgram.put("remote", Map.of("type", "inet", "host", "127.0.0.1", "port", "9"));
        fabric.addNetdev(NetdevQmpDecoder.decode(dgram, fabric.availableTypes()));
        assertThat(fabric.call(() -> fabric.findNetdev("dg0").toString()))
                .isEqualTo("dg0: index=0,type=dgram,udp=127.0.0.1:0/127.0.0.1:9");
        assertThat(fabric.call(() -> fabric.findNetdev("st0").toString())).isEqualTo("st0: index=0,type=stream,");
        fabric.deleteNetdev("st0");
        fabric.deleteNetdev("dg0");
    }

    @Test
    void legacyHostPortFollowsQemuParsing() {
        assertThat(HostPort.parse(":80").toString()).isEqualTo("/0.0.0.0:80");
        assertThat(HostPort.parse("127.1:0x50").toString()).isEqualTo("/127.0.0.1:80");
        assertThat(HostPort.parse("10.0.0.1:010junk").getPort()).isEqualTo(8);
        assertThat(HostPort.parse("127.0.0.1:65537").getPort()).isEqualTo(1);   // htons() truncation
        assertThat(HostPort.inetAton("0x7f.1")).isEqualTo(0x7f000001L);
        assertThat(HostPort.inetAton("256.1.1.1")).isNull();
    }
}
