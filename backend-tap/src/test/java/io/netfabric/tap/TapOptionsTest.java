package io.netfabric.tap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.MonitorFds;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.core.options.NetdevQmpDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Option errors that need no tap: QEMU 7.2's recorded {@code backend:tap} messages
 * (fabric-core's netdev-errors.json) through both front doors and {@code Fabric.addNetdev}, and
 * the option conflicts of {@code net_init_tap}.
 */
class TapOptionsTest {
    private static final Path FIXTURES = Path.of("../fabric-core/src/test/resources/qemu-7.2/netdev-errors.json");
    private final Fabric fabric = Fabric.create();

    @AfterEach
    void close() {
        fabric.close();
    }

    private FabricException cliError(String optarg) {
        return catchThrowableOfType(() -> fabric.addNetdev(NetdevOptionParser.parseNetdev(optarg, fabric.availableTypes())),
                FabricException.class);
    }

    /** One fixture case: the door, the -netdev string or QMP arguments, QEMU's message. */
    record Case(String name, String door, String argv, Map<String, Object> qmp, String message) {
    }

    static List<Case> backendCases() throws IOException {
        List<Case> cases = new ArrayList<>();
        Pattern field = Pattern.compile("\"(name|door|tag|message)\": \"((?:[^\"\\\\]|\\\\.)*)\"");
        Pattern argv = Pattern.compile("\"argv\": \\[\"-netdev\", \"((?:[^\"\\\\]|\\\\.)*)\"\\]");
        Pattern args = Pattern.compile("\"arguments\": \\{([^}]*)\\}");
        for (String line : Files.readAllLines(FIXTURES)) {
            Map<String, String> f = new LinkedHashMap<>();
            Matcher m = field.matcher(line);
            while (m.find()) {
                f.putIfAbsent(m.group(1), m.group(2));
            }
            if (!"backend:tap".equals(f.get("tag")) && !"backend:bridge".equals(f.get("tag"))) {
                continue;
            }
            Matcher a = argv.matcher(line);
            Matcher q = args.matcher(line);
            cases.add(new Case(f.get("name"), f.get("door"), a.find() ? a.group(1) : null,
                    q.find() ? flatJson(q.group(1)) : null, f.get("message")));
        }
        return cases;
    }

    /** A flat JSON object body of strings and integers (the fixture's netdev_add arguments). */
    private static Map<String, Object> flatJson(String body) {
        Map<String, Object> map = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\"([^\"]+)\": (\"[^\"]*\"|-?\\d+)").matcher(body);
        while (m.find()) {
            String v = m.group(2);
            Object value;
            if (v.startsWith("\"")) {
                value = v.substring(1, v.length() - 1);
            } else if (v.length() > 18) {
                value = new java.math.BigInteger(v);
            } else {
                value = Long.parseLong(v);
            }
            map.put(m.group(1), value);
        }
        return map;
    }

    /** net/tap.c get_fds: a colon at the very end starts no further name, one in the middle does. */
    @Test
    void fdsNamesSplitAsQemusGetFds() {
        assertThat(TapFactory.fdNames("a")).containsExactly("a");
        assertThat(TapFactory.fdNames("a:")).containsExactly("a");
        assertThat(TapFactory.fdNames("a:b")).containsExactly("a", "b");
        assertThat(TapFactory.fdNames("a::b")).containsExactly("a", "", "b");
        assertThat(TapFactory.fdNames("a::")).containsExactly("a", "");
        assertThat(TapFactory.fdNames(":")).containsExactly("");
        assertThat(TapFactory.fdNames("")).containsExactly("");   // QEMU 7.2 asserts; we refuse the name
    }

    @TestFactory
    Stream<DynamicTest> qemuRecordedBackendMessages() throws IOException {
        List<Case> cases = backendCases();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(10);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            FabricException e;
            if ("cli".equals(c.door())) {
                e = cliError(c.argv());
            } else {
                Netdev n = NetdevQmpDecoder.decode(c.qmp(), fabric.availableTypes());
                e = catchThrowableOfType(() -> fabric.addNetdev(n, MonitorFds.NONE), FabricException.class);
            }
            assertThat(e).as(c.name()).isNotNull();
            assertThat(e.getMessage()).isEqualTo(c.message());
        }));
    }

    @Test
    void monitorDigitsAreStillNumbers() {
        Netdev n = NetdevOptionParser.parseNetdev("tap,id=t,fd=123456", fabric.availableTypes());
        FabricException e = catchThrowableOfType(() -> fabric.addNetdev(n, MonitorFds.NONE), FabricException.class);
        assertThat(e.getMessage()).isEqualTo("t: Can't use file descriptor 123456: Bad file descriptor");
    }

    @Test
    void conflictsAreQemus() {
        assertThat(cliError("tap,id=t,fd=3,ifname=x").getMessage())
                .isEqualTo("ifname=, script=, downscript=, vnet_hdr=, helper=, queues=, fds=, and vhostfds= are invalid with fd=");
        assertThat(cliError("tap,id=t,fds=3:4,queues=2").getMessage())
                .isEqualTo("ifname=, script=, downscript=, vnet_hdr=, helper=, queues=, and vhostfd= are invalid with fds=");
        assertThat(cliError("tap,id=t,helper=/bin/false,script=no").getMessage())
                .isEqualTo("ifname=, script=, downscript=, vnet_hdr=, queues=, and vhostfds= are invalid with helper=");
        assertThat(cliError("tap,id=t,vhostfds=3").getMessage()).isEqualTo("vhostfds= is invalid if fds= wasn't specified");
        assertThat(cliError("tap,id=t,fds=3:4,vhostfds=5").getMessage())
                .isEqualTo("The number of fds passed does not match the number of vhostfds passed");
    }

    @Test
    void zeroQueuesIsAnErrorNotAnAbort() {
        assertThat(cliError("tap,id=t,queues=0,script=no").getMessage())
                .isEqualTo("queues=0 is invalid: a tap has at least one queue");
    }

    @Test
    void anIfnameLongerThanIfnamsizIsRefusedBeforeTheKernelSeesIt() {
        assertThat(cliError("tap,id=t,ifname=abcdefghijklmnop,script=no").getMessage())
                .isEqualTo("could not configure /dev/net/tun (abcdefghijklmnop): interface name longer than 15 characters (IFNAMSIZ)");
    }

    @Test
    void helperArgumentsAreQemus() {
        assertThat(BridgeHelper.argv("/usr/lib/qemu/qemu-bridge-helper", "br0"))
                .containsExactly("/usr/lib/qemu/qemu-bridge-helper", "--use-vnet", "--fd=3", "--br=br0");
        assertThat(BridgeHelper.argv("helper -v", "br1")).containsExactly("sh", "-c", "helper -v --use-vnet --fd=3 --br=br1");
        assertThat(BridgeHelper.argv("helper --br=x", "br1")).containsExactly("sh", "-c", "helper --br=x --use-vnet --fd=3 ");
    }
}
