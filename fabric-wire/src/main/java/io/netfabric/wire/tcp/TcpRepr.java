package io.netfabric.wire.tcp;

import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.Ipv6Address;
import io.netfabric.wire.Malformed;
import io.netfabric.wire.ParseResult;
import java.util.Arrays;

/**
 * A TCP header as a value: ports, sequence numbers, control bits, window and the options a
 * connection negotiates. The checksum is not part of the value.
 *
 * @param window        the Window field as sent (unscaled)
 * @param mss           Maximum Segment Size option (RFC 9293 §3.7.1), 0 when absent
 * @param windowScale   Window Scale shift (RFC 7323 §2.2), -1 when absent
 * @param sackPermitted SACK-Permitted option (RFC 2018 §2)
 * @param sackBlocks    SACK blocks (RFC 2018 §3) as left/right edge pairs, empty when none
 * @param tsVal         Timestamps option value (RFC 7323 §3.2), meaningful when {@code timestamps}
 * @param payloadLength data octets after the header
 */
public record TcpRepr(int srcPort, int dstPort, int seq, int ack, int flags, int window, int mss, int windowScale,
                      boolean sackPermitted, int[] sackBlocks, boolean timestamps, int tsVal, int tsEcr,
                      int payloadLength) {
    public static final int OPT_END = 0;
    public static final int OPT_NOP = 1;
    public static final int OPT_MSS = 2;
    public static final int OPT_WINDOW_SCALE = 3;
    public static final int OPT_SACK_PERMITTED = 4;
    public static final int OPT_SACK = 5;
    public static final int OPT_TIMESTAMPS = 8;
    private static final int[] NO_BLOCKS = new int[0];

    public TcpRepr {
        if (srcPort < 0 || srcPort > 0xFFFF || dstPort < 0 || dstPort > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + srcPort + " > " + dstPort);
        }
        if (window < 0 || window > 0xFFFF || mss < 0 || mss > 0xFFFF || windowScale > 14) {
            throw new IllegalArgumentException("window/mss/scale out of range");
        }
        if (sackBlocks == null) {
            sackBlocks = NO_BLOCKS;
        }
        if (sackBlocks.length % 2 != 0 || sackBlocks.length > 8) {
            throw new IllegalArgumentException("SACK blocks come in pairs, at most 4");
        }
    }

    /** A plain segment with no options. */
    public static TcpRepr of(int srcPort, int dstPort, int seq, int ack, int flags, int window, int payloadLength) {
        return new TcpRepr(srcPort, dstPort, seq, ack, flags, window, 0, -1, false, NO_BLOCKS, false, 0, 0,
                payloadLength);
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Reads a view that passed {@link TcpPacket#wrapChecked}, verifying the IPv4 checksum. */
    public static ParseResult<TcpRepr> parse(TcpPacket p, Ipv4Address src, Ipv4Address dst) {
        if (!p.verifyChecksumIpv4(src.toInt(), dst.toInt())) {
            return ParseResult.malformed(Malformed.BAD_CHECKSUM);
        }
        return parseUnchecked(p);
    }

    public static ParseResult<TcpRepr> parse(TcpPacket p, Ipv6Address src, Ipv6Address dst) {
        if (!p.verifyChecksumIpv6(src, dst)) {
            return ParseResult.malformed(Malformed.BAD_CHECKSUM);
        }
        return parseUnchecked(p);
    }

    /** Reads header and options without the checksum; fails with {@link Malformed#BAD_OPTION}. */
    public static ParseResult<TcpRepr> parseUnchecked(TcpPacket p) {
        int mss = 0;
        int ws = -1;
        boolean sackOk = false;
        int[] blocks = NO_BLOCKS;
        boolean ts = false;
        int tsVal = 0;
        int tsEcr = 0;
        var b = p.buffer();
        int i = p.optionsOffset();
        int end = p.payloadOffset();
        while (i < end) {
            int kind = b.getUnsignedByte(i);
            if (kind == OPT_END) {
                break;
            }
            if (kind == OPT_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return ParseResult.malformed(Malformed.BAD_OPTION);
            }
            int len = b.getUnsignedByte(i + 1);
            if (len < 2 || i + len > end) {
                return ParseResult.malformed(Malformed.BAD_OPTION);
            }
            switch (kind) {
                case OPT_MSS -> {
                    if (len != 4) {
                        return ParseResult.malformed(Malformed.BAD_OPTION);
                    }
                    mss = b.getUnsignedShort(i + 2);
                }
                case OPT_WINDOW_SCALE -> {
                    if (len != 3) {
                        return ParseResult.malformed(Malformed.BAD_OPTION);
                    }
                    // RFC 7323 §2.3: a shift above 14 is used as 14.
                    ws = Math.min(14, b.getUnsignedByte(i + 2));
                }
                case OPT_SACK_PERMITTED -> sackOk = len == 2;
                case OPT_SACK -> {
                    int n = (len - 2) / 8;
                    if ((len - 2) % 8 != 0 || n == 0 || n > 4) {
                        return ParseResult.malformed(Malformed.BAD_OPTION);
                    }
                    blocks = new int[n * 2];
                    for (int k = 0; k < n * 2; k++) {
                        blocks[k] = b.getInt(i + 2 + 4 * k);
                    }
                }
                case OPT_TIMESTAMPS -> {
                    if (len != 10) {
                        return ParseResult.malformed(Malformed.BAD_OPTION);
                    }
                    ts = true;
                    tsVal = b.getInt(i + 2);
                    tsEcr = b.getInt(i + 6);
                }
                default -> {
                    // RFC 9293 §3.2: unknown options are skipped by their length.
                }
            }
            i += len;
        }
        return ParseResult.ok(new TcpRepr(p.srcPort(), p.dstPort(), (int) p.seq(), (int) p.ack(), p.flags(), p.window(), mss, ws,
                sackOk, blocks, ts, tsVal, tsEcr, p.payloadLength()));
    }

    /** Octets the options take, padded to a multiple of 4. */
    public int optionsLength() {
        int n = 0;
        if (mss > 0) {
            n += 4;
        }
        if (windowScale >= 0) {
            n += 4;   // NOP + 3
        }
        if (sackPermitted) {
            n += 4;   // NOP NOP + 2
        }
        if (timestamps) {
            n += 12;  // NOP NOP + 10
        }
        if (sackBlocks.length > 0) {
            n += 4 + 4 * sackBlocks.length;   // NOP NOP + 2 + 8 per block
        }
        return n;
    }

    public int headerLength() {
        return TcpPacket.HEADER_LEN + optionsLength();
    }

    /**
     * Writes header and options into {@code p} (wrapped over at least {@link #headerLength()}
     * octets) with a zero checksum. Write the data next, then fill the checksum.
     */
    public void emit(TcpPacket p) {
        p.setSrcPort(srcPort);
        p.setDstPort(dstPort);
        p.setSeq(seq);
        p.setAck(ack);
        p.setHeaderLength(headerLength());
        p.setFlags(flags);
        p.setWindow(window);
        p.setChecksum(0);
        p.setUrgentPointer(0);
        var b = p.buffer();
        int i = p.offset() + TcpPacket.HEADER_LEN;
        if (mss > 0) {
            b.setByte(i, OPT_MSS);
            b.setByte(i + 1, 4);
            b.setShort(i + 2, mss);
            i += 4;
        }
        if (windowScale >= 0) {
            b.setByte(i, OPT_NOP);
            b.setByte(i + 1, OPT_WINDOW_SCALE);
            b.setByte(i + 2, 3);
            b.setByte(i + 3, windowScale);
            i += 4;
        }
        if (sackPermitted) {
            b.setByte(i, OPT_NOP);
            b.setByte(i + 1, OPT_NOP);
            b.setByte(i + 2, OPT_SACK_PERMITTED);
            b.setByte(i + 3, 2);
            i += 4;
        }
        if (timestamps) {
            b.setByte(i, OPT_NOP);
            b.setByte(i + 1, OPT_NOP);
            b.setByte(i + 2, OPT_TIMESTAMPS);
            b.setByte(i + 3, 10);
            b.setInt(i + 4, tsVal);
            b.setInt(i + 8, tsEcr);
            i += 12;
        }
        if (sackBlocks.length > 0) {
            b.setByte(i, OPT_NOP);
            b.setByte(i + 1, OPT_NOP);
            b.setByte(i + 2, OPT_SACK);
            b.setByte(i + 3, 2 + 4 * sackBlocks.length);
            i += 4;
            for (int edge : sackBlocks) {
                b.setInt(i, edge);
                i += 4;
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TcpRepr r && srcPort == r.srcPort && dstPort == r.dstPort && seq == r.seq && ack == r.ack
                && flags == r.flags && window == r.window && mss == r.mss && windowScale == r.windowScale
                && sackPermitted == r.sackPermitted && Arrays.equals(sackBlocks, r.sackBlocks)
                && timestamps == r.timestamps && tsVal == r.tsVal && tsEcr == r.tsEcr
                && payloadLength == r.payloadLength;
    }

    @Override
    public int hashCode() {
        return ((srcPort * 31 + dstPort) * 31 + seq) * 31 + ack + Arrays.hashCode(sackBlocks);
    }

    @Override
    public String toString() {
        return "TcpRepr[" + srcPort + ">" + dstPort + " flags=0x" + Integer.toHexString(flags) + " seq="
                + Integer.toUnsignedString(seq) + " ack=" + Integer.toUnsignedString(ack) + " win=" + window
                + (mss > 0 ? " mss=" + mss : "") + (windowScale >= 0 ? " ws=" + windowScale : "")
                + (sackPermitted ? " sackOK" : "") + (sackBlocks.length > 0 ? " sack=" + Arrays.toString(sackBlocks) : "")
                + (timestamps ? " ts=" + tsVal + "/" + tsEcr : "") + " len=" + payloadLength + "]";
    }
}
