package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netfabric.core.NetClient;
import io.netfabric.nic.Nic;
import io.netfabric.nic.VirtioNetRxFilter;
import io.netfabric.wire.pcap.PcapReader;
import io.netfabric.wire.pcap.PcapRecord;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running helper with NICs, driven as a user would: QMP on a unix socket, the NIC's guest side
 * on its {@code guest=unix:} socket, a {@code filter-dump} capture on its netdev.
 */
class NicHelperTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAC = "52:54:00:12:34:56";

    @TempDir
    Path dir;

    /** A line-at-a-time QMP client that sets events aside. */
    static final class Qmp implements AutoCloseable {
        final SocketChannel ch;
        final BufferedReader in;
        final List<JsonNode> events = new ArrayList<>();

        Qmp(Path socket) throws IOException {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            in.readLine();   // greeting
            execute("{\"execute\":\"qmp_capabilities\"}");
        }

        JsonNode execute(String command) throws IOException {
            ByteBuffer b = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            while (true) {
                JsonNode n = JSON.readTree(in.readLine());
                if (n.has("event")) {
                    events.add(n);
                } else {
                    return n;
                }
            }
        }

        /** Waits (up to 5 s) for {@code n} events called {@code name}: events travel apart from replies. */
        long awaitEvents(String name, long n) throws IOException, InterruptedException {
            for (int i = 0; i < 250 && events(name) < n; i++) {
                Thread.sleep(20);
                execute("{\"execute\":\"query-version\"}");
            }
            return events(name);
        }

        long events(String name) {
            return events.stream().filter(e -> e.get("event").asText().equals(name)).count();
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    private static void guestSend(SocketChannel guest, byte mark) throws IOException {
        byte[] f = new byte[60];
        for (int i = 0; i < 6; i++) {
            f[i] = (byte) 0xff;
        }
        f[6] = 0x52;
        f[12] = 0x08;
        f[14] = mark;
        ByteBuffer b = ByteBuffer.allocate(64).putInt(60).put(f).flip();
        while (b.hasRemaining()) {
            guest.write(b);
        }
    }

    @Test
    void queryRxFilterEventsSetLinkAndAnnounceOverQmp() throws Exception {
        Path qmp = dir.resolve("qmp.sock");
        Path guestSock = dir.resolve("guest.sock");
        Path pcap = dir.resolve("n0.pcap");
        CommandLine cl = CommandLine.parse(new String[] {"-nodefaults",
            "-netdev", "hubport,id=n0,hubid=0",
            // A lone hub port cannot take frames (no other port to flood to): give it company.
            "-netdev", "hubport,id=n1,hubid=0",
            "-device", "virtio-net,id=vnet0,netdev=n0,mac=" + MAC + ",guest=unix:" + guestSock,
            "-object", "filter-dump,id=d0,netdev=n0,file=" + pcap,
            "-qmp", "unix:" + qmp + ",server=on,wait=off"});
        List<PcapRecord> records = new ArrayList<>();
        try (Launcher l = Launcher.start(cl, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()));
                Qmp q = new Qmp(qmp);
                SocketChannel guest = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            guest.connect(UnixDomainSocketAddress.of(guestSock));
            JsonNode info = q.execute("{\"execute\":\"query-rx-filter\",\"arguments\":{\"name\":\"vnet0\"}}").get("return").get(0);
            assertThat(info.get("promiscuous").asBoolean()).isTrue();
            assertThat(info.get("main-mac").asText()).isEqualTo(MAC);
            assertThat(q.execute("{\"execute\":\"query-rx-filter\",\"arguments\":{\"name\":\"n0\"}}")
                    .get("error").get("desc").asText()).isEqualTo("net client(n0) isn't a NIC");

            // The guest driver changes the filter twice: one event; after a query, one more.
            Nic nic = (Nic) l.fabric().clients().stream().filter(NetClient::isNic).findFirst().orElseThrow();
            VirtioNetRxFilter f = nic.filter(VirtioNetRxFilter.class);
            l.fabric().run(() -> f.setRxMode(VirtioNetRxFilter.RX_ALLMULTI, true));
            l.fabric().run(() -> f.setRxMode(VirtioNetRxFilter.RX_ALLUNI, true));
            assertThat(q.awaitEvents("NIC_RX_FILTER_CHANGED", 1)).isEqualTo(1);
            assertThat(q.events.get(0).get("data").toString())
                    .isEqualTo("{\"name\":\"vnet0\",\"path\":\"/machine/peripheral/vnet0/virtio-backend\"}");
            q.execute("{\"execute\":\"query-rx-filter\"}");
            l.fabric().run(() -> f.setRxMode(VirtioNetRxFilter.RX_ALLUNI, false));
            l.fabric().run(() -> f.setRxMode(VirtioNetRxFilter.RX_ALLMULTI, false));
            assertThat(q.awaitEvents("NIC_RX_FILTER_CHANGED", 2)).isEqualTo(2);

            // set_link: what the guest sends while the link is down never reaches n0.
            guestSend(guest, (byte) 'A');
            awaitTx(l, nic, 1);
            assertThat(q.execute("{\"execute\":\"set_link\",\"arguments\":{\"name\":\"vnet0\",\"up\":false}}").has("return")).isTrue();
            guestSend(guest, (byte) 'B');
            awaitDrops(l, nic, 1);
            q.execute("{\"execute\":\"announce-self\",\"arguments\":{\"initial\":50,\"max\":550,\"rounds\":1,\"step\":100}}");
            awaitDrops(l, nic, 2);
            q.execute("{\"execute\":\"set_link\",\"arguments\":{\"name\":\"vnet0\",\"up\":true}}");
            guestSend(guest, (byte) 'C');
            awaitTx(l, nic, 2);
            assertThat(q.execute("{\"execute\":\"set_link\",\"arguments\":{\"name\":\"nope\",\"up\":true}}").get("error").toString())
                    .isEqualTo("{\"class\":\"DeviceNotFound\",\"desc\":\"Device 'nope' not found\"}");

            // announce-self: rounds at 0, 50 and 150 ms (initial 50, step 50).
            q.execute("{\"execute\":\"announce-self\",\"arguments\":{\"initial\":50,\"max\":550,\"rounds\":3,\"step\":50,\"id\":\"t\"}}");
            Thread.sleep(400);
        }
        try (PcapReader r = PcapReader.open(pcap)) {
            for (PcapRecord rec = r.next(); rec != null; rec = r.next()) {
                records.add(rec);
            }
        }
        StringBuilder kinds = new StringBuilder();
        for (PcapRecord rec : records) {
            boolean rarp = (rec.data()[12] & 0xFF) == 0x80 && (rec.data()[13] & 0xFF) == 0x35;
            kinds.append(rarp ? 'R' : (char) rec.data()[14]);
        }
        assertThat(kinds.toString()).isEqualTo("ACRRR");
        long g1 = (records.get(3).timestampMicros() - records.get(2).timestampMicros()) / 1000;
        long g2 = (records.get(4).timestampMicros() - records.get(3).timestampMicros()) / 1000;
        assertThat(g1).as("first gap").isBetween(48L, 200L);
        assertThat(g2).as("second gap").isBetween(98L, 250L);
    }

    private static void awaitTx(Launcher l, Nic nic, long frames) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (l.fabric().call(() -> nic.counters().txFrames()) < frames && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(l.fabric().call(() -> nic.counters().txFrames())).isEqualTo(frames);
    }

    private static void awaitDrops(Launcher l, Nic nic, long drops) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (l.fabric().call(() -> nic.counters().totalDrops()) < drops && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(l.fabric().call(() -> nic.counters().totalDrops())).as(l.fabric().call(() -> nic.counters().toString())).isEqualTo(drops);
    }
}
