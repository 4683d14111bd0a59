package io.netfabric.wire.ipv4;

import io.netfabric.wire.ChecksumMode;
import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.Malformed;
import io.netfabric.wire.ParseResult;
import java.util.Objects;

/**
 * An IPv4 header without options, as a value. {@link #parse} accepts headers with options (they
 * are skipped; the view still exposes them) and fragments (the fields say so; reassembly is the
 * router's job). {@link #emit} always writes a 20-octet header.
 *
 * @param src source address
 * @param dst destination address
 * @param protocol upper-layer protocol
 * @param payloadLength octets after the header, 0-65515
 * @param ttl time to live 0-255
 * @param dscp differentiated services code point 0-63
 * @param ecn explicit congestion notification 0-3
 * @param identification 0-0xFFFF
 * @param dontFragment the DF flag
 * @param moreFragments the MF flag
 * @param fragmentOffset in 8-octet units, 0-0x1FFF
 */
public record Ipv4Repr(Ipv4Address src, Ipv4Address dst, IpProtocol protocol, int payloadLength, int ttl,
                       int dscp, int ecn, int identification, boolean dontFragment, boolean moreFragments,
                       int fragmentOffset) {
    public static final int DEFAULT_TTL = 64;

    public Ipv4Repr {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(protocol, "protocol");
        check("payloadLength", payloadLength, 0xFFFF - Ipv4Packet.HEADER_LEN);
        check("ttl", ttl, 0xFF);
        check("dscp", dscp, 0x3F);
        check("ecn", ecn, 0x3);
        check("identification", identification, 0xFFFF);
        check("fragmentOffset", fragmentOffset, 0x1FFF);
    }

    private static void check(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + " out of range 0-" + max + ": " + value);
        }
    }

    /** An unfragmented datagram with DF set, TTL 64, DSCP/ECN 0 and identification 0. */
    public static Ipv4Repr of(Ipv4Address src, Ipv4Address dst, IpProtocol protocol, int payloadLength) {
        return new Ipv4Repr(src, dst, protocol, payloadLength, DEFAULT_TTL, 0, 0, 0, true, false, 0);
    }

    /**
     * Reads a view that passed {@link Ipv4Packet#wrapChecked}. Fails only with
     * {@link Malformed#BAD_CHECKSUM}, when {@code mode} asks to verify.
     */
    public static ParseResult<Ipv4Repr> parse(Ipv4Packet p, ChecksumMode mode) {
        if (mode == ChecksumMode.VERIFY && !p.verifyChecksum()) {
            return ParseResult.malformed(Malformed.BAD_CHECKSUM);
        }
        return ParseResult.ok(new Ipv4Repr(p.src(), p.dst(), p.protocol(), p.payloadLength(), p.ttl(), p.dscp(),
                p.ecn(), p.identification(), p.dontFragment(), p.moreFragments(), p.fragmentOffset()));
    }

    public int headerLen() {
        return Ipv4Packet.HEADER_LEN;
    }

    public int totalLength() {
        return Ipv4Packet.HEADER_LEN + payloadLength;
    }

    /** Writes the 20-octet header into {@code p}, checksum last. The payload is not touched. */
    public void emit(Ipv4Packet p) {
        p.setVersionAndIhl(4, Ipv4Packet.HEADER_LEN / 4);
        p.setDscpEcn(dscp, ecn);
        p.setTotalLength(totalLength());
        p.setIdentification(identification);
        p.setFlagsAndFragmentOffset(dontFragment, moreFragments, fragmentOffset);
        p.setTtl(ttl);
        p.setProtocol(protocol);
        p.setSrc(src);
        p.setDst(dst);
        p.fillChecksum();
    }
}
