package io.netfabric.wire.udp;

import io.netfabric.wire.InetChecksum;
import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.Ipv6Address;
import io.netfabric.wire.Malformed;
import io.netfabric.wire.WireView;
import io.netty.buffer.ByteBuf;

/**
 * Flyweight view of a UDP header and its datagram (RFC 768; over IPv6: RFC 8200 §8.1).
 *
 * <pre>
 *  0      7 8     15 16    23 24    31
 * +--------+--------+--------+--------+
 * |   Source Port   | Destination Port|
 * +--------+--------+--------+--------+
 * |     Length      |    Checksum     |
 * +--------+--------+--------+--------+
 * |          data octets ...
 * +---------------- ...
 * </pre>
 *
 * <p>The checksum covers a pseudo-header from the IP layer, the UDP header and the data. A
 * computed checksum of zero is sent as 0xFFFF. Over IPv4 a transmitted zero means "no checksum";
 * over IPv6 it is invalid.
 *
 * <p>Borrows its buffer (never retains or releases). Absolute indexing. Not thread safe.
 * {@link #wrapChecked} accepts a region longer than Length (IP or Ethernet padding); the datagram
 * ends at Length. {@link #setLength} invalidates it.
 */
public final class UdpPacket extends WireView<UdpPacket> {
    /** Field offsets from the start of the header. */
    public static final class Field {
        public static final int SRC_PORT = 0;
        public static final int DST_PORT = 2;
        public static final int LENGTH = 4;
        public static final int CHECKSUM = 6;

        private Field() {
        }
    }

    public static final int HEADER_LEN = 8;

    /** The header fits and Length is at least 8 and within the region; the checksum is checked apart. */
    @Override
    protected Malformed check() {
        if (!regionHolds(HEADER_LEN)) {
            return Malformed.TRUNCATED;
        }
        int len = length();
        if (len < HEADER_LEN) {
            return Malformed.BAD_LENGTH;
        }
        return len > this.length ? Malformed.TRUNCATED : null;
    }

    public int srcPort() {
        return buf.getUnsignedShort(offset + Field.SRC_PORT);
    }

    public int dstPort() {
        return buf.getUnsignedShort(offset + Field.DST_PORT);
    }

    /** The Length field: header plus data, in octets. */
    public int length() {
        return buf.getUnsignedShort(offset + Field.LENGTH);
    }

    public int checksum() {
        return buf.getUnsignedShort(offset + Field.CHECKSUM);
    }

    /** Absolute index in the buffer of the first data octet. */
    public int payloadOffset() {
        return offset + HEADER_LEN;
    }

    public int payloadLength() {
        return length() - HEADER_LEN;
    }

    public void setSrcPort(int port) {
        buf.setShort(offset + Field.SRC_PORT, port);
    }

    public void setDstPort(int port) {
        buf.setShort(offset + Field.DST_PORT, port);
    }

    public void setLength(int length) {
        buf.setShort(offset + Field.LENGTH, length);
    }

    public void setChecksum(int checksum) {
        buf.setShort(offset + Field.CHECKSUM, checksum);
    }

    /** Partial sum of header and data, taking the checksum field as it stands. */
    private int datagramSum() {
        return InetChecksum.sum(buf, offset, length());
    }

    /** True when the checksum is absent (zero) or verifies against the IPv4 pseudo-header. */
    public boolean verifyChecksumIpv4(int srcAddr, int dstAddr) {
        if (checksum() == 0) {
            return true;
        }
        int pseudo = InetChecksum.pseudoHeaderIpv4(srcAddr, dstAddr, IpProtocol.UDP.value(), length());
        return InetChecksum.add(pseudo, datagramSum()) == 0xFFFF;
    }

    public boolean verifyChecksumIpv4(Ipv4Address src, Ipv4Address dst) {
        return verifyChecksumIpv4(src.toInt(), dst.toInt());
    }

    /** True when the checksum verifies against the IPv6 pseudo-header; zero never does over IPv6. */
    public boolean verifyChecksumIpv6(Ipv6Address src, Ipv6Address dst) {
        if (checksum() == 0) {
            return false;
        }
        int pseudo = InetChecksum.pseudoHeaderIpv6(src, dst, IpProtocol.UDP, length());
        return InetChecksum.add(pseudo, datagramSum()) == 0xFFFF;
    }

    /** Computes and writes the checksum over the IPv4 pseudo-header; header and data must be in place. */
    public void fillChecksumIpv4(int srcAddr, int dstAddr) {
        setChecksum(0);
        fill(InetChecksum.pseudoHeaderIpv4(srcAddr, dstAddr, IpProtocol.UDP.value(), length()));
    }

    public void fillChecksumIpv4(Ipv4Address src, Ipv4Address dst) {
        fillChecksumIpv4(src.toInt(), dst.toInt());
    }

    /** Computes and writes the checksum over the IPv6 pseudo-header; header and data must be in place. */
    public void fillChecksumIpv6(Ipv6Address src, Ipv6Address dst) {
        setChecksum(0);
        fill(InetChecksum.pseudoHeaderIpv6(src, dst, IpProtocol.UDP, length()));
    }

    private void fill(int pseudo) {
        int c = InetChecksum.finish(InetChecksum.add(pseudo, datagramSum()));
        // RFC 768: a computed zero is transmitted as all ones, since zero means "no checksum".
        setChecksum(c == 0 ? 0xFFFF : c);
    }

    /** tcpdump style: {@code UDP 68 > 67, length 300}. */
    @Override
    public String toString() {
        if (buf == null) {
            return "UdpPacket(unwrapped)";
        }
        if (check() != null) {
            return "UdpPacket(" + check() + ", length " + this.length + ")";
        }
        return "UDP " + srcPort() + " > " + dstPort() + ", length " + payloadLength();
    }
}
