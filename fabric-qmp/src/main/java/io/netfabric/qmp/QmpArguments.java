package io.netfabric.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netfabric.core.FabricException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's {@code arguments} object, read the way QEMU's qapi/qobject-input-visitor.c reads
 * it: members are visited in schema order, the first missing or mistyped one is the error, and
 * {@link #end()} then refuses the first member nobody visited ({@code visit_check_struct}, in
 * QDict order).
 */
public final class QmpArguments {
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final ObjectNode object;
    private final Set<String> visited = new HashSet<>();
    private final List<Runnable> afterReply;
    private final ConnectionFds fds;

    QmpArguments(ObjectNode object, List<Runnable> afterReply, ConnectionFds fds) {
        this.object = object;
        this.afterReply = afterReply;
        this.fds = fds;
    }

    /** Arguments for a handler called directly (tests, embedders). */
    public static QmpArguments of(ObjectNode object) {
        return new QmpArguments(object, new ArrayList<>(), ConnectionFds.detached());
    }

    /** The descriptors of the connection the command came through (QEMU's {@code monitor_cur()}). */
    ConnectionFds descriptors() {
        return fds;
    }

    /** The raw object; marks every member visited (for boxed commands such as netdev_add). */
    public ObjectNode all() {
        object.fieldNames().forEachRemaining(visited::add);
        return object;
    }

    /** Runs {@code action} once the reply has been sent ({@code quit}). */
    public void afterReply(Runnable action) {
        afterReply.add(action);
    }

    public String requiredString(String name) {
        return string(name, required(name));
    }

    public String optionalString(String name) {
        JsonNode v = optional(name);
        return v == null ? null : string(name, v);
    }

    public boolean requiredBool(String name) {
        JsonNode v = required(name);
        if (!v.isBoolean()) {
            throw invalidType(name, "boolean");
        }
        return v.booleanValue();
    }

    /**
     * A required {@code 'int'} member: a JSON integer within int64 (QEMU's
     * {@code qobject_input_type_int64}: a float or a larger integer is a type error).
     */
    public long requiredInt(String name) {
        JsonNode v = required(name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw invalidType(name, "integer");
        }
        return v.longValue();
    }

    /** An optional {@code ['str']} member; null when absent. Elements are named {@code name[i]}. */
    public List<String> optionalStringList(String name) {
        JsonNode v = optionalArray(name);
        if (v == null) {
            return null;
        }
        List<String> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            out.add(string(name + "[" + i + "]", v.get(i)));
        }
        return out;
    }

    /** An optional list member ({@code 'array'}); null when absent. */
    public JsonNode optionalArray(String name) {
        JsonNode v = optional(name);
        if (v != null && !v.isArray()) {
            throw invalidType(name, "array");
        }
        return v;
    }

    /** A member present or absent, not type-checked; null when absent. */
    public JsonNode optional(String name) {
        visited.add(name);
        return object.get(name);
    }

    public JsonNode required(String name) {
        JsonNode v = optional(name);
        if (v == null) {
            throw FabricException.generic("Parameter '" + name + "' is missing");
        }
        return v;
    }

    /** QEMU's {@code visit_check_struct}: no member may be left unvisited. */
    public void end() {
        for (String k : QJsonWriter.qdictOrder(object)) {
            if (!visited.contains(k)) {
                throw FabricException.generic("Parameter '" + k + "' is unexpected");
            }
        }
    }

    private static String string(String name, JsonNode v) {
        if (!v.isTextual()) {
            throw invalidType(name, "string");
        }
        return v.textValue();
    }

    static FabricException invalidType(String name, String expected) {
        return FabricException.generic("Invalid parameter type for '" + name + "', expected: " + expected);
    }

    /**
     * The object as a plain Java tree for the options decoder: String, Boolean, Long (or
     * BigInteger above Long.MAX_VALUE, up to uint64), Double, List, Map (insertion ordered),
     * null for JSON null.
     */
    public static Map<String, Object> toJava(ObjectNode object) {
        Map<String, Object> m = new LinkedHashMap<>();
        object.properties().forEach(e -> m.put(e.getKey(), toJava(e.getValue())));
        return m;
    }

    static Object toJava(JsonNode v) {
        switch (v.getNodeType()) {
            case OBJECT:
                return toJava((ObjectNode) v);
            case ARRAY: {
                List<Object> l = new ArrayList<>(v.size());
                v.forEach(e -> l.add(toJava(e)));
                return l;
            }
            case STRING:
                return v.textValue();
            case BOOLEAN:
                return v.booleanValue();
            case NUMBER:
                if (v.isIntegralNumber()) {
                    return v.canConvertToLong() ? (Object) v.longValue() : v.bigIntegerValue();
                }
                return v.doubleValue();
            default:
                return null;
        }
    }

    /** The reverse of {@link #toJava(ObjectNode)}, for replies built from Java maps. */
    @SuppressWarnings("unchecked")
    public static JsonNode toJson(Object v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v == null) {
            return f.nullNode();
        } else if (v instanceof Map<?, ?> m) {
            ObjectNode o = f.objectNode();
            ((Map<String, Object>) m).forEach((k, x) -> o.set(k, toJson(x)));
            return o;
        } else if (v instanceof List<?> l) {
            var a = f.arrayNode();
            l.forEach(x -> a.add(toJson(x)));
            return a;
        } else if (v instanceof String s) {
            return f.textNode(s);
        } else if (v instanceof Boolean b) {
            return f.booleanNode(b);
        } else if (v instanceof BigInteger b) {
            return b.signum() >= 0 && b.compareTo(UINT64_MAX) <= 0 ? f.numberNode(b) : f.numberNode(b.doubleValue());
        } else if (v instanceof Double || v instanceof Float) {
            return f.numberNode(((Number) v).doubleValue());
        } else if (v instanceof Number n) {
            return f.numberNode(n.longValue());
        } else if (v instanceof Enum<?> e) {
            return f.textNode(e.toString());
        }
        return f.textNode(v.toString());
    }
}
