package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every command line that real QEMU 7.2 refused (fabric-core's recorded fixtures, tags
 * {@code options}, {@code fabric} and {@code backend:filter-dump}) is refused by the launcher
 * with the same text: {@code netfabric: [<option>: ]<QEMU's message>} and exit status 1.
 */
class CommandLineFixturesTest {
    private static final Path FIXTURES = Path.of("../fabric-core/src/test/resources/qemu-7.2/netdev-errors.json");

    @TestFactory
    Stream<DynamicTest> refusedAsQemuRefusesThem() throws Exception {
        JsonNode root = new ObjectMapper().readTree(FIXTURES.toFile());
        Files.createDirectories(Path.of(root.get("pcap_placeholder").asText()).getParent());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            String tag = c.get("tag").asText();
            boolean ours = tag.equals("options") || tag.equals("fabric") || tag.equals("backend:filter-dump");
            if (!c.get("door").asText().equals("cli") || c.get("ok").asBoolean() || !ours) {
                continue;
            }
            if (c.get("message").asText().equals("network backend 'netmap' is not compiled into this binary")) {
                // The recording QEMU was built without netmap; netfabric registers the type
                // (backend-vhost) to refuse it saying what is missing: RefusalsTest there.
                continue;
            }
            List<String> argv = new ArrayList<>();
            c.get("argv").forEach(a -> argv.add(a.asText()));
            argv.add("-nodefaults");
            String message = c.get("message").asText();
            boolean located = c.path("located").asBoolean(true);
            String hint = c.hasNonNull("hint") ? c.get("hint").asText().stripTrailing() : null;
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int rc = Netfabric.run(argv.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
                List<String> lines = err.toString(StandardCharsets.UTF_8).lines()
                        .filter(l -> !l.matches("netfabric: (.*: )?warning: .*") && !l.startsWith("Please use ")).toList();
                assertThat(rc).as("exit status for %s", argv).isEqualTo(1);
                assertThat(lines).as("stderr for %s", argv).isNotEmpty();
                String first = lines.get(0);
                if (located) {
                    assertThat(first).startsWith("netfabric: -").endsWith(": " + message);
                    String location = first.substring("netfabric: ".length(), first.length() - message.length() - 2);
                    assertThat(argv.indexOf(location.substring(location.indexOf(' ') + 1)))
                            .as("the location names one of the options").isPositive();
                } else {
                    assertThat(first).isEqualTo("netfabric: " + message);
                }
                if (hint != null) {
                    assertThat(String.join("\n", lines.subList(1, lines.size()))).isEqualTo(hint);
                }
            }));
        }
        assertThat(tests).hasSizeGreaterThan(40);
        return tests.stream();
    }
}
