package io.netfabric.wire.udp;

import io.netfabric.wire.ChecksumMode;
import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.Ipv6Address;
import io.netfabric.wire.Malformed;
import io.netfabric.wire.ParseResult;

/**
 * A UDP header as a value: ports and the payload length. The checksum is not part of the value;
 * it is verified by {@code parse} and filled after the payload is in place.
 *
 * @param srcPort source port 0-0xFFFF
 * @param dstPort destination port 0-0xFFFF
 * @param payloadLength data octets, 0-65527
 */
public record UdpRepr(int srcPort, int dstPort, int payloadLength) {
    public UdpRepr {
        if (srcPort < 0 || srcPort > 0xFFFF || dstPort < 0 || dstPort > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + srcPort + " > " + dstPort);
        }
        if (payloadLength < 0 || payloadLength > 0xFFFF - UdpPacket.HEADER_LEN) {
            throw new IllegalArgumentException("payloadLength out of range: " + payloadLength);
        }
    }

    /**
     * Reads a view that passed {@link UdpPacket#wrapChecked}, carried over IPv4. A zero checksum
     * means none was sent and is accepted. Fails only with {@link Malformed#BAD_CHECKSUM}.
     */
    public static ParseResult<UdpRepr> parse(UdpPacket p, Ipv4Address src, Ipv4Address dst, ChecksumMode mode) {
        if (mode == ChecksumMode.VERIFY && !p.verifyChecksumIpv4(src, dst)) {
            return ParseResult.malformed(Malformed.BAD_CHECKSUM);
        }
        return ParseResult.ok(of(p));
    }

    /** As the IPv4 parse, but over IPv6, where a zero checksum is invalid. */
    public static ParseResult<UdpRepr> parse(UdpPacket p, Ipv6Address src, Ipv6Address dst, ChecksumMode mode) {
        if (mode == ChecksumMode.VERIFY && !p.verifyChecksumIpv6(src, dst)) {
            return ParseResult.malformed(Malformed.BAD_CHECKSUM);
        }
        return ParseResult.ok(of(p));
    }

    private static UdpRepr of(UdpPacket p) {
        return new UdpRepr(p.srcPort(), p.dstPort(), p.payloadLength());
    }

    public int headerLen() {
        return UdpPacket.HEADER_LEN;
    }

    /**
     * Writes the header into {@code p} with a zero checksum. Write the payload next, then call
     * {@link UdpPacket#fillChecksumIpv4} or {@link UdpPacket#fillChecksumIpv6}.
     */
    public void emit(UdpPacket p) {
        p.setSrcPort(srcPort);
        p.setDstPort(dstPort);
        p.setLength(UdpPacket.HEADER_LEN + payloadLength);
        p.setChecksum(0);
    }
}
