package io.netfabric.hubport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netfabric.core.Fabric;
import io.netfabric.core.NetFilter.Direction;
import io.netfabric.core.capture.FilterDump;
import io.netfabric.core.options.HubPortOptions;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.testing.RecordingClient;
import io.netfabric.wire.pcap.PcapReader;
import io.netfabric.wire.pcap.PcapRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** filter-dump on a hub member: both directions land in a pcap that tshark reads. */
class FilterDumpTest {
    /** An ARP who-has 10.0.2.2 tell 10.0.2.15 from 52:54:00:12:34:56, as a guest sends it. */
    private static final byte[] ARP_REQUEST = HexFormat.of().parseHex(
            "ffffffffffff525400123456080600010800060400015254001234560a00020f0000000000000a000202");

    @TempDir
    Path dir;
    private Fabric fabric;
    private RecordingClient a;
    private RecordingClient b;

    @BeforeEach
    void wire() {
        fabric = Fabric.create();
        a = new RecordingClient("a");
        b = new RecordingClient("b");
        fabric.addClient(a);
        fabric.addClient(b);
        fabric.addNetdev(new Netdev("pa", new HubPortOptions(0, "a")));
        fabric.addNetdev(new Netdev("pb", new HubPortOptions(0, "b")));
    }

    @AfterEach
    void close() {
        fabric.close();
    }

    private static ByteBuf frame(byte[] bytes) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    }

    private void dump(Path file, int maxlen) {
        fabric.addFilter("a", FilterDump.open("d0", file, maxlen, Direction.ALL, fabric.eventLoop()));
    }

    private static List<PcapRecord> records(Path file) throws IOException {
        List<PcapRecord> out = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            assertThat(r.linkType()).isEqualTo(1);
            for (PcapRecord rec = r.next(); rec != null; rec = r.next()) {
                out.add(rec);
            }
        }
        return out;
    }

    @Test
    void bothDirectionsAreWrittenAndTheFramesPassUnchanged() throws Exception {
        Path file = dir.resolve("a.pcap");
        dump(file, FilterDump.DEFAULT_MAXLEN);
        fabric.run(() -> {
            a.send(frame(ARP_REQUEST));       // sent by the netdev: tx
            byte[] reply = ARP_REQUEST.clone();
            reply[21] = 2;                    // an ARP reply coming back: rx
            b.send(frame(reply));
        });
        assertThat(fabric.removeFilter("d0")).isTrue();
        fabric.run(() -> {
            assertThat(b.received()).hasSize(1);
            assertThat(b.received().get(0)).isEqualTo(ARP_REQUEST);
            assertThat(a.received()).hasSize(1);
        });
        byte[] head = Files.readAllBytes(file);
        // Host byte order, as QEMU writes it on x86.
        assertThat(HexFormat.of().formatHex(head, 0, 4)).isEqualTo("d4c3b2a1");
        List<PcapRecord> recs = records(file);
        assertThat(recs).hasSize(2);
        assertThat(recs.get(0).originalLength()).isEqualTo(ARP_REQUEST.length);
    }

    @Test
    void maxlenTruncatesTheCaptureNotTheFrame() throws Exception {
        Path file = dir.resolve("short.pcap");
        dump(file, 20);
        fabric.run(() -> a.send(frame(ARP_REQUEST)));
        fabric.removeFilter("d0");
        List<PcapRecord> recs = records(file);
        assertThat(recs).hasSize(1);
        assertThat(recs.get(0).originalLength()).isEqualTo(42);
        assertThat(recs.get(0).capturedLength()).isEqualTo(20);
        fabric.run(() -> assertThat(b.received().get(0)).hasSize(42));
    }

    @Test
    void tsharkReadsTheCapture() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tshark")), "tshark is not installed (.ci/run installs it)");
        Path file = dir.resolve("t.pcap");
        dump(file, FilterDump.DEFAULT_MAXLEN);
        fabric.run(() -> {
            for (int i = 0; i < 3; i++) {
                a.send(frame(ARP_REQUEST));
            }
        });
        fabric.removeFilter("d0");
        Process p = new ProcessBuilder("tshark", "-n", "-r", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.lines().filter(l -> l.contains("Who has 10.0.2.2? Tell 10.0.2.15"))).hasSize(3);
    }

    @Test
    void aFileThatCannotBeOpenedIsRefusedInQemusWords() {
        assertThatThrownBy(() -> dump(Path.of("/nonexistent-dir/x.pcap"), 100))
                .hasMessage("net dump: can't open /nonexistent-dir/x.pcap: No such file or directory");
    }
}
