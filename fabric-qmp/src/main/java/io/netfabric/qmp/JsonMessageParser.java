package io.netfabric.qmp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;

/**
 * Parses one QMP message (already delimited by {@link QmpFrameDecoder}) with Jackson's streaming
 * parser into a tree, with QEMU's number rules and QEMU's error texts (qobject/json-parser.c):
 * an integer is int64 if it fits, else uint64 if it fits, else a double; single-quoted strings
 * are accepted (a QEMU extension); a repeated key is refused.
 */
final class JsonMessageParser {
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(QmpFrameDecoder.MAX_NESTING + 1)
                    .maxStringLength(QmpFrameDecoder.MAX_MESSAGE)
                    .maxNumberLength(QmpFrameDecoder.MAX_MESSAGE)
                    .build())
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The message could not be parsed; {@link #getMessage()} is QEMU's whole {@code desc}. */
    static final class ParseError extends Exception {
        private static final long serialVersionUID = 1L;

        ParseError(String desc) {
            super(desc, null, false, false);
        }
    }

    private JsonMessageParser() {
    }

    static JsonNode parse(byte[] message) throws ParseError {
        try (JsonParser p = FACTORY.createParser(message)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new ParseError("JSON parse error, expecting value");
            }
            return value(p, t);
        } catch (JsonProcessingException e) {
            throw new ParseError("JSON parse error, " + qemuReason(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ParseError("JSON parse error, " + e.getMessage());
        }
    }

    private static JsonNode value(JsonParser p, JsonToken t) throws IOException, ParseError {
        switch (t) {
            case START_OBJECT: {
                ObjectNode o = NODES.objectNode();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String key = p.currentName();
                    JsonNode v = value(p, p.nextToken());
                    if (o.has(key)) {
                        throw new ParseError("JSON parse error, duplicate key");
                    }
                    o.set(key, v);
                }
                return o;
            }
            case START_ARRAY: {
                ArrayNode a = NODES.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    a.add(value(p, e));
                }
                return a;
            }
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            case VALUE_NUMBER_INT: {
                // qobject/json-parser.c parse_literal: int64, else uint64, else double.
                if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                    return NODES.numberNode(p.getLongValue());
                }
                BigInteger big = p.getBigIntegerValue();
                if (big.signum() > 0 && big.compareTo(UINT64_MAX) <= 0) {
                    return NODES.numberNode(big);
                }
                return NODES.numberNode(big.doubleValue());
            }
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(p.getDoubleValue());
            default:
                throw new ParseError("JSON parse error, expecting value");
        }
    }

    /**
     * Jackson's complaint in QEMU's words (json-parser.c {@code parse_error} callers). Where the
     * two parsers see different faults, the nearest QEMU text is used.
     */
    private static String qemuReason(String jackson) {
        String m = jackson == null ? "" : jackson;
        if (m.startsWith("Unrecognized token '")) {
            int end = m.indexOf('\'', 20);
            return "invalid keyword '" + m.substring(20, end < 0 ? m.length() : end) + "'";
        }
        if (m.contains("was expecting a colon")) {
            return "missing : in object pair";
        }
        if (m.contains("was expecting comma to separate Object entries")
                || m.startsWith("Unexpected close marker ']'")) {
            return "expected separator in dict";
        }
        if (m.contains("was expecting comma to separate Array entries")
                || m.startsWith("Unexpected close marker '}'")) {
            return "expected separator in list";
        }
        if (m.contains("was expecting double-quote to start field name")) {
            // json-parser.c parse_pair parses the key as a value first: a closing or separator
            // token is "expecting value", any other value "key is not a string".
            char c = offending(m);
            return c == '}' || c == ']' || c == ',' || c == ':'
                    ? "expecting value" : "key is not a string in object";
        }
        if (m.startsWith("Unrecognized character escape")) {
            return "invalid escape sequence in string";
        }
        if (m.contains("Duplicate field")) {
            return "duplicate key";
        }
        if (m.contains("Document nesting depth")) {
            return "JSON nesting depth limit exceeded";
        }
        return "expecting value";
    }

    /** The character in Jackson's "Unexpected character ('X' (code N))". */
    private static char offending(String m) {
        int i = m.indexOf("('");
        return i >= 0 && i + 2 < m.length() ? m.charAt(i + 2) : 0;
    }
}
