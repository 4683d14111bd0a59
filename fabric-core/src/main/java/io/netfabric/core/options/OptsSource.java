package io.netfabric.core.options;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Command-line values under qapi/opts-visitor.c's rules: a scalar takes the LAST occurrence of
 * its key and consumes them all ({@code lookup_scalar()}, {@code processed()}); a list takes every
 * occurrence in order; booleans are on/yes/true/y and off/no/false/n ({@code qapi_bool_parse()});
 * integers are C strtoll/parse_uint (so {@code 010} is 8 and {@code 0x1f} 31) with the range
 * of the QAPI type checked afterwards by qapi/qapi-visit-core.c; sizes are qemu_strtosz().
 *
 * <p>QEMU 7.2 reads {@code stream} and {@code dgram} with the keyval parser and its QObject
 * visitor instead (net/net.c {@code netdev_is_modern()}, util/keyval.c,
 * {@code qobject_input_visitor_new_keyval()}): nested members as dotted keys
 * ({@code addr.host=...}), and other words for the same mistakes ({@link #useKeyvalRules()}).
 */
final class OptsSource implements MemberSource {
    private final Map<String, List<String>> unprocessed;
    private final Consumer<String> warnings;
    /** "" at the top, "addr." inside a struct-valued member. */
    private final String prefix;
    private boolean keyval;

    OptsSource(List<QemuOptsSyntax.Opt> opts, Consumer<String> warnings) {
        this(new LinkedHashMap<>(), warnings, "", false);
        for (QemuOptsSyntax.Opt o : opts) {
            unprocessed.computeIfAbsent(o.name(), k -> new ArrayList<>()).add(o.value());
        }
    }

    private OptsSource(Map<String, List<String>> unprocessed, Consumer<String> warnings, String prefix, boolean keyval) {
        this.unprocessed = unprocessed;
        this.warnings = warnings;
        this.prefix = prefix;
        this.keyval = keyval;
    }

    /** From now on, the keyval visitor's messages (the type turned out to be stream or dgram). */
    void useKeyvalRules() {
        keyval = true;
    }

    @Override
    public boolean present(String name) {
        if (unprocessed.containsKey(name)) {
            return true;
        }
        String dotted = name + ".";
        for (String k : unprocessed.keySet()) {
            if (k.startsWith(dotted)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public RuntimeException missing(String name) {
        return QapiErrors.missing(prefix + name);
    }

    /** A struct-valued member: its dotted keys, taken out, as a source of their own. */
    private OptsSource nested(String name) {
        if (unprocessed.containsKey(name)) {
            throw QapiErrors.wrongType(prefix + name, "object");   // keyval: "addr=x" is a scalar
        }
        String dotted = name + ".";
        Map<String, List<String>> inner = new LinkedHashMap<>();
        unprocessed.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(dotted)) {
                inner.put(e.getKey().substring(dotted.length()), e.getValue());
                return true;
            }
            return false;
        });
        return new OptsSource(inner, warnings, prefix + dotted, keyval);
    }

    /** The last value of a scalar key, consumed; null when absent. */
    String take(String name) {
        List<String> values = unprocessed.remove(name.substring(prefix.length()));
        return values == null ? null : values.get(values.size() - 1);
    }

    @Override
    public Object read(QapiMember m) {
        String name = prefix + m.name();
        if (m.type() == QapiType.SOCKET_ADDRESS) {
            return SocketAddressOptions.read(nested(m.name()));
        }
        if (m.type() == QapiType.STR_LIST) {
            return List.copyOf(unprocessed.remove(m.name()));
        }
        String s = take(name);
        switch (m.type()) {
            case STR:
                return s;
            case ENUM:
                if (!m.enumValues().contains(s)) {
                    throw QapiErrors.enumValue(m.name(), s);   // visit_type_enum(): no path
                }
                return s;
            case BOOL:
                return parseBool(name, s);
            case INT: {
                Long v = QemuNumbers.parseInt64(s);
                if (v == null) {
                    throw QapiErrors.expects(name, keyval ? "integer" : "an int64 value");
                }
                return v;
            }
            case INT32: {
                Long v = QemuNumbers.parseInt64(s);
                if (v == null) {
                    throw QapiErrors.expects(name, keyval ? "integer" : "an int64 value");
                }
                if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                    throw QapiErrors.expects(name, m.type().cName());
                }
                return v.intValue();
            }
            case UINT16, UINT32, UINT64: {
                // QemuOpts' parse_uint() refuses a minus; keyval's qemu_strtou64() wraps it.
                Long v = keyval ? QemuNumbers.parseStrtou64(s, 0) : QemuNumbers.parseUint64(s);
                if (v == null) {
                    throw QapiErrors.expects(name, keyval ? "integer" : "a uint64 value");
                }
                return narrowUnsigned(m, v);
            }
            case SIZE: {
                Long v = QemuNumbers.parseSize(s, warnings);
                if (v == null) {
                    throw QapiErrors.expects(name, "a size value");
                }
                return v;
            }
            default:
                throw new IllegalStateException(m.type().name());
        }
    }

    /** qapi/qapi-visit-core.c {@code visit_type_uintN()}: the range error names the C type. */
    static Object narrowUnsigned(QapiMember m, long bits) {
        if (m.type() == QapiType.UINT64 || m.type() == QapiType.SIZE) {
            return bits;
        }
        if (Long.compareUnsigned(bits, m.type().max()) > 0) {
            throw QapiErrors.expects(m.name(), m.type().cName());
        }
        return m.type() == QapiType.UINT16 ? (Object) (int) bits : (Object) bits;
    }

    /** qapi/qapi-util.c {@code qapi_bool_parse()}. */
    static Boolean parseBool(String name, String s) {
        switch (s) {
            case "on", "yes", "true", "y":
                return Boolean.TRUE;
            case "off", "no", "false", "n":
                return Boolean.FALSE;
            default:
                throw QapiErrors.expects(name, "'on' or 'off'");
        }
    }

    @Override
    public void checkAllConsumed() {
        // QEMU reports one of the leftovers in hash-table order; we report the first given.
        for (String name : unprocessed.keySet()) {
            throw keyval ? QapiErrors.unexpected(prefix + name) : QapiErrors.invalidParameter(prefix + name);
        }
    }
}
