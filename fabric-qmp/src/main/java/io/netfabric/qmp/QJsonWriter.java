package io.netfabric.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Writes a JSON tree exactly as QEMU's qobject/qjson.c {@code qobject_to_json} does, so that a
 * client comparing bytes sees QEMU's replies:
 * <ul>
 * <li>object members in QDict iteration order: hash bucket ({@code tdb_hash(key) % 512},
 *     qobject/qdict.c) ascending, and within a bucket newest first (QLIST_INSERT_HEAD);</li>
 * <li>{@code ": "} and {@code ", "} separators;</li>
 * <li>doubles as C's {@code %.17g} (qobject/qnum.c {@code qnum_to_string});</li>
 * <li>strings escaped as qjson.c does: {@code \"}, {@code \\}, {@code \b\f\n\r\t}, every other
 *     code point below 0x20 or from 0x7F up as {@code \\uXXXX} in upper-case hex, surrogate pairs
 *     beyond the BMP.</li>
 * </ul>
 */
public final class QJsonWriter {
    private static final int QDICT_BUCKET_MAX = 512;

    private QJsonWriter() {
    }

    public static String write(JsonNode node) {
        StringBuilder sb = new StringBuilder(128);
        write(node, sb);
        return sb.toString();
    }

    /** The member names of {@code object} in the order QEMU would print them. */
    public static List<String> qdictOrder(JsonNode object) {
        List<String> keys = new ArrayList<>(object.size());
        for (Iterator<String> it = object.fieldNames(); it.hasNext();) {
            keys.add(it.next());
        }
        List<String> ordered = new ArrayList<>(keys.size());
        // Stable: equal buckets keep reverse insertion order.
        for (int i = keys.size() - 1; i >= 0; i--) {
            ordered.add(keys.get(i));
        }
        ordered.sort((a, b) -> Integer.compare(bucket(a), bucket(b)));
        return ordered;
    }

    /** qobject/qdict.c {@code tdb_hash} modulo QDICT_BUCKET_MAX, over the key's UTF-8 bytes. */
    static int bucket(String key) {
        byte[] b = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int value = 0x238F13AF * b.length;
        for (int i = 0; i < b.length; i++) {
            value += (b[i] & 0xFF) << (i * 5 % 24);
        }
        int hash = 1103515243 * value + 12345;
        return (int) (Integer.toUnsignedLong(hash) % QDICT_BUCKET_MAX);
    }

    private static void write(JsonNode node, StringBuilder sb) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                sb.append('{');
                boolean first = true;
                for (String k : qdictOrder(node)) {
                    if (!first) {
                        sb.append(", ");
                    }
                    first = false;
                    string(k, sb);
                    sb.append(": ");
                    write(node.get(k), sb);
                }
                sb.append('}');
            }
            case ARRAY -> {
                sb.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    write(node.get(i), sb);
                }
                sb.append(']');
            }
            case STRING -> string(node.textValue(), sb);
            case BOOLEAN -> sb.append(node.booleanValue());
            case NUMBER -> {
                if (node.isIntegralNumber()) {
                    sb.append(node.bigIntegerValue());
                } else {
                    sb.append(percent17g(node.doubleValue()));
                }
            }
            default -> sb.append("null");
        }
    }

    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length();) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (cp > 0xFFFF) {
                        hex4(0xD800 + ((cp - 0x10000) >> 10), sb);
                        hex4(0xDC00 + ((cp - 0x10000) & 0x3FF), sb);
                    } else if (cp < 0x20 || cp >= 0x7F) {
                        hex4(cp, sb);
                    } else {
                        sb.append((char) cp);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void hex4(int v, StringBuilder sb) {
        sb.append("\\u").append(String.format("%04X", v));
    }

    /** C's {@code printf("%.17g", d)}. */
    static String percent17g(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        BigDecimal v = new BigDecimal(d).round(new MathContext(17));
        int exp = v.precision() - v.scale() - 1;
        if (exp < -4 || exp >= 17) {
            BigDecimal mantissa = v.movePointLeft(exp).stripTrailingZeros();
            String m = mantissa.toPlainString();
            String e = String.format("%02d", Math.abs(exp));
            return m + "e" + (exp < 0 ? "-" : "+") + e;
        }
        return v.stripTrailingZeros().toPlainString();
    }
}
