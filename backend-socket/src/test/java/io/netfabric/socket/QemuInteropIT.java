package io.netfabric.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricEvent;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.core.testing.RecordingClient;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with a real QEMU 7.2 and no guest (behaviour notes §12, recipes A, B and D): QEMU joins
 * a netdev of the same kind to its own slirp through a hub; our side joins the matching netdev to
 * a test endpoint through a hub. The endpoint's DHCPDISCOVER crosses both relays to slirp, and
 * slirp's DHCPOFFER of 10.0.2.15 must come back. Loopback addresses and free ports only;
 * multicast on 239.255.x.y with loopback interface and TTL 1. QEMU is killed by pid afterwards.
 */
@Timeout(60)
class QemuInteropIT {
    @TempDir
    Path dir;

    private Fabric fabric;
    private RecordingClient endpoint;
    private final List<FabricEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void needsQemu() {
        QemuProcess.assumeInstalled();
    }

    @BeforeEach
    void start() {
        fabric = Fabric.create();
        fabric.addEventListener(events::add);
        endpoint = new RecordingClient("ep");
        fabric.addClient(endpoint);
    }

    @AfterEach
    void stop() {
        fabric.close();
    }

    /** Adds our netdev {@code s0} and joins it and the endpoint through hub 0. */
    private void ours(String netdev) {
        add(netdev);
        add("hubport,id=h0,hubid=0,netdev=s0");
        add("hubport,id=h1,hubid=0,netdev=ep");
    }

    private NetClient add(String arg) {
        return fabric.addNetdev(NetdevOptionParser.parseNetdev(arg, fabric.availableTypes()));
    }

    /** QEMU with slirp and the netdev {@code q1} on one hub (recipe A's shape). */
    private QemuProcess qemu(String netdev) throws IOException, InterruptedException {
        return new QemuProcess(dir, "-netdev", "user,id=u0", "-netdev", "hubport,id=qh0,hubid=0,netdev=u0",
                "-netdev", netdev, "-netdev", "hubport,id=qh1,hubid=0,netdev=q1");
    }

    /** Sends DHCPDISCOVERs (again every 300 ms while connections come up) until the offer arrives. */
    private void assertDhcpOfferComesBack(QemuProcess q) throws Exception {
        int xid = ThreadLocalRandom.current().nextInt();
        byte[] discover = DhcpFrames.discover(xid);
        for (int i = 0; i < 30; i++) {
            fabric.run(() -> endpoint.send(Unpooled.directBuffer(discover.length).writeBytes(discover)));
            if (endpoint.waitFor(f -> DhcpFrames.isOfferOf10_0_2_15(f, xid), 300) != null) {
                return;
            }
        }
        throw new AssertionError("no DHCPOFFER of 10.0.2.15 came back; QEMU said: " + q.stderr()
                + "\ninfo network: " + q.infoNetwork() + "\nours: " + fabric.clients());
    }

    private String info(String id) {
        return fabric.call(() -> fabric.findNetdev(id).info());
    }

    // ---------------------------------------------------------------- socket (recipe A)

    @Test
    void socketTcpWeListenQemuConnects() throws Exception {
        int port = FreePorts.tcp();
        ours("socket,id=s0,listen=127.0.0.1:" + port);
        assertThat(info("s0")).isEmpty();
        try (QemuProcess q = qemu("socket,id=q1,connect=127.0.0.1:" + port)) {
            assertDhcpOfferComesBack(q);
            assertThat(info("s0")).startsWith("socket: connection from 127.0.0.1:");
            assertThat(q.infoNetwork()).contains("q1: index=0,type=socket,socket: connect to 127.0.0.1:" + port);
        }
    }

    @Test
    void socketTcpQemuListensWeConnect() throws Exception {
        int port = FreePorts.tcp();
        try (QemuProcess q = qemu("socket,id=q1,listen=127.0.0.1:" + port)) {
            ours("socket,id=s0,connect=127.0.0.1:" + port);
            assertThat(info("s0")).isEqualTo("socket: connect to 127.0.0.1:" + port);
            assertDhcpOfferComesBack(q);
            assertThat(q.infoNetwork()).contains("q1: index=0,type=socket,socket: connection from 127.0.0.1:");
        }
    }

    /**
     * Bad lengths end a connection where QEMU 7.2 ends it: a length above 69632 is taken, and
     * the connection closed with the oversized message only when more than 69632 bytes of that
     * frame came (ground truth for BadInputTest). The same bytes go to QEMU's {@code socket}
     * listener and to ours, one connection per case; each side must then be open or closed
     * alike, and print the message as often.
     */
    @Test
    void badLengthsCloseConnectionsWhereQemuClosesThem() throws Exception {
        int qemuPort = FreePorts.tcp();
        int ourPort = FreePorts.tcp();
        ours("socket,id=s0,listen=127.0.0.1:" + ourPort);
        byte[][] cases = {
            concat(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}, new byte[3]),
            concat(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}, new byte[NetClient.MAX_FRAME + 1]),
            concat(length(NetClient.MAX_FRAME + 1), new byte[NetClient.MAX_FRAME]),
            concat(length(NetClient.MAX_FRAME + 1), new byte[NetClient.MAX_FRAME + 1]),
            concat(length(NetClient.MAX_FRAME), new byte[NetClient.MAX_FRAME]),
        };
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream ourLog = new java.io.ByteArrayOutputStream();
        try (QemuProcess q = qemu("socket,id=q1,listen=127.0.0.1:" + qemuPort)) {
            System.setErr(new java.io.PrintStream(ourLog, true, java.nio.charset.StandardCharsets.UTF_8));
            for (byte[] bytes : cases) {
                boolean qemuOpen = openAfterSending(qemuPort, bytes);
                boolean ourOpen = openAfterSending(ourPort, bytes);
                assertThat(ourOpen).as("open after %d bytes starting %02x%02x%02x%02x (QEMU: %s)", bytes.length,
                        bytes[0], bytes[1], bytes[2], bytes[3], qemuOpen ? "open" : "closed").isEqualTo(qemuOpen);
            }
            System.setErr(stderr);
            assertThat(count(ourLog.toString(java.nio.charset.StandardCharsets.UTF_8), StreamNetdev.OVERSIZE_MESSAGE))
                    .isEqualTo(count(q.stderr(), StreamNetdev.OVERSIZE_MESSAGE)).isEqualTo(2);
        } finally {
            System.setErr(stderr);
        }
    }

    private static boolean openAfterSending(int port, byte[] bytes) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.getOutputStream().write(bytes);
            s.setSoTimeout(500);
            try {
                return s.getInputStream().read() != -1;   // nobody sends on a hub without frames
            } catch (java.net.SocketTimeoutException open) {
                return true;
            } catch (java.net.SocketException reset) {
                return false;
            }
        } finally {
            Thread.sleep(200);   // the listener takes the next client once this one went
        }
    }

    private static byte[] length(int n) {
        return java.nio.ByteBuffer.allocate(4).putInt(n).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * The ground truth for BadInputTest's refused connect: QEMU 7.2 on Linux creates the netdev
     * (the non-blocking connect answers EINPROGRESS) and it dies with an empty info; a stream
     * client shows {@code connection error}.
     */
    @Test
    void qemuCreatesClientsWhoseConnectIsRefused() throws Exception {
        int closed = FreePorts.tcp();
        try (QemuProcess q = new QemuProcess(dir, "-netdev", "socket,id=c0,connect=127.0.0.1:" + closed,
                "-netdev", "stream,id=c1,addr.type=inet,addr.host=127.0.0.1,addr.port=" + closed)) {
            String info = "";
            for (int i = 0; i < 50 && !info.contains("connection error"); i++) {
                Thread.sleep(20);
                info = q.infoNetwork();
            }
            assertThat(info).contains("c0: index=0,type=socket,\n").contains("c1: index=0,type=stream,connection error");
            assertThat(q.stderr()).doesNotContain("can't connect");
        }
    }

    @Test
    void socketUdp() throws Exception {
        int a = FreePorts.udp();
        int b = FreePorts.udp();
        ours("socket,id=s0,udp=127.0.0.1:" + b + ",localaddr=127.0.0.1:" + a);
        assertThat(info("s0")).isEqualTo("socket: udp=127.0.0.1:" + b);
        try (QemuProcess q = qemu("socket,id=q1,udp=127.0.0.1:" + a + ",localaddr=127.0.0.1:" + b)) {
            assertDhcpOfferComesBack(q);
        }
    }

    /**
     * A loop turn's frames leave as UDP_SEGMENT trains where the kernel has it: QEMU must still
     * read one frame per datagram. Our s0 sends a burst into QEMU's q1, QEMU's hub relays it out
     * of q2 into our s1, whose endpoint must get every frame whole and in order.
     */
    @Test
    void socketUdpBurstCrossesQemuOneFramePerDatagram() throws Exception {
        int a = FreePorts.udp();
        int b = FreePorts.udp();
        int c = FreePorts.udp();
        int d = FreePorts.udp();
        ours("socket,id=s0,udp=127.0.0.1:" + b + ",localaddr=127.0.0.1:" + a);
        add("socket,id=s1,udp=127.0.0.1:" + c + ",localaddr=127.0.0.1:" + d);
        RecordingClient far = new RecordingClient("far");
        fabric.addClient(far);
        add("hubport,id=h2,hubid=1,netdev=s1");
        add("hubport,id=h3,hubid=1,netdev=far");
        try (QemuProcess q = new QemuProcess(dir, "-netdev", "socket,id=q1,udp=127.0.0.1:" + a + ",localaddr=127.0.0.1:" + b,
                "-netdev", "socket,id=q2,udp=127.0.0.1:" + d + ",localaddr=127.0.0.1:" + c,
                "-netdev", "hubport,id=qh1,hubid=0,netdev=q1", "-netdev", "hubport,id=qh2,hubid=0,netdev=q2")) {
            int[] lengths = {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 700,
                             60, 60, 60, 60, 60, 60, 60, 60, 1514, 1514, 1514, 1514, 1514, 1514, 1514, 1514, 64};
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < lengths.length; i++) {
                byte[] f = new byte[lengths[i]];
                for (int k = 0; k < f.length; k++) {
                    f[k] = (byte) (k * 31 + i);
                }
                sent.add(f);
            }
            fabric.run(() -> sent.forEach(f -> endpoint.send(Unpooled.directBuffer(f.length).writeBytes(f))));
            assertThat(far.waitForCount(sent.size(), 5000)).as("QEMU said: %s", q.stderr()).isEqualTo(sent.size());
            List<byte[]> got = far.received();
            for (int i = 0; i < sent.size(); i++) {
                assertThat(got.get(i)).as("frame %d", i).isEqualTo(sent.get(i));
            }
        }
    }

    @Test
    void socketMulticastStaysOnLoopback() throws Exception {
        String group = "239.255." + ThreadLocalRandom.current().nextInt(1, 255) + "." + ThreadLocalRandom.current().nextInt(1, 255);
        int port = FreePorts.udp();
        ours("socket,id=s0,mcast=" + group + ":" + port + ",localaddr=127.0.0.1");
        assertThat(info("s0")).isEqualTo("socket: mcast=" + group + ":" + port);
        try (Captures c = new Captures(group); QemuProcess q = qemu("socket,id=q1,mcast=" + group + ":" + port + ",localaddr=127.0.0.1")) {
            assertDhcpOfferComesBack(q);
            assertGroupJoinedOnLoopbackOnly(group);
            c.assertOnLoopbackOnlyWithTtl1(() -> assertDhcpOfferComesBack(q));
        }
    }

    private interface Traffic {
        void run() throws Exception;
    }

    /** tshark on lo and on every other interface that is up, when it can capture here. */
    private static final class Captures implements AutoCloseable {
        private final MulticastCapture lo;
        private final List<MulticastCapture> others = new ArrayList<>();

        Captures(String group) throws IOException, InterruptedException {
            if (!MulticastCapture.available()) {
                lo = null;
                return;
            }
            lo = new MulticastCapture("lo", group);
            for (String i : MulticastCapture.otherInterfaces()) {
                others.add(new MulticastCapture(i, group));
            }
        }

        /** {@code traffic} runs again until lo saw some (tshark may start capturing late under load). */
        void assertOnLoopbackOnlyWithTtl1(Traffic traffic) throws Exception {
            if (lo == null) {
                return;   // no tshark or no capture rights: the igmp check above still ran
            }
            for (int i = 0; i < 10 && lo.ttls().isEmpty(); i++) {
                Thread.sleep(300);
                traffic.run();
            }
            assertThat(lo.ttls()).as("TTLs of the group's packets on lo").isNotEmpty().containsOnly(1);
            for (MulticastCapture o : others) {
                assertThat(o.ttls()).as("the group's packets on other interfaces").isEmpty();
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (lo != null) {
                lo.close();
            }
            for (MulticastCapture o : others) {
                o.close();
            }
        }
    }

    /** /proc/net/igmp lists each device's groups as little-endian hex: ours must be under lo only. */
    static void assertGroupJoinedOnLoopbackOnly(String group) throws IOException {
        String[] p = group.split("\\.");
        String hex = String.format("%02X%02X%02X%02X", Integer.parseInt(p[3]), Integer.parseInt(p[2]),
                Integer.parseInt(p[1]), Integer.parseInt(p[0]));
        String device = null;
        boolean onLo = false;
        for (String line : Files.readAllLines(Path.of("/proc/net/igmp"))) {
            if (!line.startsWith("\t") && !line.startsWith("Idx")) {
                device = line.split("\\s+")[1];
            } else if (line.trim().startsWith(hex)) {
                assertThat(device).as("device that joined %s", group).isEqualTo("lo");
                onLo = true;
            }
        }
        assertThat(onLo).as("%s joined on lo", group).isTrue();
    }

    // ---------------------------------------------------------------- stream (recipe B)

    @Test
    void streamInetWeServeQemuConnects() throws Exception {
        int port = FreePorts.tcp();
        ours("stream,id=s0,server=on,addr.type=inet,addr.host=127.0.0.1,addr.port=" + port);
        try (QemuProcess q = qemu("stream,id=q1,addr.type=inet,addr.host=127.0.0.1,addr.port=" + port)) {
            assertDhcpOfferComesBack(q);
            // QEMU connected before our QMP session existed: its event went to nobody.
            assertThat(info("s0")).startsWith("tcp:127.0.0.1:");
            assertThat(ourEvent("NETDEV_STREAM_CONNECTED").data()).containsEntry("netdev-id", "s0");
        }
        waitForOurEvent("NETDEV_STREAM_DISCONNECTED");
    }

    @Test
    void streamInetQemuServesWeConnect() throws Exception {
        int port = FreePorts.tcp();
        try (QemuProcess q = qemu("stream,id=q1,server=on,addr.type=inet,addr.host=127.0.0.1,addr.port=" + port)) {
            // QEMU listens asynchronously: reconnect covers the moment before it does.
            ours("stream,id=s0,reconnect=1,addr.type=inet,addr.host=127.0.0.1,addr.port=" + port);
            assertDhcpOfferComesBack(q);
            assertThat(q.waitForEvent("NETDEV_STREAM_CONNECTED", 2000)).contains("\"netdev-id\": \"q1\"");
            assertThat(info("s0")).isEqualTo("tcp:127.0.0.1:" + port);
            assertThat(ourEvent("NETDEV_STREAM_CONNECTED").data().get("addr").toString())
                    .isEqualTo("{type=inet, host=127.0.0.1, port=" + port + ", ipv4=true}");
        }
    }

    @Test
    void streamUnixWeServeQemuConnects() throws Exception {
        Path sock = dir.resolve("s0.sock");
        ours("stream,id=s0,server=on,addr.type=unix,addr.path=" + sock);
        try (QemuProcess q = qemu("stream,id=q1,addr.type=unix,addr.path=" + sock)) {
            assertDhcpOfferComesBack(q);
            assertThat(info("s0")).isEqualTo("unix:" + sock);
            assertThat(q.infoNetwork()).contains("q1: index=0,type=stream,unix:" + sock);
        }
    }

    @Test
    void streamUnixQemuServesWeConnect() throws Exception {
        Path sock = dir.resolve("q1.sock");
        try (QemuProcess q = qemu("stream,id=q1,server=on,addr.type=unix,addr.path=" + sock)) {
            ours("stream,id=s0,reconnect=1,addr.type=unix,addr.path=" + sock);
            assertDhcpOfferComesBack(q);
            assertThat(info("s0")).isEqualTo("unix:" + sock);
            assertThat(q.waitForEvent("NETDEV_STREAM_CONNECTED", 2000)).contains("\"path\": \"" + sock + "\"");
        }
    }

    /** {@code mptcp=on} at both ends: QEMU serves, we connect over Multipath TCP. */
    @Test
    void streamInetOverMptcp() throws Exception {
        Path enabled = Path.of("/proc/sys/net/mptcp/enabled");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(enabled)
                && java.nio.file.Files.readString(enabled).trim().equals("1"), "MPTCP is off in this kernel");
        int port = FreePorts.tcp();
        try (QemuProcess q = qemu("stream,id=q1,server=on,addr.type=inet,addr.host=127.0.0.1,addr.port=" + port
                + ",addr.mptcp=on")) {
            ours("stream,id=s0,reconnect=1,addr.type=inet,addr.host=127.0.0.1,addr.port=" + port + ",addr.mptcp=on");
            assertDhcpOfferComesBack(q);
            int fd = fabric.call(() -> ((StreamNetdev) fabric.findNetdev("s0")).connectionDescriptor());
            assertThat(MptcpSockets.protocol(fd)).isEqualTo(MptcpSockets.IPPROTO_MPTCP);
        }
    }

    /** Linux abstract names, tight (QEMU's default) one way and padded ({@code tight=off}) the other. */
    @Test
    void streamUnixAbstractBothWays() throws Exception {
        String name = "nf-it-" + ProcessHandle.current().pid();
        ours("stream,id=s0,server=on,addr.type=unix,addr.path=" + name + ",addr.abstract=on");
        try (QemuProcess q = qemu("stream,id=q1,addr.type=unix,addr.path=" + name + ",addr.abstract=on")) {
            assertDhcpOfferComesBack(q);
            assertThat(q.infoNetwork()).contains("q1: index=0,type=stream,unix:" + name);
        }
        fabric.deleteNetdev("h0");
        fabric.deleteNetdev("s0");
        String loose = name + "-loose";
        try (QemuProcess q = qemu("stream,id=q1,server=on,addr.type=unix,addr.path=" + loose
                + ",addr.abstract=on,addr.tight=off")) {
            add("stream,id=s0,reconnect=1,addr.type=unix,addr.path=" + loose + ",addr.abstract=on,addr.tight=off");
            add("hubport,id=h0,hubid=0,netdev=s0");
            assertDhcpOfferComesBack(q);
            assertThat(q.waitForEvent("NETDEV_STREAM_CONNECTED", 2000)).contains("\"tight\": false");
        }
    }

    // ---------------------------------------------------------------- dgram

    @Test
    void dgramInet() throws Exception {
        int a = FreePorts.udp();
        int b = FreePorts.udp();
        ours("dgram,id=s0,local.type=inet,local.host=127.0.0.1,local.port=" + a
                + ",remote.type=inet,remote.host=127.0.0.1,remote.port=" + b);
        assertThat(info("s0")).isEqualTo("udp=127.0.0.1:" + a + "/127.0.0.1:" + b);
        try (QemuProcess q = qemu("dgram,id=q1,local.type=inet,local.host=127.0.0.1,local.port=" + b
                + ",remote.type=inet,remote.host=127.0.0.1,remote.port=" + a)) {
            assertDhcpOfferComesBack(q);
            assertThat(q.infoNetwork()).contains("q1: index=0,type=dgram,udp=127.0.0.1:" + b + "/127.0.0.1:" + a);
        }
    }

    @Test
    void dgramUnix() throws Exception {
        Path ourPath = dir.resolve("ours.dgram");
        Path qemuPath = dir.resolve("qemu.dgram");
        ours("dgram,id=s0,local.type=unix,local.path=" + ourPath + ",remote.type=unix,remote.path=" + qemuPath);
        assertThat(info("s0")).isEqualTo("udp=" + ourPath + ":" + qemuPath);
        try (QemuProcess q = qemu("dgram,id=q1,local.type=unix,local.path=" + qemuPath + ",remote.type=unix,remote.path=" + ourPath)) {
            assertDhcpOfferComesBack(q);
        }
    }

    @Test
    void dgramMulticastStaysOnLoopback() throws Exception {
        String group = "239.255." + ThreadLocalRandom.current().nextInt(1, 255) + "." + ThreadLocalRandom.current().nextInt(1, 255);
        int port = FreePorts.udp();
        String netdev = "remote.type=inet,remote.host=" + group + ",remote.port=" + port
                + ",local.type=inet,local.host=127.0.0.1,local.port=0";
        ours("dgram,id=s0," + netdev);
        assertThat(info("s0")).isEqualTo("mcast=" + group + ":" + port);
        try (Captures c = new Captures(group); QemuProcess q = qemu("dgram,id=q1," + netdev)) {
            assertDhcpOfferComesBack(q);
            assertGroupJoinedOnLoopbackOnly(group);
            c.assertOnLoopbackOnlyWithTtl1(() -> assertDhcpOfferComesBack(q));
        }
    }

    private FabricEvent ourEvent(String name) throws InterruptedException {
        return waitForOurEvent(name);
    }

    private FabricEvent waitForOurEvent(String name) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            synchronized (events) {
                for (FabricEvent e : events) {
                    if (e.event().equals(name)) {
                        return e;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + name + " event; got " + events);
    }
}
