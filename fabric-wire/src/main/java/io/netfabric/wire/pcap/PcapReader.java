package io.netfabric.wire.pcap;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a classic libpcap file in either byte order, with micro- or nanosecond timestamps. For
 * tests and tools: it allocates per record. A damaged file is an {@link IOException} naming what
 * was expected.
 */
public final class PcapReader implements Closeable {
    private final DataInputStream in;
    private final ByteOrder order;
    private final boolean nanos;
    private final int versionMajor;
    private final int versionMinor;
    private final int snaplen;
    private final int linkType;
    private final byte[] recordHeader = new byte[PcapFormat.RECORD_HEADER_LEN];

    /** Reads the file header from {@code in} now; takes ownership of the stream. */
    public PcapReader(InputStream in) throws IOException {
        this.in = new DataInputStream(in instanceof BufferedInputStream ? in : new BufferedInputStream(in));
        byte[] header = new byte[PcapFormat.FILE_HEADER_LEN];
        this.in.readFully(header);
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN);
        int magic = h.getInt(0);
        if (magic == PcapFormat.MAGIC_MICROS || magic == PcapFormat.MAGIC_NANOS) {
            order = ByteOrder.BIG_ENDIAN;
        } else if (Integer.reverseBytes(magic) == PcapFormat.MAGIC_MICROS
                || Integer.reverseBytes(magic) == PcapFormat.MAGIC_NANOS) {
            order = ByteOrder.LITTLE_ENDIAN;
            h.order(order);
        } else {
            throw new IOException(String.format("not a pcap file: magic 0x%08x", magic));
        }
        nanos = h.getInt(0) == PcapFormat.MAGIC_NANOS;
        versionMajor = Short.toUnsignedInt(h.getShort(4));
        versionMinor = Short.toUnsignedInt(h.getShort(6));
        snaplen = h.getInt(16);
        linkType = h.getInt(20);
    }

    public static PcapReader open(Path file) throws IOException {
        return new PcapReader(Files.newInputStream(file));
    }

    /** The byte order the file was written in. */
    public ByteOrder byteOrder() {
        return order;
    }

    public boolean nanosecondTimestamps() {
        return nanos;
    }

    public int versionMajor() {
        return versionMajor;
    }

    public int versionMinor() {
        return versionMinor;
    }

    public int snaplen() {
        return snaplen;
    }

    public int linkType() {
        return linkType;
    }

    /** The next record, or {@code null} at a clean end of file. */
    public PcapRecord next() throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        recordHeader[0] = (byte) first;
        in.readFully(recordHeader, 1, recordHeader.length - 1);
        ByteBuffer h = ByteBuffer.wrap(recordHeader).order(order);
        long sec = Integer.toUnsignedLong(h.getInt(0));
        long fraction = Integer.toUnsignedLong(h.getInt(4));
        int caplen = h.getInt(8);
        int len = h.getInt(12);
        if (caplen < 0 || caplen > Math.max(snaplen, 0x40000)) {
            throw new IOException("record caplen " + Integer.toUnsignedString(caplen) + " exceeds snaplen " + snaplen);
        }
        byte[] data = new byte[caplen];
        try {
            in.readFully(data);
        } catch (EOFException e) {
            throw new EOFException("truncated record: caplen " + caplen);
        }
        long ts = sec * 1_000_000_000L + (nanos ? fraction : fraction * 1000L);
        return new PcapRecord(ts, len, data);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
