package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netfabric.core.Fabric;
import io.netfabric.qmp.FabricCommands;
import io.netfabric.qmp.QmpDispatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every QMP command real QEMU 7.2 refused in fabric-core's recorded fixtures (tags
 * {@code options}, {@code fabric}, {@code backend:filter-dump}) gets the same error class and
 * text from our dispatcher, with every backend of this build on the class path, after the same
 * setup commands succeeded.
 */
class QmpFixturesTest {
    private static final Path FIXTURES = Path.of("../fabric-core/src/test/resources/qemu-7.2/netdev-errors.json");

    @TestFactory
    Stream<DynamicTest> refusedAsQemuRefusesThem() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode root = json.readTree(FIXTURES.toFile());
        Files.createDirectories(Path.of(root.get("pcap_placeholder").asText()).getParent());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            String tag = c.get("tag").asText();
            boolean ours = tag.equals("options") || tag.equals("fabric") || tag.equals("backend:filter-dump");
            if (!c.get("door").asText().equals("qmp") || c.get("ok").asBoolean() || !ours) {
                continue;
            }
            if (c.path("message").asText().equals("network backend 'netmap' is not compiled into this binary")) {
                // The recording QEMU was built without netmap; netfabric registers the type
                // (backend-vhost) to refuse it saying what is missing: RefusalsTest there.
                continue;
            }
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                try (Fabric fabric = Fabric.create()) {
                    String type = c.get("command").path("arguments").path("type").asText("");
                    // Recorded where QEMU knew the type; a build without that backend answers
                    // "not compiled" first, as QEMU's net_client_init1 does.
                    org.junit.jupiter.api.Assumptions.assumeTrue(!c.get("tag").asText().equals("fabric")
                            || type.isEmpty() || fabric.availableTypes().contains(type),
                            "backend '" + type + "' is not in this build yet");
                    QmpDispatcher d = FabricCommands.dispatcher(fabric, () -> { });
                    for (JsonNode setup : c.get("setup")) {
                        assertThat(d.dispatch(setup).has("return")).as("setup %s", setup).isTrue();
                    }
                    JsonNode reply = d.dispatch(c.get("command"));
                    assertThat(reply.path("error").path("class").asText()).as("%s", c.get("command"))
                            .isEqualTo(c.get("class").asText());
                    assertThat(reply.path("error").path("desc").asText()).isEqualTo(c.get("message").asText());
                }
            }));
        }
        assertThat(tests).hasSizeGreaterThan(40);
        return tests.stream();
    }
}
