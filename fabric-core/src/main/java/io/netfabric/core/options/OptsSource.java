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
 */
final class OptsSource implements MemberSource {
    private final Map<String, List<String>> unprocessed = new LinkedHashMap<>();
    private final Consumer<String> warnings;

    OptsSource(List<QemuOptsSyntax.Opt> opts, Consumer<String> warnings) {
        for (QemuOptsSyntax.Opt o : opts) {
            unprocessed.computeIfAbsent(o.name(), k -> new ArrayList<>()).add(o.value());
        }
        this.warnings = warnings;
    }

    @Override
    public boolean present(String name) {
        return unprocessed.containsKey(name);
    }

    /** The last value of a scalar key, consumed; null when absent. */
    String take(String name) {
        List<String> values = unprocessed.remove(name);
        return values == null ? null : values.get(values.size() - 1);
    }

    @Override
    public Object read(QapiMember m) {
        String name = m.name();
        if (m.type() == QapiType.STR_LIST) {
            return List.copyOf(unprocessed.remove(name));
        }
        String s = take(name);
        switch (m.type()) {
            case STR:
                return s;
            case ENUM:
                if (!m.enumValues().contains(s)) {
                    throw QapiErrors.enumValue(name, s);
                }
                return s;
            case BOOL:
                return parseBool(name, s);
            case INT: {
                Long v = QemuNumbers.parseInt64(s);
                if (v == null) {
                    throw QapiErrors.expects(name, "an int64 value");
                }
                return v;
            }
            case INT32: {
                Long v = QemuNumbers.parseInt64(s);
                if (v == null) {
                    throw QapiErrors.expects(name, "an int64 value");
                }
                if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                    throw QapiErrors.expects(name, m.type().cName());
                }
                return v.intValue();
            }
            case UINT16, UINT32, UINT64: {
                Long v = QemuNumbers.parseUint64(s);
                if (v == null) {
                    throw QapiErrors.expects(name, "a uint64 value");
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
            throw QapiErrors.invalidParameter(name);
        }
    }
}
