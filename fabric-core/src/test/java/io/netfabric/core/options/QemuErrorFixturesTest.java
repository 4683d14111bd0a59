package io.netfabric.core.options;

import io.netfabric.testkit.json.JsonishReader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netfabric.core.FabricException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays what the real QEMU 7.2 printed (src/test/resources/qemu-7.2/netdev-errors.json,
 * written by src/test/qemu/record-qemu-errors.py, never edited by hand) against our front doors:
 * <ul>
 * <li>{@code options}, refused: the same message word for word, the same class (QMP) and the
 *     same hint (command line);</li>
 * <li>{@code options}, accepted: accepted too, with the values and warnings QEMU showed;</li>
 * <li>{@code fabric} and {@code backend:*}: QEMU got past its option checks, so we must too
 *     (the fabric and the backends assert the message itself);</li>
 * <li>{@code divergent}: skipped, the fixture says why.</li>
 * </ul>
 * The available types are those of the recorded binary ({@code -netdev help}).
 */
class QemuErrorFixturesTest {
    private static final Map<String, Object> FIXTURES = load();
    private static final Set<String> AVAILABLE = new HashSet<>(strings(FIXTURES.get("available_types")));

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load() {
        try (InputStream in = QemuErrorFixturesTest.class.getResourceAsStream("/qemu-7.2/netdev-errors.json")) {
            if (in == null) {
                throw new IllegalStateException("qemu-7.2/netdev-errors.json missing from test resources");
            }
            return (Map<String, Object>) JsonishReader.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object o) {
        return (List<String>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> cases() {
        return (List<Map<String, Object>>) FIXTURES.get("cases");
    }

    @TestFactory
    Stream<DynamicTest> everyRecordedCase() {
        return cases().stream()
                .filter(c -> !"divergent".equals(c.get("tag")))
                .map(c -> DynamicTest.dynamicTest(c.get("name") + " [" + c.get("tag") + "]", () -> replay(c)));
    }

    @org.junit.jupiter.api.Test
    void fixturesHaveEnoughOptionsCases() {
        long invalid = cases().stream().filter(c -> !(Boolean) c.get("ok")).count();
        long options = cases().stream().filter(c -> !(Boolean) c.get("ok") && "options".equals(c.get("tag"))).count();
        assertThat(invalid).isGreaterThanOrEqualTo(60);
        assertThat(options).isGreaterThanOrEqualTo(40);
    }

    private static void replay(Map<String, Object> c) {
        boolean ours = "options".equals(c.get("tag"));
        boolean ok = (Boolean) c.get("ok");
        if ("qmp".equals(c.get("door"))) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> setup = (List<Map<String, Object>>) c.get("setup");
            setup.forEach(s -> assertThatCode(() -> qmp(s)).doesNotThrowAnyException());
            @SuppressWarnings("unchecked")
            Map<String, Object> command = (Map<String, Object>) c.get("command");
            if (!ours && !isOptionsCommand(command)) {
                return;   // netdev_del, set_link: nothing of ours to run
            }
            if (!ours || ok) {
                assertThatCode(() -> qmp(command)).doesNotThrowAnyException();
                return;
            }
            FabricException e = catchThrowableOfType(() -> qmp(command), FabricException.class);
            assertThat(e).as("QEMU refused it: %s", c.get("message")).isNotNull();
            assertThat(e.getMessage()).isEqualTo(c.get("message"));
            assertThat(e.errorClass().name()).isEqualTo(c.get("class"));
        } else {
            List<String> argv = strings(c.get("argv"));
            List<String> warnings = new ArrayList<>();
            for (int i = 0; i + 1 < argv.size() - 2; i += 2) {
                String flag = argv.get(i);
                String arg = argv.get(i + 1);
                assertThatCode(() -> cli(flag, arg, w -> { })).doesNotThrowAnyException();
            }
            String flag = argv.get(argv.size() - 2);
            String arg = argv.get(argv.size() - 1);
            if (!ours || ok) {
                Object result = cli(flag, arg, warnings::add);
                if (ours) {
                    checkShownValues(c, result);
                }
            } else {
                FabricException e = catchThrowableOfType(() -> cli(flag, arg, warnings::add), FabricException.class);
                assertThat(e).as("QEMU refused it: %s", c.get("message")).isNotNull();
                assertThat(e.getMessage()).isEqualTo(c.get("message"));
                assertThat(e.hint()).isEqualTo(c.get("hint"));
            }
            // QEMU's warnings about the syntax (not about a peerless netdev) are ours too.
            if (c.get("warnings") != null) {
                for (String w : strings(c.get("warnings"))) {
                    if (w.startsWith("short-form") || w.startsWith("Using a multiplier")) {
                        assertThat(warnings).contains(w);
                    }
                }
            }
        }
    }

    private static boolean isOptionsCommand(Map<String, Object> command) {
        Object execute = command.get("execute");
        return "netdev_add".equals(execute) || "object-add".equals(execute);
    }

    @SuppressWarnings("unchecked")
    private static Object qmp(Map<String, Object> command) {
        Map<String, Object> args = (Map<String, Object>) command.get("arguments");
        return switch ((String) command.get("execute")) {
            case "netdev_add" -> NetdevQmpDecoder.decode(args, AVAILABLE);
            case "object-add" -> FilterDumpOptions.decodeObjectAdd(args);
            default -> null;
        };
    }

    @SuppressWarnings("unchecked")
    private static Object cli(String flag, String arg, java.util.function.Consumer<String> warnings) {
        return switch (flag) {
            case "-netdev" -> NetdevOptionParser.isJson(arg)
                    ? NetdevQmpDecoder.decodeCommandLineJson((Map<String, Object>) JsonishReader.read(arg), AVAILABLE)
                    : NetdevOptionParser.parseNetdev(arg, AVAILABLE, warnings);
            case "-net" -> NetdevOptionParser.parseLegacyNet(arg, AVAILABLE, warnings);
            case "-object" -> FilterDumpOptions.parseObject(arg);
            default -> throw new IllegalArgumentException(flag);
        };
    }

    /** The values `info network` showed: the hub number, restrict=on|off. */
    private static void checkShownValues(Map<String, Object> c, Object result) {
        String info = (String) c.get("info_network");
        if (info == null || !(result instanceof Netdev netdev)) {
            return;
        }
        if (netdev.options() instanceof HubPortOptions h) {
            assertThat(info).startsWith("hub " + h.hubid() + "\r\n");
        }
        if (netdev.options() instanceof UserOptions u) {
            assertThat(info).contains("restrict=" + (Boolean.TRUE.equals(u.restrict()) ? "on" : "off"));
            if (netdev.id() != null) {
                assertThat(info).contains(netdev.id() + ": index=0,type=user");
            }
        }
    }
}
