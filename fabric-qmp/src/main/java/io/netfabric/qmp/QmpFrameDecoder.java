package io.netfabric.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts a QMP byte stream into messages where QEMU's qobject/json-streamer.c does, and parses
 * each with {@link JsonMessageParser}. Emits a {@link JsonNode} per message, or a
 * {@link JsonMessageParser.ParseError} whose text is QEMU's error {@code desc}.
 *
 * <p>Boundaries, as in json-streamer.c {@code json_message_process_token}: a message ends after
 * the token that brings the count of open braces and brackets back to zero (or below: a stray
 * {@code '}'} is a message of its own), and a scalar at top level is a whole message. Objects
 * need no separator, so {@code {..}{..}} is two requests. Whitespace between messages is skipped.
 *
 * <p>Lexer errors (qobject/json-lexer.c): a character that cannot start a JSON token outside a
 * string gives {@code JSON parse error, stray 'c'}; the message so far is dropped and input is
 * skipped up to the next brace, bracket or control character, QEMU's {@code IN_RECOVERY}.
 *
 * <p>Limits: QEMU refuses a message over 64 MiB of tokens or nested deeper than 1024. We keep the
 * depth limit and cap a message at {@link #MAX_MESSAGE} (1 MiB): past it we answer QEMU's
 * {@code JSON token size limit exceeded} once and drop the rest of that message (tracking braces
 * and strings to find its end) instead of QEMU's token-by-token cascade of errors, so the
 * connection stays usable and memory stays bounded. Byte buffers never leave this handler.
 */
final class QmpFrameDecoder extends ByteToMessageDecoder {
    static final int MAX_MESSAGE = 1 << 20;
    static final int MAX_NESTING = 1024;

    private enum Mode { BETWEEN, IN_MESSAGE, IN_STRING, IN_ESCAPE, IN_SCALAR, RECOVERY }

    private Mode mode = Mode.BETWEEN;
    /** Mode to return to when a string ends (IN_MESSAGE or BETWEEN for a top-level string). */
    private boolean topLevelString;
    private char quote;
    private int depth;
    /** Bytes of the current message already scanned, from the reader index. */
    private int scanned;
    /** Past the size or depth limit: drop bytes until the message ends, emit nothing. */
    private boolean discarding;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readerIndex() + scanned < in.writerIndex()) {
            int i = in.readerIndex() + scanned;
            int c = in.getByte(i) & 0xFF;
            scanned++;
            switch (mode) {
                case BETWEEN -> between(in, c, out);
                case IN_MESSAGE -> inMessage(in, c, out);
                case IN_STRING -> {
                    if (c == '\\') {
                        mode = Mode.IN_ESCAPE;
                    } else if (c == quote) {
                        if (topLevelString) {
                            emit(in, out);
                        } else {
                            mode = Mode.IN_MESSAGE;
                        }
                    }
                }
                case IN_ESCAPE -> mode = Mode.IN_STRING;
                case IN_SCALAR -> {
                    if (isDelimiter(c)) {
                        scanned--; // the delimiter starts the next token
                        emit(in, out);
                    }
                }
                case RECOVERY -> {
                    if (c == '{' || c == '}' || c == '[' || c == ']' || (c < 0x20 && c != '\t') || c >= 0xFE) {
                        scanned--;
                        in.skipBytes(scanned);
                        scanned = 0;
                        mode = Mode.BETWEEN;
                    } else {
                        in.skipBytes(scanned);
                        scanned = 0;
                    }
                }
            }
            if (mode != Mode.BETWEEN && mode != Mode.RECOVERY && scanned > MAX_MESSAGE && !discarding) {
                limitExceeded("JSON token size limit exceeded", out);
            }
            if (discarding && scanned > 0 && mode != Mode.BETWEEN) {
                // Keep the scan state, drop the bytes: memory stays bounded.
                in.skipBytes(scanned);
                scanned = 0;
            }
        }
    }

    private void between(ByteBuf in, int c, List<Object> out) {
        switch (c) {
            case ' ', '\t', '\r', '\n' -> {
                in.skipBytes(1);
                scanned = 0;
            }
            case '{', '[' -> {
                depth = 1;
                mode = Mode.IN_MESSAGE;
            }
            case '}', ']', ':', ',' -> {
                // A lone closing or separator token is a message of its own (negative count);
                // json-parser.c parse_value answers it "expecting value".
                in.skipBytes(scanned);
                reset();
                out.add(new JsonMessageParser.ParseError("JSON parse error, expecting value"));
            }
            case '"', '\'' -> {
                quote = (char) c;
                topLevelString = true;
                mode = Mode.IN_STRING;
            }
            default -> {
                if (startsScalar(c)) {
                    mode = Mode.IN_SCALAR;
                } else {
                    stray(in, c, out);
                }
            }
        }
    }

    private void inMessage(ByteBuf in, int c, List<Object> out) {
        switch (c) {
            case '{', '[' -> {
                if (++depth > MAX_NESTING && !discarding) {
                    limitExceeded("JSON nesting depth limit exceeded", out);
                }
            }
            case '}', ']' -> {
                if (--depth == 0) {
                    emit(in, out);
                }
            }
            case '"', '\'' -> {
                quote = (char) c;
                topLevelString = false;
                mode = Mode.IN_STRING;
            }
            default -> {
                if (!startsScalar(c) && !isDelimiter(c) && c != '.' && c != '+' && !(c >= 'A' && c <= 'Z')) {
                    stray(in, c, out);
                }
            }
        }
    }

    private static boolean startsScalar(int c) {
        return (c >= '0' && c <= '9') || c == '-' || (c >= 'a' && c <= 'z');
    }

    private static boolean isDelimiter(int c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '{' || c == '}' || c == '['
                || c == ']' || c == ':' || c == ',' || c == '"' || c == '\'';
    }

    private void stray(ByteBuf in, int c, List<Object> out) {
        if (!discarding) {
            out.add(new JsonMessageParser.ParseError("JSON parse error, stray '" + (char) c + "'"));
        }
        in.skipBytes(scanned);
        reset();
        mode = Mode.RECOVERY;
    }

    private void limitExceeded(String desc, List<Object> out) {
        out.add(new JsonMessageParser.ParseError(desc));
        discarding = true;
    }

    private void emit(ByteBuf in, List<Object> out) {
        if (discarding) {
            in.skipBytes(scanned);
        } else {
            byte[] message = new byte[scanned];
            in.readBytes(message);
            try {
                out.add(JsonMessageParser.parse(message));
            } catch (JsonMessageParser.ParseError e) {
                out.add(e);
            }
        }
        reset();
    }

    private void reset() {
        scanned = 0;
        depth = 0;
        discarding = false;
        mode = Mode.BETWEEN;
    }
}
