package io.netfabric.l2tpv3;

import io.netfabric.core.testing.RecordingClient;
import io.netfabric.testkit.frames.Dhcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netfabric.core.Fabric;
import io.netfabric.core.options.NetdevOptionParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.File;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Against the real QEMU 7.2, no guest: QEMU's l2tpv3 netdev joined by hub 0 to its own slirp
 * ({@code -M none}). (1) netfabric's l2tpv3 netdev, joined by a hub to a test endpoint, carries a
 * DHCPDISCOVER to QEMU and slirp's DHCPOFFER back, over UDP and IP, IPv4 and IPv6, with no
 * cookie, 32- and 64-bit cookies, the counter and an offset. (2) Over UDP a plain socket plays
 * netfabric's part, so the bytes QEMU sends are checked field by field. Loopback only; QEMU is
 * killed by pid in finally.
 */
class QemuL2tpv3InteropIT {
    private static final String QEMU = "qemu-system-x86_64";
    private static final long QEMU_SESSION = 0x11111111L;
    private static final long OUR_SESSION = 0x22222222L;

    private Process qemu;
    private Path qemuLog;

    @BeforeAll
    static void needQemu() {
        assumeTrue(onPath(QEMU), QEMU + " is not installed");
    }

    static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }

    /** Raw IP sockets need CAP_NET_RAW: root here, in CI too. */
    static boolean canOpenRawSockets() {
        int fd = Libc.Holder.LIBC.socket(Libc.AF_INET, Libc.SOCK_RAW, Libc.IPPROTO_L2TP);
        if (fd < 0) {
            return false;
        }
        Libc.Holder.LIBC.close(fd);
        return true;
    }

    @AfterEach
    void stopQemu() throws Exception {
        if (qemu != null) {
            qemu.destroyForcibly(); // by pid, the process this test started
            qemu.waitFor();
        }
        if (qemuLog != null) {
            Files.deleteIfExists(qemuLog);
        }
    }

    private void startQemu(String l2tpv3) throws Exception {
        qemuLog = Files.createTempFile("qemu-l2tpv3", ".log");
        List<String> cmd = new ArrayList<>(List.of(QEMU, "-M", "none", "-nodefaults", "-display", "none",
                "-netdev", "user,id=u0",
                "-netdev", "l2tpv3,id=l0," + l2tpv3,
                "-netdev", "hubport,id=h0,hubid=0,netdev=u0",
                "-netdev", "hubport,id=h1,hubid=0,netdev=l0"));
        qemu = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(qemuLog.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    private String qemuOutput() throws Exception {
        return Files.readString(qemuLog);
    }

    /** The two sides' option tails: QEMU's and ours mirror sessions, cookies and ports. */
    record Pair(String qemu, String ours) {
    }

    static Pair pair(String mode, String family, String extra, String cookie, int qemuPort, int ourPort) {
        boolean udp = mode.equals("udp");
        boolean v6 = family.equals("ipv6");
        String addr = v6 ? "::1" : "127.0.0.1";
        String common = "src=" + addr + ",dst=" + addr + (v6 ? ",ipv6=on" : "") + (udp ? ",udp=on" : ",udp=off")
                + (extra.isEmpty() ? "" : "," + extra);
        String q = common + String.format(",txsession=0x%x,rxsession=0x%x", QEMU_SESSION, OUR_SESSION);
        String o = common + String.format(",txsession=0x%x,rxsession=0x%x", OUR_SESSION, QEMU_SESSION);
        if (udp) {
            q += ",srcport=" + qemuPort + ",dstport=" + ourPort;
            o += ",srcport=" + ourPort + ",dstport=" + qemuPort;
        }
        switch (cookie) {
            case "32" -> {
                q += ",txcookie=0xdeadbeef,rxcookie=0xcafef00d";
                o += ",txcookie=0xcafef00d,rxcookie=0xdeadbeef";
            }
            case "64" -> {
                q += ",cookie64=on,txcookie=0xdeadbeef01020304,rxcookie=0xcafef00d05060708";
                o += ",cookie64=on,txcookie=0xcafef00d05060708,rxcookie=0xdeadbeef01020304";
            }
            default -> { }
        }
        return new Pair(q, o);
    }

    @ParameterizedTest(name = "{0} {1} cookie={2} {3}")
    @CsvSource(delimiter = '|', textBlock = """
            udp | ipv4 | none |
            udp | ipv4 | 32   | counter=on
            udp | ipv4 | 64   | offset=8
            udp | ipv6 | none | counter=on
            udp | ipv6 | 32   | offset=16
            udp | ipv6 | 64   | counter=on
            ip  | ipv4 | none |
            ip  | ipv4 | 32   | counter=on
            ip  | ipv4 | 64   | offset=4
            ip  | ipv6 | none | counter=on
            ip  | ipv6 | 32   | offset=12
            ip  | ipv6 | 64   |
            """)
    void netfabricGetsADhcpOfferFromQemusSlirp(String mode, String family, String cookie, String extra) throws Exception {
        if (mode.equals("ip")) {
            assumeTrue(canOpenRawSockets(), "L2TPv3 over IP needs CAP_NET_RAW");
        }
        Pair p = pair(mode, family, extra == null ? "" : extra, cookie, FreePorts.udp(), FreePorts.udp());
        startQemu(p.qemu());
        try (Fabric fabric = Fabric.create()) {
            L2tpv3Netdev n = (L2tpv3Netdev) fabric.addNetdev(NetdevOptionParser.parseNetdev(
                    "l2tpv3,id=l0," + p.ours(), fabric.availableTypes()));
            RecordingClient guest = new RecordingClient("guest");
            fabric.addClient(guest);
            fabric.addNetdev(NetdevOptionParser.parseNetdev("hubport,id=h0,hubid=0,netdev=l0", fabric.availableTypes()));
            fabric.addNetdev(NetdevOptionParser.parseNetdev("hubport,id=h1,hubid=0,netdev=guest", fabric.availableTypes()));
            byte[] offer = null;
            // QEMU needs a moment to start; DISCOVER until slirp answers.
            for (int i = 0; i < 40 && offer == null; i++) {
                fabric.run(() -> guest.send(PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(Dhcp.discover())));
                long end = System.currentTimeMillis() + 250;
                for (byte[] f; offer == null && (f = guest.poll(Math.max(1, end - System.currentTimeMillis()))) != null; ) {
                    if (Dhcp.isOffer(f)) {
                        offer = f;
                    }
                }
            }
            assertThat(offer).as("a DHCPOFFER through QEMU %s; QEMU said: %s", p.qemu(), qemuOutput()).isNotNull();
            assertThat(fabric.call(() -> n.counters().txFrames())).isPositive();
            if (mode.equals("udp")) {
                // Over IP both raw sockets on lo also see their own datagrams, which fail the
                // cookie or session check on both sides; over UDP nothing should fail.
                assertThat(fabric.call(() -> n.stats().cookieMismatch() + n.stats().sessionMismatch())).isZero();
            }
        }
        if (mode.equals("udp")) {
            assertThat(qemuOutput()).doesNotContain("unknown cookie id").doesNotContain("session mismatch");
        }
    }

    @ParameterizedTest(name = "{0} cookie={1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            ipv4 | none |
            ipv4 | 32   | counter=on
            ipv4 | 64   | counter=on,offset=8
            ipv6 | 32   | offset=4
            ipv6 | 64   | counter=on
            """)
    void theBytesQemuSendsOverUdp(String family, String cookie, String extra) throws Exception {
        extra = extra == null ? "" : extra;
        boolean v6 = family.equals("ipv6");
        InetAddress lo = InetAddress.getByName(v6 ? "::1" : "127.0.0.1");
        try (DatagramSocket ours = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            ours.setSoTimeout(250);
            int qemuPort = FreePorts.udp();
            Pair p = pair("udp", family, extra, cookie, qemuPort, ours.getLocalPort());
            startQemu(p.qemu());
            boolean counter = extra.contains("counter=on");
            int offset = extra.contains("offset=") ? Integer.parseInt(extra.replaceAll(".*offset=(\\d+).*", "$1")) : 0;
            int cookieLen = cookie.equals("none") ? 0 : cookie.equals("32") ? 4 : 8;
            int hdr = 8 + cookieLen + (counter ? 4 : 0) + offset;
            // Our header: what QEMU's rx checks expect (it does not look at the counter).
            ByteBuffer h = ByteBuffer.allocate(hdr);
            h.putInt(0x00030000).putInt((int) OUR_SESSION);
            if (cookieLen == 4) {
                h.putInt(0xcafef00d);
            } else if (cookieLen == 8) {
                h.putLong(0xcafef00d05060708L);
            }
            byte[] discover = Dhcp.discover();
            byte[] out = ByteBuffer.allocate(hdr + discover.length).put(h.array()).put(discover).array();
            byte[] got = null;
            for (int i = 0; i < 40 && got == null; i++) {
                ours.send(new DatagramPacket(out, out.length, new InetSocketAddress(lo, qemuPort)));
                try {
                    DatagramPacket r = new DatagramPacket(new byte[4096], 4096);
                    ours.receive(r);
                    got = Arrays.copyOf(r.getData(), r.getLength());
                    assertThat(r.getPort()).as("QEMU sends from its srcport").isEqualTo(qemuPort);
                } catch (SocketTimeoutException notYet) {
                    // QEMU still starting
                }
            }
            assertThat(got).as("QEMU said: %s", qemuOutput()).isNotNull();
            ByteBuffer g = ByteBuffer.wrap(got);
            assertThat(g.getInt(0)).as("flags/version: T=0, Ver=3").isEqualTo(0x00030000);
            assertThat(Integer.toUnsignedLong(g.getInt(4))).as("session").isEqualTo(QEMU_SESSION);
            if (cookieLen == 4) {
                assertThat(g.getInt(8)).as("32-bit cookie").isEqualTo(0xdeadbeef);
            } else if (cookieLen == 8) {
                assertThat(g.getLong(8)).as("64-bit cookie").isEqualTo(0xdeadbeef01020304L);
            }
            if (counter) {
                assertThat(g.getInt(8 + cookieLen)).as("counter of QEMU's first frame").isEqualTo(1);
            }
            // The offset octets are whatever QEMU's header buffer held: not checked.
            byte[] frame = Arrays.copyOfRange(got, hdr, got.length);
            assertThat(Dhcp.isOffer(frame)).as("payload after %d header octets: %s", hdr,
                    ByteBufUtil.hexDump(got, 0, Math.min(got.length, 64))).isTrue();
            // The same layout, read by our own view, agrees.
            ByteBuf b = io.netty.buffer.Unpooled.wrappedBuffer(got);
            io.netfabric.wire.l2tpv3.L2tpv3Packet v = new io.netfabric.wire.l2tpv3.L2tpv3Packet();
            assertThat(v.wrapChecked(b, 0, got.length,
                    new io.netfabric.wire.l2tpv3.L2tpv3Layout(true, cookieLen, counter, offset))).isTrue();
            assertThat(v.sessionId()).isEqualTo(QEMU_SESSION);
            assertThat(v.payloadLength()).isEqualTo(frame.length);
        }
    }
}
