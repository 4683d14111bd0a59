package io.netfabric.core.options;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * QMP values under qapi/qobject-input-visitor.c's rules. JSON numbers are classed as QEMU's
 * JSON parser classes them (qobject/json-parser.c): an integer that fits int64 is signed, one
 * that fits only uint64 is unsigned, anything else (fractions, larger integers) is a double.
 * {@code int} takes only signed integers; {@code uint64}/{@code size} take both and let a
 * negative integer wrap ("for backward compatibility", qobject_input_type_uint64()); the
 * range of {@code int32}/{@code uint16}/{@code uint32} is checked afterwards by
 * qapi/qapi-visit-core.c, whose error names the member without its path.
 */
final class QObjectSource implements MemberSource {
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final Map<String, Object> map;
    private final String path;   // "" at the top, "hostfwd[0]." inside a list element
    private final Set<String> unvisited;

    QObjectSource(Map<String, Object> map, String path) {
        this.map = map;
        this.path = path;
        this.unvisited = new LinkedHashSet<>(map.keySet());
    }

    @Override
    public boolean present(String name) {
        return map.containsKey(name);   // a JSON null is present (and then of the wrong type)
    }

    @Override
    public RuntimeException missing(String name) {
        return QapiErrors.missing(path + name);
    }

    /** A string member (id, type) read ahead of the table. */
    String readString(String name) {
        if (!present(name)) {
            throw missing(name);
        }
        unvisited.remove(name);
        Object v = map.get(name);
        if (!(v instanceof String)) {
            throw QapiErrors.wrongType(path + name, "string");
        }
        return (String) v;
    }

    @Override
    public Object read(QapiMember m) {
        String full = path + m.name();
        unvisited.remove(m.name());
        Object v = map.get(m.name());
        switch (m.type()) {
            case STR:
                if (!(v instanceof String)) {
                    throw QapiErrors.wrongType(full, "string");
                }
                return v;
            case ENUM:
                if (!(v instanceof String)) {
                    throw QapiErrors.wrongType(full, "string");
                }
                if (!m.enumValues().contains(v)) {
                    throw QapiErrors.enumValue(m.name(), (String) v);   // visit_type_enum(): no path
                }
                return v;
            case BOOL:
                if (!(v instanceof Boolean)) {
                    throw QapiErrors.wrongType(full, "boolean");
                }
                return v;
            case INT: {
                Long l = signed(v);
                if (l == null) {
                    throw QapiErrors.wrongType(full, "integer");
                }
                return l;
            }
            case INT32: {
                Long l = signed(v);
                if (l == null) {
                    throw QapiErrors.wrongType(full, "integer");
                }
                if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                    throw QapiErrors.expects(m.name(), m.type().cName());
                }
                return l.intValue();
            }
            case UINT16, UINT32, UINT64, SIZE: {
                Long bits = unsignedBits(v);
                if (bits == null) {
                    throw QapiErrors.expects(full, "uint64");
                }
                return OptsSource.narrowUnsigned(m, bits);
            }
            case STR_LIST:
                return readStringList(full, v);
            case SOCKET_ADDRESS: {
                if (!(v instanceof Map<?, ?> object)) {
                    throw QapiErrors.wrongType(full, "object");
                }
                @SuppressWarnings("unchecked")
                QObjectSource inner = new QObjectSource((Map<String, Object>) object, full + ".");
                return SocketAddressOptions.read(inner);
            }
            default:
                throw new IllegalStateException(m.type().name());
        }
    }

    /** A {@code ['String']}: an array of {@code {"str": ...}} objects. */
    private static List<String> readStringList(String full, Object v) {
        if (!(v instanceof List<?> list)) {
            throw QapiErrors.wrongType(full, "array");
        }
        List<String> out = new ArrayList<>(list.size());
        QapiMember str = QapiMember.required("str", QapiType.STR);
        for (int i = 0; i < list.size(); i++) {
            String elementName = full + "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> element)) {
                throw QapiErrors.wrongType(elementName, "object");
            }
            @SuppressWarnings("unchecked")
            QObjectSource inner = new QObjectSource((Map<String, Object>) element, elementName + ".");
            out.add((String) inner.readAll(List.of(str))[0]);
            inner.checkAllConsumed();
        }
        return List.copyOf(out);
    }

    /** qnum_get_try_int(): a JSON integer within int64. */
    private static Long signed(Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger b && b.bitLength() < 64) {
            return b.longValue();
        }
        return null;
    }

    /** qnum_get_try_uint(), then qnum_get_try_int() wrapping a negative value. */
    private static Long unsignedBits(Object v) {
        Long l = signed(v);
        if (l != null) {
            return l;
        }
        if (v instanceof BigInteger b && b.signum() > 0 && b.compareTo(UINT64_MAX) <= 0) {
            return b.longValue();
        }
        return null;   // double, BigDecimal, or an integer beyond 64 bits (a double to QEMU)
    }

    @Override
    public void checkAllConsumed() {
        // QEMU reports one of the leftovers in hash-table order; we report the first given.
        for (String name : unvisited) {
            throw QapiErrors.unexpected(path + name);
        }
    }

}
