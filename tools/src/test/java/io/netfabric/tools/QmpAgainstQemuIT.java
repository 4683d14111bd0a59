package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same QMP requests, events included, to the installed QEMU 7.2 and to netfabric, each a
 * process with {@code -qmp stdio}: every reply must be equal (as JSON, member order aside) and so
 * must the events raised meanwhile (as a set: two processes interleave them differently). Ports
 * the kernel picked are masked. QEMU runs first and has quit before netfabric binds the same
 * ports. These are the cases a line-by-line comparison found different on 2026-12-05; they stay
 * here so that they stay equal. Needs qemu-system-x86_64 (.ci/run installs it); loopback only.
 */
class QmpAgainstQemuIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAUSE = "pause";

    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        return HmpAgainstQemuIT.freePort();
    }

    private static String hmp(String line) {
        return HmpAgainstQemuIT.request(line);
    }

    private static String add(String netdevJson) {
        return "{\"execute\":\"netdev_add\",\"arguments\":" + netdevJson + "}";
    }

    /** What one process answered: the replies in order, the events in the order they came. */
    private record Transcript(List<String> replies, List<String> events) {
    }

    private Transcript run(List<String> command, List<String> steps) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        List<String> replies = new ArrayList<>();
        List<String> events = new ArrayList<>();
        try (OutputStream in = p.getOutputStream()) {
            next(lines, events, 30);   // greeting
            send(in, "{\"execute\":\"qmp_capabilities\"}");
            next(lines, events, 10);
            for (String step : steps) {
                if (step.equals(PAUSE)) {
                    drain(lines, events, 700);
                    continue;
                }
                send(in, step);
                replies.add(masked(next(lines, events, 10)));
            }
            drain(lines, events, 700);
            send(in, "{\"execute\":\"quit\"}");
        } finally {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        return new Transcript(replies, events);
    }

    private static void send(OutputStream in, String line) throws Exception {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** The next line that is no event; events met on the way are kept (timestamp dropped). */
    private static String next(BlockingQueue<String> lines, List<String> events, int seconds) throws Exception {
        while (true) {
            String l = lines.poll(seconds, TimeUnit.SECONDS);
            assertThat(l).as("an answer within %d s", seconds).isNotNull();
            JsonNode n = JSON.readTree(l);
            if (n.has("event")) {
                ((ObjectNode) n).remove("timestamp");
                if (!n.path("event").asText().equals("SHUTDOWN")) {
                    events.add(masked(n.toString()));
                }
                continue;
            }
            return l;
        }
    }

    private static void drain(BlockingQueue<String> lines, List<String> events, long millis) throws Exception {
        long end = System.currentTimeMillis() + millis;
        for (long left; (left = end - System.currentTimeMillis()) > 0; ) {
            String l = lines.poll(left, TimeUnit.MILLISECONDS);
            if (l != null && JSON.readTree(l).has("event")) {
                ObjectNode n = (ObjectNode) JSON.readTree(l);
                n.remove("timestamp");
                events.add(masked(n.toString()));
            }
        }
    }

    /** Ports the kernel chose (a client's) differ run to run: only that there is one counts. */
    private static String masked(String json) throws Exception {
        String s = JSON.readTree(json).toString();
        return s.replaceAll("\"port\":\"\\d+\"", "\"port\":\"P\"").replaceAll("(tcp:[0-9a-f.:]+):\\d+", "$1:P");
    }

    private Transcript compare(List<String> steps) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "qemu-system-x86 is not installed");
        Transcript qemu = run(List.of("qemu-system-x86_64", "-M", "none", "-nodefaults", "-display", "none",
                "-qmp", "stdio"), steps);
        Transcript ours = run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.netfabric.tools.Netfabric",
                "-nodefaults", "-qmp", "stdio"), steps);
        assertThat(qemu.replies()).hasSize(steps.stream().filter(s -> !s.equals(PAUSE)).toList().size());
        for (int i = 0; i < qemu.replies().size(); i++) {
            assertThat(JSON.readTree(ours.replies().get(i))).as("reply %d", i).isEqualTo(JSON.readTree(qemu.replies().get(i)));
        }
        assertThat(ours.events()).containsExactlyInAnyOrderElementsOf(qemu.events());
        return qemu;
    }

    @Test
    void streamAddressesTheirOptionsAndEvents() throws Exception {
        int v6 = freePort();
        int dual = freePort();
        int taken = freePort();
        int v6only = freePort();
        Transcript qemu = compare(List.of(
                // peers: IPv6 compressed with ipv6 true, an IPv4 client of :: mapped, a client's ipv4 true
                add("{\"type\":\"stream\",\"id\":\"s1\",\"server\":true,\"addr\":{\"type\":\"inet\",\"host\":\"::1\",\"port\":\"" + v6 + "\"}}"),
                add("{\"type\":\"stream\",\"id\":\"c1\",\"addr\":{\"type\":\"inet\",\"host\":\"::1\",\"port\":\"" + v6 + "\"}}"),
                add("{\"type\":\"stream\",\"id\":\"s2\",\"server\":true,\"addr\":{\"type\":\"inet\",\"host\":\"::\",\"port\":\"" + dual + "\"}}"),
                add("{\"type\":\"stream\",\"id\":\"c2\",\"addr\":{\"type\":\"inet\",\"host\":\"127.0.0.1\",\"port\":\"" + dual + "\"}}"),
                PAUSE,
                hmp("info network"),
                // options: numeric, a family the host lacks, both off, keep-alive on a listener,
                // ipv6 alone is IPv6 only, to below port. No case gives QEMU a name to resolve:
                // its getaddrinfo() would ask the machine's resolver (a bracketed host included).
                add("{\"type\":\"stream\",\"id\":\"s3\",\"server\":true,\"addr\":{\"type\":\"inet\",\"host\":\"localhost\",\"port\":\"" + taken + "\",\"numeric\":true}}"),
                add("{\"type\":\"stream\",\"id\":\"s4\",\"server\":true,\"addr\":{\"type\":\"inet\",\"host\":\"127.0.0.1\",\"port\":\"" + taken + "\",\"ipv6\":true}}"),
                add("{\"type\":\"stream\",\"id\":\"s5\",\"server\":true,\"addr\":{\"type\":\"inet\",\"host\":\"127.0.0.1\",\"port\":\"" + taken + "\",\"ipv4\":false,\"ipv6\":false}}"),
                add("{\"type\":\"stream\",\"id\":\"s6\",\"server\":true,\"addr\":{\"type\":\"inet\",\"host\":\"127.0.0.1\",\"port\":\"" + taken + "\",\"keep-alive\":true}}"),
                add("{\"type\":\"stream\",\"id\":\"s8\",\"server\":true,\"addr\":{\"type\":\"inet\",\"host\":\"\",\"port\":\"" + v6only + "\",\"ipv6\":true}}"),
                add("{\"type\":\"stream\",\"id\":\"c8\",\"addr\":{\"type\":\"inet\",\"host\":\"127.0.0.1\",\"port\":\"" + v6only + "\"}}"),
                add("{\"type\":\"stream\",\"id\":\"s9\",\"server\":true,\"addr\":{\"type\":\"inet\",\"host\":\"127.0.0.1\",\"port\":\"" + (taken + 1) + "\",\"to\":" + taken + "}}"),
                // an abstract unix name, tight
                add("{\"type\":\"stream\",\"id\":\"sa\",\"server\":true,\"addr\":{\"type\":\"unix\",\"path\":\"nf-qai-" + v6 + "\",\"abstract\":true}}"),
                add("{\"type\":\"stream\",\"id\":\"ca\",\"addr\":{\"type\":\"unix\",\"path\":\"nf-qai-" + v6 + "\",\"abstract\":true}}"),
                PAUSE,
                hmp("info network")));
        // both ends of the three pairs that connect: s1/c1, s2/c2, sa/ca
        assertThat(qemu.events()).filteredOn(e -> e.contains("NETDEV_STREAM_CONNECTED")).hasSize(6);
    }

    @Test
    void netdevAddCasesThatDiffered() throws Exception {
        compare(List.of(
                add("{\"type\":\"user\",\"id\":\"u1\",\"ipv6-dns\":\"fec0::2\"}"),
                add("{\"type\":\"user\",\"id\":\"u2\",\"ipv6-prefix\":\"fec0::1\",\"ipv6-prefixlen\":64}"),
                add("{\"type\":\"bridge\",\"id\":\"b1\",\"helper\":\"/nonexistent/helper\"}"),
                add("{\"type\":\"user\",\"id\":\"u3\",\"guestfwd\":[{\"str\":\"tcp:10.0.2.100:80-127.0.0.1:1\"}]}"),
                hmp("netdev_add user,id=1a"),
                hmp("netdev_add user,id=u4,,x"),
                hmp("netdev_add user,id=u5,guestfwd=tcp:10.0.2.100:80-127.0.0.1:1"),
                hmp("help netdev_add"),
                hmp("info network extra"),
                hmp("info network")));
    }
}
