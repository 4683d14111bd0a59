package io.netfabric.qmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.core.Fabric;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays every session of {@code qemu-7.2/qmp-replies.txt} (recorded from the real QEMU 7.2 by
 * {@code src/test/qemu/record_qmp_replies.py}) against our server over a unix socket and wants
 * the same lines, word for word. Only QEMU's version, its offered {@code oob} capability and
 * timestamps are placeholders.
 */
class QmpFixtureTest {
    @TempDir
    Path dir;

    record Step(String input, List<String> replies) {
    }

    @TestFactory
    Stream<DynamicTest> sessionsMatchQemu() throws IOException {
        return load().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> replay(e.getKey(), e.getValue())));
    }

    private void replay(String name, List<Step> steps) throws Exception {
        String version = QJsonWriter.write(QmpVersion.json().get("qemu")) + ", \"package\": \""
                + QmpVersion.PACKAGE + "\"";
        Path socket = dir.resolve(name + ".sock");
        try (Fabric fabric = Fabric.create();
                QmpServer server = QmpServer.start(new QmpEndpoint.Unix(socket), fabric,
                        FabricCommands.dispatcher(fabric, () -> { }));
                QmpTestClient client = QmpTestClient.unix(socket)) {
            for (Step step : steps) {
                if (step.input() != null) {
                    client.send(step.input() + "\n");
                }
                for (String expected : step.replies()) {
                    String want = expected.replace("@VERSION@", version)
                            .replace("\"capabilities\": [\"oob\"]", "\"capabilities\": []");
                    String got = client.next().replaceAll("\"seconds\": \\d+, \"microseconds\": \\d+",
                            "\"seconds\": @SECONDS@, \"microseconds\": @MICROS@");
                    assertThat(got).as("%s: reply to %s", name, step.input()).isEqualTo(want);
                }
            }
            client.assertQuiet(100);
        }
    }

    static Map<String, List<Step>> load() throws IOException {
        Map<String, List<Step>> sessions = new LinkedHashMap<>();
        try (InputStream in = QmpFixtureTest.class.getResourceAsStream("/qemu-7.2/qmp-replies.txt")) {
            List<Step> steps = null;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("== ")) {
                    steps = new ArrayList<>();
                    steps.add(new Step(null, new ArrayList<>()));
                    sessions.put(line.substring(3), steps);
                } else if (line.startsWith("> ")) {
                    steps.add(new Step(line.substring(2), new ArrayList<>()));
                } else if (line.startsWith("< ")) {
                    steps.get(steps.size() - 1).replies().add(line.substring(2));
                }
            }
        }
        return sessions;
    }
}
