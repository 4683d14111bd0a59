package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netfabric.core.Fabric;
import io.netfabric.qmp.FabricCommands;
import io.netfabric.qmp.QmpDispatcher;
import io.netfabric.testkit.json.JsonishReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The project's schema is the interface contract: every command the QMP server answers (QEMU's
 * and netfabric's extensions, those of the backends found through the SPI included) is defined
 * in {@code schema/net-schema.qapi}, and every command defined there is answered. The monitor's
 * own commands, which live in QEMU's other schema files, are the only ones not in it.
 */
class SchemaCommandsTest {
    private static final Set<String> OUTSIDE_NET_SCHEMA = Set.of("qmp_capabilities", "query-version",
            "query-commands", "quit", "human-monitor-command", "object-add", "object-del", "getfd", "closefd");

    @Test
    @SuppressWarnings("unchecked")
    void theServerAnswersExactlyTheSchemasCommands() throws Exception {
        Set<String> inSchema = new TreeSet<>();
        for (Object e : JsonishReader.readAll(Files.readString(Path.of("..", "schema", "net-schema.qapi")))) {
            Object command = ((Map<String, Object>) e).get("command");
            if (command != null) {
                inSchema.add((String) command);
            }
        }
        Set<String> served = new TreeSet<>();
        try (Fabric fabric = Fabric.create()) {
            QmpDispatcher d = FabricCommands.dispatcher(fabric, () -> { });
            JsonNode list = d.dispatch(new ObjectMapper().readTree("{\"execute\":\"query-commands\"}")).get("return");
            list.forEach(c -> served.add(c.get("name").asText()));
        }
        served.removeAll(OUTSIDE_NET_SCHEMA);
        assertThat(served).isEqualTo(inSchema);
    }
}
