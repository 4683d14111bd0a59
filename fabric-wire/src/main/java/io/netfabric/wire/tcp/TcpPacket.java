package io.netfabric.wire.tcp;

import io.netfabric.wire.InetChecksum;
import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Ipv6Address;
import io.netfabric.wire.Malformed;
import io.netty.buffer.ByteBuf;

/**
 * Flyweight view of a TCP segment (RFC 9293 §3.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (Data Offset > 5)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The region is the whole segment (the IP payload): the data runs to its end. Borrows its
 * buffer; not thread safe.
 */
public final class TcpPacket {
    public static final int HEADER_LEN = 20;
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    /** Option kinds (RFC 9293 §3.2). */
    public static final int OPT_END = 0;
    public static final int OPT_NOP = 1;
    public static final int OPT_MSS = 2;

    private ByteBuf buf;
    private int offset;
    private int length;
    private Malformed malformed;

    /** Wraps the segment after checking the header and its options fit the region. */
    public boolean wrapChecked(ByteBuf buf, int offset, int length) {
        wrap(buf, offset, length);
        if (offset < 0 || length < HEADER_LEN || (long) offset + length > buf.capacity()) {
            malformed = Malformed.TRUNCATED;
        } else if (headerLength() < HEADER_LEN) {
            malformed = Malformed.BAD_HEADER_LENGTH;
        } else if (headerLength() > length) {
            malformed = Malformed.TRUNCATED;
        }
        return malformed == null;
    }

    public TcpPacket wrap(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.offset = offset;
        this.length = length;
        this.malformed = null;
        return this;
    }

    public Malformed malformed() {
        return malformed;
    }

    public ByteBuf buffer() {
        return buf;
    }

    public int srcPort() {
        return buf.getUnsignedShort(offset);
    }

    public int dstPort() {
        return buf.getUnsignedShort(offset + 2);
    }

    public long seq() {
        return buf.getUnsignedInt(offset + 4);
    }

    public long ack() {
        return buf.getUnsignedInt(offset + 8);
    }

    public int headerLength() {
        return (buf.getUnsignedByte(offset + 12) >>> 4) * 4;
    }

    public int flags() {
        return buf.getUnsignedByte(offset + 13);
    }

    public boolean has(int flag) {
        return (flags() & flag) != 0;
    }

    public int window() {
        return buf.getUnsignedShort(offset + 14);
    }

    public int payloadOffset() {
        return offset + headerLength();
    }

    public int payloadLength() {
        return length - headerLength();
    }

    /** Writes the fixed header (options, if any, are the caller's, within {@code headerLength}). */
    public void setHeader(int srcPort, int dstPort, long seq, long ack, int headerLength, int flags, int window) {
        buf.setShort(offset, srcPort);
        buf.setShort(offset + 2, dstPort);
        buf.setInt(offset + 4, (int) seq);
        buf.setInt(offset + 8, (int) ack);
        buf.setByte(offset + 12, (headerLength / 4) << 4);
        buf.setByte(offset + 13, flags);
        buf.setShort(offset + 14, window);
        buf.setShort(offset + 16, 0);
        buf.setShort(offset + 18, 0);
    }

    public boolean verifyChecksumIpv4(int src, int dst) {
        int pseudo = InetChecksum.pseudoHeaderIpv4(src, dst, IpProtocol.TCP.value(), length);
        return InetChecksum.add(pseudo, InetChecksum.sum(buf, offset, length)) == 0xFFFF;
    }

    public boolean verifyChecksumIpv6(Ipv6Address src, Ipv6Address dst) {
        int pseudo = InetChecksum.pseudoHeaderIpv6(src, dst, IpProtocol.TCP, length);
        return InetChecksum.add(pseudo, InetChecksum.sum(buf, offset, length)) == 0xFFFF;
    }

    public void fillChecksumIpv4(int src, int dst) {
        buf.setShort(offset + 16, 0);
        int pseudo = InetChecksum.pseudoHeaderIpv4(src, dst, IpProtocol.TCP.value(), length);
        buf.setShort(offset + 16, InetChecksum.finish(InetChecksum.add(pseudo, InetChecksum.sum(buf, offset, length))));
    }

    public void fillChecksumIpv6(Ipv6Address src, Ipv6Address dst) {
        buf.setShort(offset + 16, 0);
        int pseudo = InetChecksum.pseudoHeaderIpv6(src, dst, IpProtocol.TCP, length);
        buf.setShort(offset + 16, InetChecksum.finish(InetChecksum.add(pseudo, InetChecksum.sum(buf, offset, length))));
    }

    /** The MSS option's value, or -1 when absent (or the options are malformed). */
    public int mss() {
        int at = offset + HEADER_LEN;
        int end = offset + headerLength();
        while (at < end) {
            int kind = buf.getUnsignedByte(at);
            if (kind == OPT_END) {
                return -1;
            }
            if (kind == OPT_NOP) {
                at++;
                continue;
            }
            if (at + 2 > end) {
                return -1;
            }
            int len = buf.getUnsignedByte(at + 1);
            if (len < 2 || at + len > end) {
                return -1;
            }
            if (kind == OPT_MSS && len == 4) {
                return buf.getUnsignedShort(at + 2);
            }
            at += len;
        }
        return -1;
    }

    @Override
    public String toString() {
        if (buf == null || offset < 0 || length < HEADER_LEN || (long) offset + length > buf.capacity()
                || headerLength() < HEADER_LEN || headerLength() > length) {
            return "TcpPacket(unwrapped or malformed)";
        }
        return "TCP " + srcPort() + " > " + dstPort() + " flags 0x" + Integer.toHexString(flags()) + " seq " + seq()
                + " ack " + ack() + " win " + window() + " length " + payloadLength();
    }
}
