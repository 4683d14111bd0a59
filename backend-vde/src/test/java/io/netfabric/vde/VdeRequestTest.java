package io.netfabric.vde;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The control request and the switch's answer, against the bytes QEMU 7.2 exchanged (strace). */
class VdeRequestTest {
    @Test
    void theRequestIsQemusByteForByte() {
        org.junit.jupiter.api.Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
        VdeRequest r = new VdeRequest(5, "/tmp/vdeexp/sw/.17194-00000", "QEMU user=root pid=17194");
        ByteBuffer b = r.emit(ByteBuffer.allocate(r.length()));
        assertThat(b.position()).isEqualTo(146).isEqualTo(r.length());
        byte[] a = b.array();
        // strace of qemu-system-x86_64 -netdev vde,sock=/tmp/vdeexp/sw,port=5: sendto(..., 146, ...)
        assertThat(HexFormat.of().formatHex(a, 0, 14)).isEqualTo("cefaedfe0300000000050000" + "0100");
        assertThat(new String(a, 14, 27)).isEqualTo("/tmp/vdeexp/sw/.17194-00000");
        for (int i = 14 + 27; i < 122; i++) {
            assertThat(a[i]).as("sun_path padding at %d", i).isZero();
        }
        assertThat(new String(a, 122, 24)).isEqualTo("QEMU user=root pid=17194");
    }

    @Test
    void portZeroLetsTheSwitchChooseAndTheDescriptionIsCappedAt128() {
        VdeRequest r = new VdeRequest(0, "/x", "d".repeat(300));
        ByteBuffer b = r.emit(ByteBuffer.allocate(r.length())).order(ByteOrder.nativeOrder());
        assertThat(b.getInt(8)).isZero();
        assertThat(r.length()).isEqualTo(122 + 128);
    }

    @Test
    void theAnswerIsTheSwitchsSocketForThePort() {
        ByteBuffer reply = ByteBuffer.allocate(110).order(ByteOrder.nativeOrder());
        reply.putShort((short) 1).put("/tmp/vdeexp/sw/005.6".getBytes());
        reply.clear();
        assertThat(VdeRequest.parseReply(reply)).isEqualTo("/tmp/vdeexp/sw/005.6");
        assertThat(VdeRequest.parseReply(ByteBuffer.allocate(110))).isNull();
        assertThat(VdeRequest.parseReply(ByteBuffer.allocate(50))).isNull();
    }

    @Test
    void theDescriptionNamesUserAndPidAndTheSshClient() {
        assertThat(VdeSwitchPaths.description(Map.of(), 42)).startsWith("QEMU user=").endsWith(" pid=42");
        assertThat(VdeSwitchPaths.description(Map.of("SSH_CLIENT", "192.0.2.7 5555 22"), 42)).endsWith(" pid=42 SSH=192.0.2.7");
    }

    @Test
    void modeBitsBecomePermissions() {
        assertThat(PosixFilePermissionsText.of(VdePlug.permissions(0700))).isEqualTo("rwx------");
        assertThat(PosixFilePermissionsText.of(VdePlug.permissions(0664))).isEqualTo("rw-rw-r--");
    }

    private static final class PosixFilePermissionsText {
        static String of(java.util.Set<java.nio.file.attribute.PosixFilePermission> p) {
            return java.nio.file.attribute.PosixFilePermissions.toString(p);
        }
    }
}
