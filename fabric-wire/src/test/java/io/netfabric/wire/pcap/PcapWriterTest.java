package io.netfabric.wire.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netfabric.wire.GoldenFrames;
import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.MacAddress;
import io.netfabric.wire.arp.ArpOperation;
import io.netfabric.wire.arp.ArpPacket;
import io.netfabric.wire.arp.ArpRepr;
import io.netfabric.wire.ethernet.EtherType;
import io.netfabric.wire.ethernet.EthernetPacket;
import io.netfabric.wire.ethernet.EthernetRepr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PcapWriterTest {
    private static final long T0 = 1_764_000_000_123_456L; // 2025-11-24, µs
    private static final Path TSHARK = Path.of("/usr/bin/tshark");

    @Test
    void fileHeaderIsFilterDumpsInHostOrder() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PcapWriter(out, 65536).flush();
        byte[] b = out.toByteArray();
        assertThat(b).hasSize(24);
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
        assertThat(h.getInt(0)).isEqualTo(0xa1b2c3d4);
        assertThat(h.getShort(4)).isEqualTo((short) 2);
        assertThat(h.getShort(6)).isEqualTo((short) 4);
        assertThat(h.getInt(8)).isZero();
        assertThat(h.getInt(12)).isZero();
        assertThat(h.getInt(16)).isEqualTo(65536);
        assertThat(h.getInt(20)).isEqualTo(1);
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            assertThat(Arrays.copyOf(b, 4)).containsExactly(0xd4, 0xc3, 0xb2, 0xa1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"LITTLE_ENDIAN", "BIG_ENDIAN"})
    void recordsReadBackInEitherByteOrder(String orderName) throws IOException {
        ByteOrder order = orderName.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WritableByteChannel channel = Channels.newChannel(out);
        ByteBuf discover = Unpooled.wrappedBuffer(GoldenFrames.DHCP_DISCOVER);
        ByteBuf arp = Unpooled.buffer(64).writeZero(5).writeBytes(GoldenFrames.ARP_REQUEST);
        arp.readerIndex(5);
        try (PcapWriter w = new PcapWriter(channel, 100, order)) {
            w.write(T0, arp);
            w.write(T0 + 1_500_000, discover);                 // longer than snaplen 100
            w.write(T0 + 2_000_001, discover, 14, 20);         // a region at an offset
            assertThat(arp.readerIndex()).isEqualTo(5);
        } finally {
            discover.release();
            arp.release();
        }
        byte[] file = out.toByteArray();
        // Independent check of the first record header, by hand.
        ByteBuffer raw = ByteBuffer.wrap(file).order(order);
        assertThat(raw.getInt(24)).isEqualTo((int) (T0 / 1_000_000));
        assertThat(raw.getInt(28)).isEqualTo(123_456);
        assertThat(raw.getInt(32)).isEqualTo(42);
        assertThat(raw.getInt(36)).isEqualTo(42);
        assertThat(file).hasSize(24 + (16 + 42) + (16 + 100) + (16 + 20));

        try (PcapReader r = new PcapReader(new ByteArrayInputStream(file))) {
            assertThat(r.byteOrder()).isEqualTo(order);
            assertThat(r.versionMajor()).isEqualTo(2);
            assertThat(r.versionMinor()).isEqualTo(4);
            assertThat(r.snaplen()).isEqualTo(100);
            assertThat(r.linkType()).isEqualTo(PcapFormat.LINKTYPE_ETHERNET);
            PcapRecord first = r.next();
            assertThat(first.timestampMicros()).isEqualTo(T0);
            assertThat(first.data()).isEqualTo(GoldenFrames.ARP_REQUEST);
            PcapRecord second = r.next();
            assertThat(second.timestampMicros()).isEqualTo(T0 + 1_500_000);
            assertThat(second.capturedLength()).isEqualTo(100);
            assertThat(second.originalLength()).isEqualTo(GoldenFrames.DHCP_DISCOVER.length);
            assertThat(second.data()).isEqualTo(Arrays.copyOf(GoldenFrames.DHCP_DISCOVER, 100));
            PcapRecord third = r.next();
            assertThat(third.data()).isEqualTo(Arrays.copyOfRange(GoldenFrames.DHCP_DISCOVER, 14, 34));
            assertThat(r.next()).isNull();
        }
    }

    @Test
    void readerRejectsAForeignMagic() {
        byte[] pcapng = new byte[24];
        pcapng[0] = 0x0a;
        pcapng[1] = 0x0d;
        pcapng[2] = 0x0d;
        pcapng[3] = 0x0a;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PcapReader(new ByteArrayInputStream(pcapng)))
                .isInstanceOf(IOException.class).hasMessageContaining("magic 0x0a0d0d0a");
    }

    @Test
    void pcap4jDecodesTheFramesWeEmit(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("emitted.pcap");
        writeCapture(file);
        List<PcapRecord> records = readAll(file);
        assertThat(records).hasSize(3);

        org.pcap4j.packet.EthernetPacket reply = org.pcap4j.packet.EthernetPacket.newPacket(
                records.get(0).data(), 0, records.get(0).capturedLength());
        org.pcap4j.packet.ArpPacket.ArpHeader arp = reply.get(org.pcap4j.packet.ArpPacket.class).getHeader();
        assertThat(arp.getOperation()).isEqualTo(org.pcap4j.packet.namednumber.ArpOperation.REPLY);
        assertThat(arp.getSrcHardwareAddr().toString()).isEqualTo("52:55:0a:00:02:02");
        assertThat(arp.getSrcProtocolAddr()).isEqualTo(InetAddress.getByName("10.0.2.2"));
        assertThat(arp.getDstProtocolAddr()).isEqualTo(InetAddress.getByName("10.0.2.15"));

        org.pcap4j.packet.EthernetPacket discover = org.pcap4j.packet.EthernetPacket.newPacket(
                records.get(1).data(), 0, records.get(1).capturedLength());
        org.pcap4j.packet.IpV4Packet ip = discover.get(org.pcap4j.packet.IpV4Packet.class);
        assertThat(ip.getHeader().hasValidChecksum(false)).isTrue();
        org.pcap4j.packet.UdpPacket udp = discover.get(org.pcap4j.packet.UdpPacket.class);
        assertThat(udp.getHeader().getSrcPort().valueAsInt()).isEqualTo(68);
        assertThat(udp.getHeader().getDstPort().valueAsInt()).isEqualTo(67);
        assertThat(udp.hasValidChecksum(ip.getHeader().getSrcAddr(), ip.getHeader().getDstAddr(), false)).isTrue();
    }

    @Test
    void tsharkListsTheFrames(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(TSHARK), "tshark is not installed at " + TSHARK + "; skipping the Wireshark cross-check");
        Path file = dir.resolve("emitted.pcap");
        writeCapture(file);
        Process tshark = new ProcessBuilder(TSHARK.toString(), "-n", "-r", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String listing = new String(tshark.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tshark.waitFor(60, TimeUnit.SECONDS)).as("tshark finished").isTrue();
        assertThat(tshark.exitValue()).as("tshark exit status; listing:%n%s", listing).isZero();
        List<String> lines = listing.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(listing).hasSize(3);
        assertThat(lines.get(0)).contains("ARP").contains("10.0.2.2 is at 52:55:0a:00:02:02");
        assertThat(lines.get(1)).contains("0.0.0.0", "255.255.255.255", "DHCP", "Discover");
        assertThat(lines.get(2)).contains("RARP");
    }

    @Test
    void steadyStateWritesDoNotAllocate() throws IOException {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter on this JVM");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) mx;
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "per-thread allocation counter unsupported");
        WritableByteChannel sink = new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) {
                int n = src.remaining();
                src.position(src.limit());
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        ByteBuf heap = Unpooled.wrappedBuffer(GoldenFrames.DHCP_DISCOVER);
        // Not from an allocator: under paranoid leak detection an allocator's buffer records a
        // stack trace on every access, which would be counted here as the writer's allocation.
        ByteBuffer nio = ByteBuffer.allocateDirect(GoldenFrames.DHCP_DISCOVER.length).put(GoldenFrames.DHCP_DISCOVER).flip();
        ByteBuf direct = Unpooled.wrappedBuffer(nio);
        try (PcapWriter w = new PcapWriter(sink, PcapFormat.DEFAULT_SNAPLEN)) {
            for (int i = 0; i < 50_000; i++) {
                w.write(T0 + i, (i & 1) == 0 ? heap : direct);
            }
            long tid = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 50_000; i++) {
                w.write(T0 + i, (i & 1) == 0 ? heap : direct, 0, 342);
            }
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            assertThat(allocated).as("bytes allocated by 50000 record writes").isLessThan(16 * 1024);
        } finally {
            heap.release();
            direct.release();
        }
    }

    /** Three frames built with our reprs: the gateway's ARP reply, udhcpc's discover, a RARP announce. */
    private static void writeCapture(Path file) throws IOException {
        MacAddress guest = MacAddress.parse("52:54:00:12:34:56");
        MacAddress gateway = MacAddress.parse("52:55:0a:00:02:02");
        ByteBuf reply = Unpooled.buffer(60, 60).writeZero(60);
        ByteBuf rarp = Unpooled.buffer(60, 60).writeZero(60);
        ByteBuf discover = Unpooled.wrappedBuffer(GoldenFrames.DHCP_DISCOVER);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             PcapWriter w = new PcapWriter(ch, PcapFormat.DEFAULT_SNAPLEN)) {
            EthernetPacket eth = new EthernetPacket();
            ArpPacket arp = new ArpPacket();
            EthernetRepr.untagged(guest, gateway, EtherType.ARP).emit(eth.wrap(reply, 0, 60));
            new ArpRepr(ArpOperation.REPLY, gateway, Ipv4Address.parse("10.0.2.2"), guest, Ipv4Address.parse("10.0.2.15"))
                    .emit(arp.wrap(reply, eth.payloadOffset(), ArpPacket.HEADER_LEN));
            EthernetRepr.untagged(MacAddress.BROADCAST, guest, EtherType.RARP).emit(eth.wrap(rarp, 0, 60));
            new ArpRepr(ArpOperation.RARP_REQUEST, guest, Ipv4Address.ANY, guest, Ipv4Address.ANY)
                    .emit(arp.wrap(rarp, eth.payloadOffset(), ArpPacket.HEADER_LEN));
            w.write(T0, reply);
            w.write(T0 + 10, discover);
            w.write(T0 + 20, rarp);
        } finally {
            reply.release();
            rarp.release();
            discover.release();
        }
    }

    private static List<PcapRecord> readAll(Path file) throws IOException {
        List<PcapRecord> out = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            for (PcapRecord rec = r.next(); rec != null; rec = r.next()) {
                out.add(rec);
            }
        }
        return out;
    }
}
