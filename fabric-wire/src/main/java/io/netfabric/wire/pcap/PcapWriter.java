package io.netfabric.wire.pcap;

import io.netty.buffer.ByteBuf;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;

/**
 * Writes a classic libpcap file of Ethernet frames, as QEMU's {@code filter-dump} does: magic
 * 0xA1B2C3D4 in the host byte order (so an x86 file starts {@code d4 c3 b2 a1}), version 2.4,
 * thiszone 0, sigfigs 0, snaplen = maxlen, linktype 1.
 *
 * <p>Each record goes out in one write from a staging buffer sized once for header plus snaplen,
 * so steady-state writing allocates nothing. The frame buffer is borrowed: read at absolute
 * indices, never retained, released or moved. Not thread safe. Time is passed in.
 */
public final class PcapWriter implements Closeable {
    private final WritableByteChannel channel;
    private final OutputStream stream;
    private final int snaplen;
    private ByteBuffer staging;

    /** Starts a file on {@code channel} in the host byte order; writes the file header now. */
    public PcapWriter(WritableByteChannel channel, int snaplen) throws IOException {
        this(channel, null, snaplen, ByteOrder.nativeOrder());
    }

    /** Starts a file on {@code channel} in {@code order}; writes the file header now. */
    public PcapWriter(WritableByteChannel channel, int snaplen, ByteOrder order) throws IOException {
        this(channel, null, snaplen, order);
    }

    /** Starts a file on {@code stream} in the host byte order; writes the file header now. */
    public PcapWriter(OutputStream stream, int snaplen) throws IOException {
        this(null, stream, snaplen, ByteOrder.nativeOrder());
    }

    public PcapWriter(OutputStream stream, int snaplen, ByteOrder order) throws IOException {
        this(null, stream, snaplen, order);
    }

    private PcapWriter(WritableByteChannel channel, OutputStream stream, int snaplen, ByteOrder order)
            throws IOException {
        if (snaplen <= 0) {
            throw new IllegalArgumentException("snaplen must be positive: " + snaplen);
        }
        this.channel = channel;
        this.stream = stream;
        this.snaplen = snaplen;
        // Sized for the largest frame QEMU's net layer carries (69632), not for snaplen, which
        // may be up to 2^31-1; a larger record grows it once.
        this.staging = ByteBuffer.allocate(PcapFormat.RECORD_HEADER_LEN
                + Math.max(Math.min(snaplen, 65536 + 4096), PcapFormat.FILE_HEADER_LEN)).order(order);
        staging.putInt(PcapFormat.MAGIC_MICROS)
                .putShort((short) PcapFormat.VERSION_MAJOR)
                .putShort((short) PcapFormat.VERSION_MINOR)
                .putInt(0) // thiszone: timestamps are UTC
                .putInt(0) // sigfigs
                .putInt(snaplen)
                .putInt(PcapFormat.LINKTYPE_ETHERNET);
        flushStaging();
    }

    public int snaplen() {
        return snaplen;
    }

    public ByteOrder byteOrder() {
        return staging.order();
    }

    /**
     * Appends one record of the {@code length} octets at absolute {@code index}, truncated to
     * snaplen. {@code timestampMicros} is microseconds since the Unix epoch.
     */
    public void write(long timestampMicros, ByteBuf frame, int index, int length) throws IOException {
        int caplen = Math.min(length, snaplen);
        if (PcapFormat.RECORD_HEADER_LEN + caplen > staging.capacity()) {
            staging = ByteBuffer.allocate(PcapFormat.RECORD_HEADER_LEN + caplen).order(staging.order());
        }
        staging.clear();
        staging.putInt((int) Math.floorDiv(timestampMicros, 1_000_000L))
                .putInt((int) Math.floorMod(timestampMicros, 1_000_000L))
                .putInt(caplen)
                .putInt(length);
        frame.getBytes(index, staging.array(), staging.arrayOffset() + PcapFormat.RECORD_HEADER_LEN, caplen);
        staging.position(PcapFormat.RECORD_HEADER_LEN + caplen);
        flushStaging();
    }

    /** Appends the readable bytes of {@code frame}; its indices do not move. */
    public void write(long timestampMicros, ByteBuf frame) throws IOException {
        write(timestampMicros, frame, frame.readerIndex(), frame.readableBytes());
    }

    private void flushStaging() throws IOException {
        staging.flip();
        if (stream != null) {
            stream.write(staging.array(), staging.arrayOffset(), staging.limit());
        } else {
            while (staging.hasRemaining()) {
                channel.write(staging);
            }
        }
        staging.clear();
    }

    /** Flushes a stream target; a channel has nothing buffered here. */
    public void flush() throws IOException {
        if (stream != null) {
            stream.flush();
        }
    }

    /** Closes the underlying channel or stream. */
    @Override
    public void close() throws IOException {
        if (stream != null) {
            stream.close();
        } else {
            channel.close();
        }
    }
}
