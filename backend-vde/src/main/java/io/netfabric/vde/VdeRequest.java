package io.netfabric.vde;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The request a plug sends on a VDE switch's control socket (vde2 libvdeplug, protocol version
 * 3), packed and in host byte order:
 * <pre>
 *  0      4         8                     12                      122              122+n
 *  +------+---------+---------------------+-----------------------+----------------+
 *  |magic | version | type = 0 + port<<8  | sockaddr_un (110)     | description    |
 *  |feedface   3    | REQ_NEW_CONTROL     | family 1, path[108]   | n <= 128, no NUL|
 *  +------+---------+---------------------+-----------------------+----------------+
 * </pre>
 * The switch answers with one {@code sockaddr_un}: its datagram socket for our port. Checked
 * against qemu-system-x86_64 7.2 with strace (behaviour notes §6.1).
 *
 * @param port        the switch port asked for; 0 lets the switch choose
 * @param dataSocket  the path our datagram socket is bound to
 * @param description what the switch shows for the port ({@code port/print})
 */
record VdeRequest(int port, String dataSocket, String description) {
    static final int MAGIC = 0xfeedface;
    static final int VERSION = 3;
    static final int REQ_NEW_CONTROL = 0;
    static final int AF_UNIX = 1;
    /** {@code sizeof(struct sockaddr_un)} on Linux: family (2) and sun_path (108). */
    static final int SOCKADDR_UN = 110;
    static final int SUN_PATH = 108;
    static final int MAX_DESCRIPTION = 128;
    static final int HEADER = 12 + SOCKADDR_UN;

    /** The bytes to send: {@value #HEADER} plus the description, not NUL-terminated. */
    ByteBuffer emit(ByteBuffer out) {
        ByteBuffer b = out.order(ByteOrder.nativeOrder());
        b.putInt(MAGIC).putInt(VERSION).putInt(REQ_NEW_CONTROL + (port << 8));
        putSockaddr(b, dataSocket);
        byte[] d = description.getBytes(StandardCharsets.UTF_8);
        b.put(d, 0, Math.min(d.length, MAX_DESCRIPTION));
        return b;
    }

    int length() {
        return HEADER + Math.min(description.getBytes(StandardCharsets.UTF_8).length, MAX_DESCRIPTION);
    }

    /** True when {@code path} fits {@code sun_path} with its NUL. */
    static boolean fits(String path) {
        return path.getBytes(StandardCharsets.UTF_8).length < SUN_PATH;
    }

    private static void putSockaddr(ByteBuffer b, String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        b.putShort((short) AF_UNIX);
        b.put(p);
        b.put(new byte[SUN_PATH - p.length]);
    }

    /**
     * The switch's answer: the path of its datagram socket for our port, or null when
     * {@code reply} (exactly {@value #SOCKADDR_UN} octets) is not an {@code AF_UNIX} address.
     */
    static String parseReply(ByteBuffer reply) {
        ByteBuffer b = reply.duplicate().order(ByteOrder.nativeOrder());
        if (b.remaining() < SOCKADDR_UN || b.getShort(b.position()) != AF_UNIX) {
            return null;
        }
        int start = b.position() + 2;
        int end = start;
        while (end < start + SUN_PATH && b.get(end) != 0) {
            end++;
        }
        if (end == start) {
            return null;
        }
        byte[] p = new byte[end - start];
        b.get(start, p);
        return new String(p, StandardCharsets.UTF_8);
    }
}
