package io.netfabric.wire.tftp;

import io.netfabric.wire.Malformed;
import io.netfabric.wire.ParseResult;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A TFTP packet as a value (RFC 1350 §5; option extension RFC 2347). The data of a DATA packet
 * is not copied: {@link Data} gives its position in the parsed buffer.
 *
 * <pre>
 *  RRQ/WRQ  | 01/02 | filename | 0 | mode | 0 | opt1 | 0 | value1 | 0 | ...
 *  DATA     | 03    | block #  | data (0-blksize octets)
 *  ACK      | 04    | block #  |
 *  ERROR    | 05    | code     | message | 0 |
 *  OACK     | 06    | opt1 | 0 | value1 | 0 | ...
 * </pre>
 */
public sealed interface TftpRepr {
    int RRQ = 1;
    int WRQ = 2;
    int DATA = 3;
    int ACK = 4;
    int ERROR = 5;
    int OACK = 6;

    int ERR_NOT_DEFINED = 0;
    int ERR_FILE_NOT_FOUND = 1;
    int ERR_ACCESS_VIOLATION = 2;
    int ERR_ILLEGAL_OPERATION = 4;
    int ERR_UNKNOWN_TID = 5;
    int ERR_OPTION_REFUSED = 8;

    /** A read or write request; option names are lower-cased (RFC 2347: case-insensitive). */
    record Request(boolean write, String filename, String mode, Map<String, String> options) implements TftpRepr {
    }

    /** A data block; {@code dataIndex}/{@code dataLength} locate it in the parsed buffer. */
    record Data(int block, int dataIndex, int dataLength) implements TftpRepr {
    }

    record Ack(int block) implements TftpRepr {
    }

    record Error(int code, String message) implements TftpRepr {
    }

    record OptionAck(Map<String, String> options) implements TftpRepr {
    }

    /** The most strings a request may carry: filename, mode and 16 option pairs. */
    int MAX_STRINGS = 34;

    /** Parses {@code length} octets at absolute {@code offset}; never reads outside them. */
    static ParseResult<TftpRepr> parse(ByteBuf buf, int offset, int length) {
        if (offset < 0 || length < 4 || (long) offset + length > buf.capacity()) {
            return ParseResult.malformed(Malformed.TRUNCATED);
        }
        int op = buf.getUnsignedShort(offset);
        int end = offset + length;
        switch (op) {
            case RRQ, WRQ -> {
                String[] s = strings(buf, offset + 2, end);
                if (s == null || s.length < 2 || s.length % 2 != 0) {
                    return ParseResult.malformed(s == null ? Malformed.TRUNCATED : Malformed.BAD_OPTION);
                }
                Map<String, String> opts = new LinkedHashMap<>();
                for (int i = 2; i < s.length; i += 2) {
                    opts.putIfAbsent(s[i].toLowerCase(Locale.ROOT), s[i + 1]);
                }
                return ParseResult.ok(new Request(op == WRQ, s[0], s[1].toLowerCase(Locale.ROOT), opts));
            }
            case DATA -> {
                return ParseResult.ok(new Data(buf.getUnsignedShort(offset + 2), offset + 4, length - 4));
            }
            case ACK -> {
                return ParseResult.ok(new Ack(buf.getUnsignedShort(offset + 2)));
            }
            case ERROR -> {
                String[] s = strings(buf, offset + 4, end);
                return ParseResult.ok(new Error(buf.getUnsignedShort(offset + 2), s == null || s.length == 0 ? "" : s[0]));
            }
            case OACK -> {
                String[] s = strings(buf, offset + 2, end);
                if (s == null || s.length % 2 != 0) {
                    return ParseResult.malformed(Malformed.BAD_OPTION);
                }
                Map<String, String> opts = new LinkedHashMap<>();
                for (int i = 0; i < s.length; i += 2) {
                    opts.putIfAbsent(s[i].toLowerCase(Locale.ROOT), s[i + 1]);
                }
                return ParseResult.ok(new OptionAck(opts));
            }
            default -> {
                return ParseResult.malformed(Malformed.UNSUPPORTED);
            }
        }
    }

    /** NUL-terminated strings from {@code from} to {@code end}; null when the last has no NUL. */
    private static String[] strings(ByteBuf buf, int from, int end) {
        String[] out = new String[MAX_STRINGS];
        int n = 0;
        int at = from;
        while (at < end) {
            int nul = buf.indexOf(at, end, (byte) 0);
            if (nul < 0) {
                return null;
            }
            if (n == MAX_STRINGS) {
                return null;
            }
            out[n++] = buf.toString(at, nul - at, StandardCharsets.US_ASCII);
            at = nul + 1;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Writes an ERROR packet at the writer index of {@code out}. */
    static void writeError(ByteBuf out, int code, String message) {
        out.writeShort(ERROR).writeShort(code);
        out.writeCharSequence(message, StandardCharsets.US_ASCII);
        out.writeByte(0);
    }

    /** Writes an OACK packet with {@code options} in order at the writer index of {@code out}. */
    static void writeOptionAck(ByteBuf out, Map<String, String> options) {
        out.writeShort(OACK);
        for (Map.Entry<String, String> e : options.entrySet()) {
            out.writeCharSequence(e.getKey(), StandardCharsets.US_ASCII);
            out.writeByte(0);
            out.writeCharSequence(e.getValue(), StandardCharsets.US_ASCII);
            out.writeByte(0);
        }
    }
}
