package io.netfabric.vhost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.core.options.NetdevQmpDecoder;
import java.io.IOException;
import java.math.BigInteger;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * netmap, vhost-vdpa and vhost-user through both front doors ({@code -netdev} syntax and
 * {@code netdev_add} JSON) into {@link Fabric#addNetdev}: QEMU 7.2's recorded messages where it
 * has one, then our refusal, never "not compiled into this binary" and never an accept.
 */
class RefusalsTest {
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

    private static FabricException cli(String optarg) {
        return refused(NetdevOptionParser.parseNetdev(optarg, fabric.availableTypes()));
    }

    private static FabricException qmp(Map<String, Object> args) {
        return refused(NetdevQmpDecoder.decode(args, fabric.availableTypes()));
    }

    private static FabricException refused(Netdev netdev) {
        FabricException e = catchThrowableOfType(() -> fabric.addNetdev(netdev), FabricException.class);
        assertThat(e).as("refused: %s", netdev).isNotNull();
        assertThat(e.errorClass().name()).isEqualTo("GenericError");
        assertThat(fabric.call(() -> fabric.findNetdev(netdev.id()))).isNull();
        return e;
    }

    @Test
    void allThreeTypesAreRegistered() {
        assertThat(fabric.availableTypes()).contains("netmap", "vhost-vdpa", "vhost-user");
    }

    /** Every fixture line tagged backend:vhost-user or backend:vhost-vdpa, through its door. */
    @TestFactory
    Stream<DynamicTest> recordedQemuCases() throws IOException {
        List<String> lines = Files.readAllLines(FIXTURES).stream()
                .filter(l -> l.contains("\"tag\": \"backend:vhost-user\"") || l.contains("\"tag\": \"backend:vhost-vdpa\""))
                .toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(4);
        return lines.stream().map(l -> DynamicTest.dynamicTest(field(l, "name"), () -> {
            FabricException e;
            if (l.contains("\"door\": \"cli\"")) {
                Matcher m = Pattern.compile("\"argv\": \\[\"-netdev\", \"([^\"]*)\"\\]").matcher(l);
                assertThat(m.find()).isTrue();
                e = cli(m.group(1));
            } else {
                e = qmp(arguments(l));
            }
            assertThat(e.getMessage()).isEqualTo(field(l, "message").replace("\\\"", "\""));
        }));
    }

    @Test
    void netmapWithoutTheKernelModuleSaysWhatIsMissing() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(NetmapFactory.DEV_NETMAP), "/dev/netmap exists here");
        FabricException e = cli("netmap,id=n,ifname=vale0:1,devname=/dev/ignored");
        assertThat(e.getMessage()).isEqualTo("Failed to nm_open() vale0:1: No such file or directory");
        assertThat(e.hint()).contains("/dev/netmap is missing");
        assertThat(qmp(Map.of("type", "netmap", "id", "n", "ifname", "vale0:1")).getMessage())
                .isEqualTo("Failed to nm_open() vale0:1: No such file or directory");
    }

    @Test
    void netmapWithTheDevicePresentIsRefusedAsNotSupported(@TempDir Path dir) throws IOException {
        Path dev = Files.createFile(dir.resolve("netmap"));
        FabricException e = new NetmapFactory(dev)
                .refusal(NetdevOptionParser.parseNetdev("netmap,id=n,ifname=vale0:1", fabric.availableTypes()).options());
        assertThat(e.getMessage()).contains("netfabric does not run netmap ports yet").contains("vale0:1");
    }

    @Test
    void netmapOptionErrorsComeFirst() {
        assertThat(catchThrowableOfType(() -> NetdevOptionParser.parseNetdev("netmap,id=n", fabric.availableTypes()),
                FabricException.class).getMessage()).isEqualTo("Parameter 'ifname' is missing");
    }

    @Test
    void vhostVdpaNamesTheDeviceItCouldNotOpen(@TempDir Path dir) throws IOException {
        String missing = "/dev/vhost-vdpa-" + 97;
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(Path.of(missing)));
        // QEMU 7.2 says these (checked by hand: qemu-system-x86_64 -netdev vhost-vdpa,... and netdev_add).
        assertThat(cli("vhost-vdpa,id=v,vhostdev=" + missing + ",queues=0").getMessage())
                .isEqualTo("Could not open '" + missing + "': No such file or directory");
        assertThat(qmp(Map.of("type", "vhost-vdpa", "id", "v", "vhostdev", missing)).getMessage())
                .isEqualTo("Could not open '" + missing + "': No such file or directory");
        assertThat(cli("vhost-vdpa,id=v,vhostdev=" + dir).getMessage())
                .isEqualTo("Could not open '" + dir + "': Is a directory");
    }

    @Test
    void vhostVdpaWithADeviceItCanOpenIsRefusedAsNotSupported(@TempDir Path dir) throws IOException {
        Path dev = Files.createFile(dir.resolve("vhost-vdpa-0"));
        assertThat(cli("vhost-vdpa,id=v,vhostdev=" + dev).getMessage())
                .isEqualTo("vhost-vdpa: " + dev + " opened, but netfabric does not drive vhost-vdpa devices yet");
    }

    @Test
    void vhostUserRefusesAtTheChardevWithAHint() {
        FabricException e = cli("vhost-user,id=v,chardev=char0,vhostforce=on,queues=2");
        assertThat(e.getMessage()).isEqualTo("chardev \"char0\" not found");
        assertThat(e.hint()).isEqualTo(VhostUserFactory.HINT);
        assertThat(qmp(Map.of("type", "vhost-user", "id", "v", "chardev", "char0", "queues", 2L)).getMessage())
                .isEqualTo("chardev \"char0\" not found");
    }

    @Test
    void vhostUserPastTheChardevChecksQueuesThenSaysNotSupported() {
        VhostUserFactory f = new VhostUserFactory(id -> id.equals("char0"));
        for (String q : List.of("0", "1025", "-1")) {
            Netdev n = NetdevOptionParser.parseNetdev("vhost-user,id=v,chardev=char0,queues=" + q, fabric.availableTypes());
            assertThat(catchThrowableOfType(() -> f.create(fabric, n), FabricException.class).getMessage())
                    .isEqualTo("vhost-user number of queues must be in range [1, 1024]");
        }
        Netdev ok = NetdevOptionParser.parseNetdev("vhost-user,id=v,chardev=char0,queues=1024", fabric.availableTypes());
        assertThat(catchThrowableOfType(() -> f.create(fabric, ok), FabricException.class).getMessage())
                .isEqualTo("vhost-user is not supported by netfabric yet (chardev \"char0\")");
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
}
