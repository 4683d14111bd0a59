package io.netfabric.testkit.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tests' own resolver on 127.0.0.1 (UDP and TCP on the same free port): every A query gets
 * {@link #ANSWER}; a TXT query {@link #BIG_TXT_RECORDS} records of {@link #BIG_TXT_LENGTH}
 * octets (about 4 KB), which over UDP does not fit and is answered truncated (TC, no records,
 * RFC 1035 §4.2.1) so that a client asks again over TCP; other types an empty answer. Never the
 * machine's resolver.
 */
public final class LoopbackResolver implements AutoCloseable {
    public static final byte[] ANSWER = {(byte) 192, 0, 2, 44};
    final DatagramSocket udp;
    final ServerSocket tcp;
    public static final int BIG_TXT_RECORDS = 20;
    public static final int BIG_TXT_LENGTH = 200;
    public final AtomicInteger queries = new AtomicInteger();
    /** Of those, the ones that came over TCP. */
    public final AtomicInteger tcpQueries = new AtomicInteger();

    public LoopbackResolver() throws IOException {
        this(InetAddress.getLoopbackAddress(), 0);
    }

    /**
     * On {@code address} (a loopback address) and {@code port}, 0 for a free one: port 53 on
     * 127.0.0.N is how a test stands in for a resolv.conf {@code nameserver} line, which has no
     * port (needs root).
     */
    public LoopbackResolver(InetAddress address, int port) throws IOException {
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the tests' resolver serves loopback only: " + address);
        }
        ServerSocket t = null;
        DatagramSocket u = null;
        for (int attempt = 0; attempt < 20 && t == null; attempt++) {
            u = new DatagramSocket(port, address);
            try {
                t = new ServerSocket(u.getLocalPort(), 16, address);
            } catch (IOException busy) {
                u.close();
                if (port != 0) {
                    throw busy;
                }
            }
        }
        udp = u;
        tcp = t;
        Thread a = new Thread(this::serveUdp, "resolver-udp");
        a.setDaemon(true);
        a.start();
        Thread b = new Thread(this::serveTcp, "resolver-tcp");
        b.setDaemon(true);
        b.start();
    }

    public int port() {
        return udp.getLocalPort();
    }

    static byte[] answer(byte[] q, boolean udp) {
        int at = 12;
        while (at < q.length && q[at] != 0) {
            at += (q[at] & 0xFF) + 1;
        }
        int qEnd = at + 5;
        int type = ((q[at + 1] & 0xFF) << 8) | (q[at + 2] & 0xFF);
        boolean a = type == 1;
        boolean txt = type == 16;
        int txtLen = BIG_TXT_RECORDS * (12 + 1 + BIG_TXT_LENGTH);
        boolean truncated = txt && udp && qEnd + txtLen > 512;
        byte[] out = Arrays.copyOf(q, qEnd + (a ? 16 : txt && !truncated ? txtLen : 0));
        out[2] = (byte) (0x80 | (q[2] & 0x01) | (truncated ? 0x02 : 0));
        out[3] = (byte) 0x80;
        out[6] = 0;
        out[7] = (byte) (a ? 1 : txt && !truncated ? BIG_TXT_RECORDS : 0);
        out[9] = 0;
        out[11] = 0;
        if (a) {
            byte[] rr = {(byte) 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ANSWER[0], ANSWER[1], ANSWER[2], ANSWER[3]};
            System.arraycopy(rr, 0, out, qEnd, 16);
        } else if (txt && !truncated) {
            int w = qEnd;
            for (int i = 0; i < BIG_TXT_RECORDS; i++) {
                byte[] head = {(byte) 0xC0, 12, 0, 16, 0, 1, 0, 0, 0, 60, 0, (byte) (1 + BIG_TXT_LENGTH), (byte) BIG_TXT_LENGTH};
                System.arraycopy(head, 0, out, w, head.length);
                w += head.length;
                Arrays.fill(out, w, w + BIG_TXT_LENGTH, (byte) ('a' + i));
                w += BIG_TXT_LENGTH;
            }
        }
        return out;
    }

    private void serveUdp() {
        byte[] buf = new byte[4096];
        while (!udp.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                queries.incrementAndGet();
                byte[] r = answer(Arrays.copyOf(p.getData(), p.getLength()), true);
                udp.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                if (udp.isClosed()) {
                    return;
                }
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try (Socket s = tcp.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                byte[] q = new byte[in.readUnsignedShort()];
                in.readFully(q);
                queries.incrementAndGet();
                tcpQueries.incrementAndGet();
                byte[] r = answer(q, false);
                out.writeShort(r.length);
                out.write(r);
                out.flush();
            } catch (IOException | RuntimeException e) {
                if (tcp.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        udp.close();
        tcp.close();
    }
}
