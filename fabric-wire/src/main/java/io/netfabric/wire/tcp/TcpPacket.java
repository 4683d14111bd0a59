package io.netfabric.wire.tcp;

import io.netfabric.wire.InetChecksum;
import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Ipv6Address;
import io.netfabric.wire.Malformed;
import io.netfabric.wire.WireView;
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
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           [Options]                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             data ...
 * </pre>
 *
 * <p>Borrows its buffer (never retains or releases). Absolute indexing. Not thread safe. The
 * segment is the whole wrapped region: TCP carries no length, the IP layer gives it.
 */
public final class TcpPacket extends WireView<TcpPacket> {
    /** Field offsets from the start of the header. */
    public static final class Field {
        public static final int SRC_PORT = 0;
        public static final int DST_PORT = 2;
        public static final int SEQ = 4;
        public static final int ACK = 8;
        public static final int DATA_OFFSET = 12;
        public static final int FLAGS = 13;
        public static final int WINDOW = 14;
        public static final int CHECKSUM = 16;
        public static final int URGENT = 18;
        public static final int OPTIONS = 20;

        private Field() {
        }
    }

    public static final int HEADER_LEN = 20;
    public static final int MAX_HEADER_LEN = 60;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;
    /** Option kinds (RFC 9293 §3.2); the others are in {@link TcpRepr}. */
    public static final int OPT_END = 0;
    public static final int OPT_NOP = 1;
    public static final int OPT_MSS = 2;

    /** The fixed header fits and Data Offset is 5 words or more and within the region; checksum and options are checked apart. */
    @Override
    protected Malformed check() {
        if (!regionHolds(HEADER_LEN)) {
            return Malformed.TRUNCATED;
        }
        int h = headerLength();
        if (h < HEADER_LEN) {
            return Malformed.BAD_HEADER_LENGTH;
        }
        return h > length ? Malformed.TRUNCATED : null;
    }

    /** The whole segment: header, options and data. */
    public int length() {
        return length;
    }

    public int srcPort() {
        return buf.getUnsignedShort(offset + Field.SRC_PORT);
    }

    public int dstPort() {
        return buf.getUnsignedShort(offset + Field.DST_PORT);
    }

    /** Sequence number, unsigned 0 to 2^32-1 (compare with modular arithmetic). */
    public long seq() {
        return buf.getUnsignedInt(offset + Field.SEQ);
    }

    public long ack() {
        return buf.getUnsignedInt(offset + Field.ACK);
    }

    /** Data Offset in octets (header plus options). */
    public int headerLength() {
        return (buf.getUnsignedByte(offset + Field.DATA_OFFSET) >>> 4) * 4;
    }

    /** The eight control bits (CWR..FIN). */
    public int flags() {
        return buf.getUnsignedByte(offset + Field.FLAGS);
    }

    public boolean has(int flag) {
        return (flags() & flag) != 0;
    }

    /** The Window field, unscaled. */
    public int window() {
        return buf.getUnsignedShort(offset + Field.WINDOW);
    }

    public int checksum() {
        return buf.getUnsignedShort(offset + Field.CHECKSUM);
    }

    public int urgentPointer() {
        return buf.getUnsignedShort(offset + Field.URGENT);
    }

    public int optionsOffset() {
        return offset + HEADER_LEN;
    }

    public int optionsLength() {
        return headerLength() - HEADER_LEN;
    }

    /** Absolute index of the first data octet. */
    public int payloadOffset() {
        return offset + headerLength();
    }

    public int payloadLength() {
        return length - headerLength();
    }

    /** The sequence space the segment occupies: data plus one for SYN and one for FIN (RFC 9293 §3.4). */
    public int segmentLength() {
        int f = flags();
        return payloadLength() + ((f & SYN) != 0 ? 1 : 0) + ((f & FIN) != 0 ? 1 : 0);
    }

    public void setSrcPort(int port) {
        buf.setShort(offset + Field.SRC_PORT, port);
    }

    public void setDstPort(int port) {
        buf.setShort(offset + Field.DST_PORT, port);
    }

    public void setSeq(int seq) {
        buf.setInt(offset + Field.SEQ, seq);
    }

    public void setAck(int ack) {
        buf.setInt(offset + Field.ACK, ack);
    }

    /** Sets Data Offset from a header length in octets (a multiple of 4, 20-60). */
    public void setHeaderLength(int octets) {
        buf.setByte(offset + Field.DATA_OFFSET, (octets / 4) << 4);
    }

    /** Writes the fixed header with zero checksum and urgent pointer (options, if any, are the caller's). */
    public void setHeader(int srcPort, int dstPort, long seq, long ack, int headerLength, int flags, int window) {
        setSrcPort(srcPort);
        setDstPort(dstPort);
        setSeq((int) seq);
        setAck((int) ack);
        setHeaderLength(headerLength);
        setFlags(flags);
        setWindow(window);
        setChecksum(0);
        setUrgentPointer(0);
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

    public void setFlags(int flags) {
        buf.setByte(offset + Field.FLAGS, flags);
    }

    public void setWindow(int window) {
        buf.setShort(offset + Field.WINDOW, window);
    }

    public void setChecksum(int checksum) {
        buf.setShort(offset + Field.CHECKSUM, checksum);
    }

    public void setUrgentPointer(int p) {
        buf.setShort(offset + Field.URGENT, p);
    }

    private int segmentSum() {
        return InetChecksum.sum(buf, offset, length);
    }

    public boolean verifyChecksumIpv4(int srcAddr, int dstAddr) {
        int pseudo = InetChecksum.pseudoHeaderIpv4(srcAddr, dstAddr, IpProtocol.TCP.value(), length);
        return InetChecksum.add(pseudo, segmentSum()) == 0xFFFF;
    }

    public boolean verifyChecksumIpv6(Ipv6Address src, Ipv6Address dst) {
        int pseudo = InetChecksum.pseudoHeaderIpv6(src, dst, IpProtocol.TCP, length);
        return InetChecksum.add(pseudo, segmentSum()) == 0xFFFF;
    }

    /** Computes and writes the checksum; header, options and data must be in place. */
    public void fillChecksumIpv4(int srcAddr, int dstAddr) {
        setChecksum(0);
        setChecksum(InetChecksum.finish(InetChecksum.add(
                InetChecksum.pseudoHeaderIpv4(srcAddr, dstAddr, IpProtocol.TCP.value(), length), segmentSum())));
    }

    public void fillChecksumIpv6(Ipv6Address src, Ipv6Address dst) {
        setChecksum(0);
        setChecksum(InetChecksum.finish(InetChecksum.add(
                InetChecksum.pseudoHeaderIpv6(src, dst, IpProtocol.TCP, length), segmentSum())));
    }

    /** tcpdump style: {@code TCP 40000 > 80 [S.] seq 1 ack 2 win 512 length 0}. */
    @Override
    public String toString() {
        if (buf == null) {
            return "TcpPacket(unwrapped)";
        }
        if (check() != null) {
            return "TcpPacket(" + check() + ", length " + length + ")";
        }
        StringBuilder f = new StringBuilder();
        int fl = flags();
        if ((fl & SYN) != 0) f.append('S');
        if ((fl & FIN) != 0) f.append('F');
        if ((fl & RST) != 0) f.append('R');
        if ((fl & PSH) != 0) f.append('P');
        if ((fl & ACK) != 0) f.append('.');
        return "TCP " + srcPort() + " > " + dstPort() + " [" + f + "] seq " + seq()
                + " ack " + ack() + " win " + window() + " length " + payloadLength();
    }
}
