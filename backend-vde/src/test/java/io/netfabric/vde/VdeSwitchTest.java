package io.netfabric.vde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.core.options.NetdevQmpDecoder;
import io.netfabric.core.testing.RecordingClient;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vde netdev against a real vde_switch (Debian package vde2; skipped without it): two
 * fabrics exchange frames through the switch, {@code port=} picks the switch's port (checked on
 * its management socket), {@code mode} is applied to our socket, a refused port, a missing or
 * restarted switch give QEMU's messages, and QEMU 7.2's recorded {@code backend:vde} cases.
 */
class VdeSwitchTest {
    private static final Path FIXTURES = Path.of("../fabric-core/src/test/resources/qemu-7.2/netdev-errors.json");
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T keep(T t) {
        open.add(t);
        return t;
    }

    private static NetClient add(Fabric f, String optarg) {
        return f.addNetdev(NetdevOptionParser.parseNetdev(optarg, f.availableTypes()));
    }

    private static String refusal(Fabric f, String optarg) {
        FabricException e = catchThrowableOfType(() -> add(f, optarg), FabricException.class);
        assertThat(e).as("refused: %s", optarg).isNotNull();
        assertThat(e.errorClass().name()).isEqualTo("GenericError");
        return e.getMessage();
    }

    /** A fabric with a vde netdev {@code v} and a test endpoint joined to it by hub 0. */
    private RecordingClient side(Fabric f, String vde) {
        add(f, "vde,id=v," + vde);
        RecordingClient guest = new RecordingClient("guest");
        f.addClient(guest);
        add(f, "hubport,id=h0,hubid=0,netdev=v");
        add(f, "hubport,id=h1,hubid=0,netdev=guest");
        return guest;
    }

    private static byte[] frame(int src, int dst, int tag) {
        byte[] f = new byte[60];
        Arrays.fill(f, 0, 6, (byte) (dst < 0 ? 0xff : 0));
        if (dst >= 0) {
            f[0] = 0x52;
            f[5] = (byte) dst;
        }
        f[6] = 0x52;
        f[11] = (byte) src;
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xb5; // local experimental EtherType
        f[14] = (byte) tag;
        return f;
    }

    private static void send(Fabric f, RecordingClient from, byte[] frame) {
        f.run(() -> from.send(PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(frame)));
    }

    private static byte[] receiveTagged(RecordingClient at, int tag) throws InterruptedException {
        long end = System.currentTimeMillis() + 3000;
        for (byte[] f; System.currentTimeMillis() < end; ) {
            f = at.poll(50);
            if (f != null && f.length > 14 && f[12] == (byte) 0x88 && f[13] == (byte) 0xb5 && f[14] == (byte) tag) {
                return f;
            }
        }
        return null;
    }

    @Test
    void twoFabricsExchangeFramesThroughTheSwitch() throws Exception {
        VdeSwitch sw = keep(VdeSwitch.start());
        Fabric a = keep(Fabric.create());
        Fabric b = keep(Fabric.create());
        RecordingClient ga = side(a, "sock=" + sw.dir);
        RecordingClient gb = side(b, "sock=" + sw.dir);
        // Broadcast first (the switch learns both MACs), then unicast both ways.
        send(a, ga, frame(1, -1, 1));
        assertThat(receiveTagged(gb, 1)).as("broadcast a -> b").isEqualTo(frame(1, -1, 1));
        send(b, gb, frame(2, 1, 2));
        assertThat(receiveTagged(ga, 2)).as("unicast b -> a").isEqualTo(frame(2, 1, 2));
        send(a, ga, frame(1, 2, 3));
        assertThat(receiveTagged(gb, 3)).as("unicast a -> b").isEqualTo(frame(1, 2, 3));
        // A full-size frame passes whole, one datagram (vde_switch itself cuts anything above 1518).
        byte[] big = Arrays.copyOf(frame(1, 2, 4), 1514);
        big[1513] = 0x5a;
        send(a, ga, big);
        assertThat(receiveTagged(gb, 4)).isEqualTo(big);
        VdeNetdev v = (VdeNetdev) a.call(() -> a.findNetdev("v"));
        assertThat(a.call(v::info)).startsWith("sock=" + sw.dir + ",fd=");
        assertThat(a.call(() -> v.counters().rxFrames())).as("frames a sent into the switch").isGreaterThanOrEqualTo(3);
        assertThat(a.call(() -> v.counters().txFrames())).as("frames from the switch").isGreaterThanOrEqualTo(1);
        String ports = sw.command("port/print");
        assertThat(ports).contains("QEMU user=" + System.getProperty("user.name") + " pid=" + ProcessHandle.current().pid());
    }

    @Test
    void portPicksTheSwitchPortAndModeAndGroupApplyToOurSocket() throws Exception {
        VdeSwitch sw = keep(VdeSwitch.start());
        Fabric a = keep(Fabric.create());
        VdeNetdev v = (VdeNetdev) add(a, "vde,id=v,sock=" + sw.dir + ",port=7,mode=0660,group=0");
        String ports = sw.command("port/print");
        assertThat(ports).containsPattern("Port 0007 .*ACTIVE");
        assertThat(ports).doesNotContain("Port 0001");
        Path ours = Path.of(v.dataSocket());
        assertThat(ours.getParent()).isEqualTo(sw.dir);
        assertThat(ours.getFileName().toString()).matches("\\.\\d{5,}-\\d{5}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ours))).isEqualTo("rw-rw----");
        assertThat(Files.getAttribute(ours, "unix:gid")).isEqualTo(0);
        // Default mode 0700, and the switch picks a free port for port=0.
        VdeNetdev w = (VdeNetdev) add(a, "vde,id=w,sock=" + sw.dir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(w.dataSocket())))).isEqualTo("rwx------");
        assertThat(sw.command("port/print")).containsPattern("Port 0001 .*ACTIVE");
        // netdev_del frees the port and removes our socket file.
        a.deleteNetdev("v");
        assertThat(Files.exists(ours)).isFalse();
        long end = System.currentTimeMillis() + 3000;
        while (sw.command("port/print").contains("Port 0007") && System.currentTimeMillis() < end) {
            Thread.sleep(20);
        }
        assertThat(sw.command("port/print")).doesNotContain("Port 0007");
    }

    @Test
    void aMissingSwitchGivesQemusMessage(@TempDir Path dir) throws IOException {
        Fabric f = keep(Fabric.create());
        assertThat(refusal(f, "vde,id=v,sock=" + dir.resolve("nothere")))
                .isEqualTo("Could not open vde: No such file or directory");
        Path file = Files.createFile(dir.resolve("file"));
        // QEMU 7.2 with sock= a plain file: connect(<file>/ctl) fails with ENOTDIR.
        assertThat(refusal(f, "vde,id=v,sock=" + file)).isEqualTo("Could not open vde: Not a directory");
        assertThat(refusal(f, "vde,id=v,sock=" + dir)).isEqualTo("Could not open vde: No such file or directory");
        assertThat(catchThrowableOfType(() -> f.addNetdev(NetdevQmpDecoder.decode(
                Map.of("type", "vde", "id", "v", "sock", dir.toString()), f.availableTypes())), FabricException.class)
                .getMessage()).isEqualTo("Could not open vde: No such file or directory");
        assertThat(f.call(() -> f.findNetdev("v"))).isNull();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).containsExactly(file);
        }
    }

    /** QEMU 7.2's recorded cases tagged backend:vde: no sock, and no switch at the default paths. */
    @TestFactory
    Stream<DynamicTest> recordedQemuCases() throws IOException {
        for (Path p : VdeSwitchPaths.candidates(null, System.getenv())) {
            assumeFalse(Files.exists(VdeSwitchPaths.control(p)), "a VDE switch runs at " + p);
        }
        Fabric f = keep(Fabric.create());
        List<String> lines = Files.readAllLines(FIXTURES).stream().filter(l -> l.contains("\"tag\": \"backend:vde\"")).toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
        return lines.stream().map(l -> DynamicTest.dynamicTest(field(l, "name"), () -> {
            Matcher m = Pattern.compile("\"argv\": \\[\"-netdev\", \"([^\"]*)\"\\]").matcher(l);
            assertThat(m.find()).isTrue();
            assertThat(refusal(f, m.group(1))).isEqualTo(field(l, "message"));
        }));
    }

    private static String field(String line, String name) {
        Matcher m = Pattern.compile("\"" + name + "\": \"((?:[^\"\\\\]|\\\\.)*)\"").matcher(line);
        assertThat(m.find()).as("%s in %s", name, line).isTrue();
        return m.group(1);
    }

    /**
     * vde_switch 2.3.2 never answers a port it refuses (above its -n count): QEMU blocks for
     * good; we give up after the reply timeout and leave nothing behind.
     */
    @Test
    void aRefusedPortTimesOutInsteadOfHanging() throws Exception {
        VdeSwitch sw = keep(VdeSwitch.start("-n", "4"));
        Fabric f = keep(Fabric.create());
        String old = System.setProperty("netfabric.vde.replyTimeoutMillis", "300");
        try {
            assertThat(refusal(f, "vde,id=v,sock=" + sw.dir + ",port=40")).isEqualTo("Could not open vde: Connection timed out");
        } finally {
            if (old == null) {
                System.clearProperty("netfabric.vde.replyTimeoutMillis");
            } else {
                System.setProperty("netfabric.vde.replyTimeoutMillis", old);
            }
        }
        try (Stream<Path> left = Files.list(sw.dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("." + ProcessHandle.current().pid()));
        }
        // The loop is free again: a good port opens.
        add(f, "vde,id=v,sock=" + sw.dir + ",port=2");
    }

    /**
     * The switch going away: QEMU says nothing and drops what it sends; so do we (counted), the
     * control connection's end is noticed, and after a restart the netdev is re-added.
     */
    @Test
    void aRestartedSwitchNeedsTheNetdevReAdded() throws Exception {
        VdeSwitch sw = keep(VdeSwitch.start());
        Fabric a = keep(Fabric.create());
        RecordingClient ga = side(a, "sock=" + sw.dir);
        VdeNetdev v = (VdeNetdev) a.call(() -> a.findNetdev("v"));
        sw.kill();
        long end = System.currentTimeMillis() + 3000;
        while (a.call(v::switchConnected) && System.currentTimeMillis() < end) {
            Thread.sleep(10);
        }
        assertThat(a.call(v::switchConnected)).isFalse();
        for (int i = 0; i < 5; i++) {
            send(a, ga, frame(1, -1, 9));
        }
        end = System.currentTimeMillis() + 3000;
        while (a.call(v::sendErrors) == 0 && System.currentTimeMillis() < end) {
            Thread.sleep(10);
        }
        assertThat(a.call(v::sendErrors)).isPositive();
        VdeSwitch again = keep(VdeSwitch.start(sw.root));
        a.deleteNetdev("v");
        add(a, "vde,id=v,sock=" + again.dir);
        assertThat(a.call(() -> ((VdeNetdev) a.findNetdev("v")).switchConnected())).isTrue();
    }
}
