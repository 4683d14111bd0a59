package io.netfabric.user.service;

import io.netfabric.user.ip.Router;
import io.netfabric.user.ip.StackDrop;
import io.netfabric.user.ip.Timed;
import io.netfabric.user.ip.UdpDatagram;
import io.netfabric.user.ip.UdpHandler;
import io.netfabric.wire.ParseResult;
import io.netfabric.wire.tftp.TftpRepr;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only TFTP server on the host address, port 69 (RFC 1350), serving {@code tftp=DIR}.
 *
 * <p>Each read request becomes a {@link Transfer} on a fresh server port (its transfer id, RFC
 * 1350 §4), so many transfers run at once. Options: {@code blksize} (RFC 2348, capped so a block
 * fits the MTU), {@code tsize} and {@code timeout} (RFC 2349), {@code windowsize} (RFC 7440,
 * capped at {@link #MAX_WINDOW}); an option acknowledgment (RFC 2347) starts the transfer when
 * any was accepted. Modes octet and netascii (LF to CR LF, CR to CR NUL). Write requests get
 * error 2. Paths are confined to DIR: absolute names, {@code ..} segments, and anything whose
 * real path (symlinks resolved) leaves DIR or is not a regular file (devices, directories) are
 * refused with error 2.
 *
 * <p>Retransmission: a window is resent from the first unacknowledged block when the timeout
 * passes without progress, up to {@link #MAX_RETRIES} times. A duplicate ACK is ignored (RFC 1123
 * §4.2.3.1, the Sorcerer's Apprentice fix); an ACK inside the window restarts the window after it
 * (RFC 7440 §4). Files are read with positional reads on the loop thread, one block at a time.
 */
public final class TftpServer implements UdpHandler, Timed {
    private static final Logger log = LoggerFactory.getLogger(TftpServer.class);
    public static final int PORT = 69;
    public static final int MAX_TRANSFERS = 64;
    public static final int MAX_WINDOW = 64;
    public static final int MAX_RETRIES = 5;
    public static final long DEFAULT_TIMEOUT_NANOS = 2_000_000_000L;
    private static final int FIRST_TID = 49152;

    /** RFC 1350's transfer, one per read request. States: waiting for ACK 0 of the OACK, or sending. */
    final class Transfer implements UdpHandler {
        final InetSocketAddress guest;
        final InetSocketAddress server;
        final FileChannel file;
        final byte[] netascii;
        final long size;
        final int blksize;
        final int window;
        final long timeout;
        final long finalBlock;
        /** Absolute number of the highest block acknowledged (0: none; also the OACK's ACK 0). */
        long acked;
        int retries;
        long deadline;
        boolean optionAckPending;
        Map<String, String> oack;

        Transfer(InetSocketAddress guest, InetSocketAddress server, FileChannel file, byte[] netascii, long size,
                 int blksize, int window, long timeout) {
            this.guest = guest;
            this.server = server;
            this.file = file;
            this.netascii = netascii;
            this.size = size;
            this.blksize = blksize;
            this.window = window;
            this.timeout = timeout;
            this.finalBlock = size / blksize + 1;
        }

        @Override
        public boolean datagram(UdpDatagram d, long now) {
            if (!d.src().equals(guest)) {
                // RFC 1350 §4: a packet from another TID gets error 5, and the transfer goes on.
                sendError(server, d.src(), TftpRepr.ERR_UNKNOWN_TID, "Unknown transfer ID");
                return true;
            }
            ParseResult<TftpRepr> r = TftpRepr.parse(d.buf(), d.payloadOffset(), d.payloadLength());
            if (!r.isOk()) {
                router.counters().drop(StackDrop.MALFORMED);
                return true;
            }
            if (r.value() instanceof TftpRepr.Ack ack) {
                onAck(ack.block(), now);
            } else if (r.value() instanceof TftpRepr.Error) {
                finish();
            } else {
                sendError(server, guest, TftpRepr.ERR_ILLEGAL_OPERATION, "Illegal TFTP operation");
                finish();
            }
            return true;
        }

        private void onAck(int wire, long now) {
            // The 16-bit block number wraps; take the absolute block nearest above what was acked.
            long base = acked - (acked & 0xFFFF);
            long n = base + wire;
            if (n < acked) {
                n += 0x10000;
            }
            if (optionAckPending) {
                if (wire != 0) {
                    return;
                }
                optionAckPending = false;
                retries = 0;
                sendWindow(now);
                return;
            }
            if (n <= acked || n > acked + window || n > finalBlock) {
                return;   // duplicate or stray ACK: never answered (Sorcerer's Apprentice)
            }
            acked = n;
            retries = 0;
            if (acked == finalBlock) {
                finish();
                return;
            }
            sendWindow(now);
        }

        void start(long now) {
            if (oack != null && !oack.isEmpty()) {
                optionAckPending = true;
                sendOptionAck(now);
            } else {
                sendWindow(now);
            }
        }

        private void sendOptionAck(long now) {
            ByteBuf out = router.alloc().buffer(128);
            try {
                TftpRepr.writeOptionAck(out, oack);
                router.sendUdp(server, guest, out, 0, out.writerIndex());
            } finally {
                out.release();
            }
            deadline = now + timeout;
        }

        /** Sends blocks acked+1 .. acked+window (not past the last). */
        private void sendWindow(long now) {
            long last = Math.min(acked + window, finalBlock);
            for (long b = acked + 1; b <= last; b++) {
                if (!sendBlock(b)) {
                    return;
                }
            }
            deadline = now + timeout;
        }

        private boolean sendBlock(long block) {
            long pos = (block - 1) * blksize;
            int n = (int) Math.max(0, Math.min(blksize, size - pos));
            ByteBuf out = router.alloc().buffer(4 + n);
            try {
                out.writeShort(TftpRepr.DATA).writeShort((int) (block & 0xFFFF));
                if (netascii != null) {
                    out.writeBytes(netascii, (int) pos, n);
                } else {
                    int got = 0;
                    while (got < n) {
                        int r = out.writeBytes(file, pos + got, n - got);
                        if (r < 0) {
                            break;
                        }
                        got += r;
                    }
                    if (got < n) {
                        throw new IOException("file shrank");
                    }
                }
                router.sendUdp(server, guest, out, 0, out.writerIndex());
                return true;
            } catch (IOException e) {
                log.debug("tftp read failed for {}: {}", guest, e.toString());
                sendError(server, guest, TftpRepr.ERR_NOT_DEFINED, "Read error");
                finish();
                return false;
            } finally {
                out.release();
            }
        }

        void timeout(long now) {
            if (++retries > MAX_RETRIES) {
                sendError(server, guest, TftpRepr.ERR_NOT_DEFINED, "Timeout");
                finish();
                return;
            }
            if (optionAckPending) {
                sendOptionAck(now);
            } else {
                sendWindow(now);
            }
        }

        void finish() {
            if (transfers.remove(this)) {
                router.unbindUdp(server.getAddress(), server.getPort());
                try {
                    if (file != null) {
                        file.close();
                    }
                } catch (IOException ignored) {
                    // read-only channel: nothing to lose
                }
            }
        }
    }

    private final Router router;
    private final Path root;
    private final int mtu;
    private final List<Transfer> transfers = new ArrayList<>();
    private int nextTid = FIRST_TID;

    /** @param root the {@code tftp=} directory */
    public TftpServer(Router router, Path root, int mtu) {
        this.router = router;
        this.root = root;
        this.mtu = mtu;
    }

    public int activeTransfers() {
        return transfers.size();
    }

    @Override
    public boolean datagram(UdpDatagram d, long now) {
        ParseResult<TftpRepr> r = TftpRepr.parse(d.buf(), d.payloadOffset(), d.payloadLength());
        if (!r.isOk()) {
            router.counters().drop(StackDrop.MALFORMED);
            return true;
        }
        if (!(r.value() instanceof TftpRepr.Request req)) {
            router.counters().drop(StackDrop.SERVICE_REFUSED);
            return true;
        }
        if (req.write()) {
            sendError(d.dst(), d.src(), TftpRepr.ERR_ACCESS_VIOLATION, "Access violation: read-only server");
            return true;
        }
        // A retransmitted RRQ for a transfer in progress is not a new transfer.
        for (Transfer t : transfers) {
            if (t.guest.equals(d.src())) {
                return true;
            }
        }
        if (!req.mode().equals("octet") && !req.mode().equals("netascii")) {
            sendError(d.dst(), d.src(), TftpRepr.ERR_ILLEGAL_OPERATION, "Unsupported transfer mode");
            return true;
        }
        if (transfers.size() >= MAX_TRANSFERS) {
            router.counters().drop(StackDrop.TABLE_FULL);
            sendError(d.dst(), d.src(), TftpRepr.ERR_NOT_DEFINED, "Too many transfers");
            return true;
        }
        Path file;
        try {
            file = confine(req.filename());
        } catch (NoSuchFileException e) {
            sendError(d.dst(), d.src(), TftpRepr.ERR_FILE_NOT_FOUND, "File not found");
            return true;
        } catch (IOException | SecurityException e) {
            sendError(d.dst(), d.src(), TftpRepr.ERR_ACCESS_VIOLATION, "Access violation");
            return true;
        }
        if (file == null) {
            sendError(d.dst(), d.src(), TftpRepr.ERR_ACCESS_VIOLATION, "Access violation");
            return true;
        }
        FileChannel ch = null;
        byte[] ascii = null;
        long size;
        try {
            if (req.mode().equals("netascii")) {
                ascii = toNetascii(Files.readAllBytes(file));
                size = ascii.length;
            } else {
                ch = FileChannel.open(file, StandardOpenOption.READ);
                size = ch.size();
            }
        } catch (IOException e) {
            sendError(d.dst(), d.src(), TftpRepr.ERR_ACCESS_VIOLATION, "Access violation");
            return true;
        }
        boolean v6 = d.isIpv6();
        int maxBlock = mtu - (v6 ? 40 : 20) - 8 - 4;
        int blksize = 512;
        int window = 1;
        long timeout = DEFAULT_TIMEOUT_NANOS;
        Map<String, String> oack = new LinkedHashMap<>();
        for (Map.Entry<String, String> o : req.options().entrySet()) {
            Long v = number(o.getValue());
            switch (o.getKey()) {
                case "blksize" -> {
                    if (v != null && v >= 8) {
                        blksize = (int) Math.min(Math.min(v, 65464), maxBlock);
                        oack.put("blksize", Integer.toString(blksize));
                    }
                }
                case "tsize" -> oack.put("tsize", Long.toString(size));
                case "timeout" -> {
                    if (v != null && v >= 1 && v <= 255) {
                        timeout = v * 1_000_000_000L;
                        oack.put("timeout", Long.toString(v));
                    }
                }
                case "windowsize" -> {
                    if (v != null && v >= 1 && v <= 65535) {
                        window = (int) Math.min(v, MAX_WINDOW);
                        oack.put("windowsize", Integer.toString(window));
                    }
                }
                default -> {
                    // RFC 2347: unknown options are left out of the OACK
                }
            }
        }
        InetAddress local = d.dst().getAddress();
        int tid = allocateTid(local);
        Transfer t = new Transfer(d.src(), new InetSocketAddress(local, tid), ch, ascii, size, blksize, window, timeout);
        t.oack = oack;
        transfers.add(t);
        router.bindUdp(local, tid, t);
        router.counters().tftpTransfers++;
        t.start(now);
        return true;
    }

    private int allocateTid(InetAddress local) {
        for (int i = 0; i < 65536 - FIRST_TID; i++) {
            int tid = nextTid;
            nextTid = nextTid == 65535 ? FIRST_TID : nextTid + 1;
            if (!router.isUdpBound(local, tid)) {
                return tid;
            }
        }
        throw new IllegalStateException("no free TFTP transfer id");
    }

    /**
     * The real path of {@code name} under the root, or null when it must be refused: absolute,
     * {@code ..} segments, outside the root after symlinks, or not a regular file.
     */
    Path confine(String name) throws IOException {
        if (name.isEmpty() || name.startsWith("/") || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
            return null;
        }
        for (String seg : name.split("/")) {
            if (seg.equals("..")) {
                return null;
            }
        }
        Path realRoot = root.toRealPath();
        Path real = realRoot.resolve(name).toRealPath();
        if (!real.startsWith(realRoot) || !Files.isRegularFile(real)) {
            return null;
        }
        return real;
    }

    private static Long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** RFC 1350 / RFC 764: LF becomes CR LF and a bare CR becomes CR NUL. */
    static byte[] toNetascii(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + in.length / 16);
        for (byte b : in) {
            if (b == '\n') {
                out.write('\r');
                out.write('\n');
            } else if (b == '\r') {
                out.write('\r');
                out.write(0);
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    private void sendError(InetSocketAddress from, InetSocketAddress to, int code, String message) {
        ByteBuf out = router.alloc().buffer(64);
        try {
            TftpRepr.writeError(out, code, message);
            router.sendUdp(from, to, out, 0, out.writerIndex());
        } finally {
            out.release();
        }
    }

    @Override
    public long nextDeadline() {
        long d = NONE;
        for (Transfer t : transfers) {
            d = Math.min(d, t.deadline);
        }
        return d;
    }

    @Override
    public void poll(long now) {
        for (Transfer t : List.copyOf(transfers)) {
            if (t.deadline <= now) {
                t.timeout(now);
            }
        }
    }

    public void close() {
        for (Transfer t : List.copyOf(transfers)) {
            t.finish();
        }
    }

    static boolean isV6(InetAddress a) {
        return a instanceof Inet6Address;
    }
}
