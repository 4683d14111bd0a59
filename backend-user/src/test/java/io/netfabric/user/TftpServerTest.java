package io.netfabric.user;

import static io.netfabric.user.GuestFrames.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TftpServerTest {
    @TempDir
    Path root;
    @TempDir
    Path outside;
    byte[] file;

    @BeforeEach
    void files() throws Exception {
        file = new byte[100_000];
        new Random(1).nextBytes(file);
        Files.write(root.resolve("boot.img"), file);
        Files.writeString(root.resolve("text.txt"), "a\nb\rc");
        Files.writeString(outside.resolve("secret"), "s");
        Files.createSymbolicLink(root.resolve("escape"), outside.resolve("secret"));
        Files.createDirectories(root.resolve("sub"));
    }

    StackHarness harness() {
        return new StackHarness(StackHarness.config("tftp=" + root));
    }

    /** Runs a read like tftp-hpa does: RRQ to 69, then ACK every block (or every window) to the TID. */
    static byte[] fetch(StackHarness h, int guestPort, byte[] rrq, int window) {
        h.send(udp4(GUEST_IP, guestPort, HOST, 69, rrq));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        SeenFrame f = h.last();
        int tid = f.srcPort();
        assertThat(tid).isNotEqualTo(69);
        if (f.payloadU16(0) == 6) {   // OACK
            h.toGuest.clear();
            h.send(udp4(GUEST_IP, guestPort, HOST, tid, tftpAck(0)));
        }
        while (true) {
            var frames = h.take();
            assertThat(frames).isNotEmpty();
            int last = -1;
            boolean end = false;
            int blk = -1;
            for (SeenFrame d : frames) {
                assertThat(d.payloadU16(0)).as("opcode").isEqualTo(3);
                assertThat(d.srcPort()).isEqualTo(tid);
                got.write(d.payload(), 4, d.payload().length - 4);
                last = d.payloadU16(2);
                blk = d.payload().length - 4;
            }
            end = frames.size() < window || blk < 0 ? true : false;
            h.send(udp4(GUEST_IP, guestPort, HOST, tid, tftpAck(last)));
            if (h.toGuest.isEmpty()) {
                return got.toByteArray();
            }
            if (end && h.toGuest.isEmpty()) {
                return got.toByteArray();
            }
        }
    }

    @Test
    void aDefaultReadDeliversTheFileInBlocksOf512() {
        try (StackHarness h = harness()) {
            assertThat(fetch(h, 3000, tftpRrq("boot.img", "octet"), 1)).isEqualTo(file);
            assertThat(h.stack.tftp().activeTransfers()).isZero();
        }
    }

    @Test
    void blksizeTsizeAndWindowsizeAreAcknowledged() {
        try (StackHarness h = harness()) {
            h.send(udp4(GUEST_IP, 3001, HOST, 69, tftpRrq("boot.img", "octet", "blksize", "1468", "tsize", "0",
                    "windowsize", "8")));
            SeenFrame oack = h.last();
            assertThat(new String(oack.payload(), 2, oack.payload().length - 2).replace('\0', ' '))
                    .isEqualTo("blksize 1468 tsize 100000 windowsize 8 ");
            h.take();
            assertThat(fetch(h, 3002, tftpRrq("boot.img", "octet", "blksize", "1468", "windowsize", "8"), 8))
                    .isEqualTo(file);
        }
    }

    @Test
    void blksizeIsCappedByTheMtu() {
        try (StackHarness h = harness()) {
            h.send(udp4(GUEST_IP, 3001, HOST, 69, tftpRrq("boot.img", "octet", "blksize", "9000")));
            assertThat(new String(h.last().payload(), 2, 13)).isEqualTo("blksize\u00001468\u0000");
        }
    }

    @Test
    void aLostBlockIsResentAfterTheTimeoutAndDuplicateAcksAreIgnored() {
        try (StackHarness h = harness()) {
            h.send(udp4(GUEST_IP, 3003, HOST, 69, tftpRrq("boot.img", "octet")));
            int tid = h.last().srcPort();
            h.take();
            h.send(udp4(GUEST_IP, 3003, HOST, tid, tftpAck(1)));
            assertThat(h.take()).hasSize(1);
            h.send(udp4(GUEST_IP, 3003, HOST, tid, tftpAck(1)));
            assertThat(h.toGuest).isEmpty();
            h.advance(2_000_000_000L);
            SeenFrame again = h.last();
            assertThat(again.payloadU16(2)).isEqualTo(2);
        }
    }

    @Test
    void netasciiConvertsLineEnds() {
        try (StackHarness h = harness()) {
            h.send(udp4(GUEST_IP, 3004, HOST, 69, tftpRrq("text.txt", "netascii")));
            assertThat(new String(h.last().payload(), 4, 7)).isEqualTo("a\r\nb\r\0c");
        }
    }

    @Test
    void traversalAbsoluteSymlinksOutsideDirectoriesAndWritesAreRefused() throws Exception {
        try (StackHarness h = harness()) {
            for (String bad : new String[] {"../secret", "sub/../../x", "/etc/passwd", "escape", "sub"}) {
                h.send(udp4(GUEST_IP, 3005, HOST, 69, tftpRrq(bad, "octet")));
                SeenFrame e = h.last();
                assertThat(e.payloadU16(0)).as(bad).isEqualTo(5);
                assertThat(e.payloadU16(2)).as(bad).isEqualTo(2);
            }
            h.send(udp4(GUEST_IP, 3005, HOST, 69, tftpRrq("missing", "octet")));
            assertThat(h.last().payloadU16(2)).isEqualTo(1);
            byte[] wrq = tftpRrq("new", "octet");
            wrq[1] = 2;
            h.send(udp4(GUEST_IP, 3005, HOST, 69, wrq));
            assertThat(h.last().payloadU16(2)).isEqualTo(2);
            assertThat(h.stack.tftp().activeTransfers()).isZero();
        }
    }

    @Test
    void aNameWithoutItsNulIsDropped() {
        try (StackHarness h = harness()) {
            h.send(udp4(GUEST_IP, 3006, HOST, 69, new byte[] {0, 1, 'b', 'o', 'o', 't'}));
            assertThat(h.toGuest).isEmpty();
        }
    }

    @Test
    void manyTransfersRunAtOnceOnTheirOwnTransferIds() throws Exception {
        try (StackHarness h = harness()) {
            java.util.Set<Integer> tids = new java.util.HashSet<>();
            for (int i = 0; i < 20; i++) {
                h.send(udp4(GUEST_IP, 4000 + i, HOST, 69, tftpRrq("boot.img", "octet")));
                tids.add(h.last().srcPort());
            }
            assertThat(tids).hasSize(20);
            assertThat(h.stack.tftp().activeTransfers()).isEqualTo(20);
            MessageDigest.getInstance("SHA-256");
        }
    }
}
