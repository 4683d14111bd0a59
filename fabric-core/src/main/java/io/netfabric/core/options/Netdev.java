package io.netfabric.core.options;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed netdev: QAPI {@code Netdev} ({@code id}, the discriminator {@code type} and the
 * branch's members). {@code id} is null only for a legacy {@code -net} given without one: the
 * fabric then generates a name, as QEMU's {@code id_generate(ID_NET)} does.
 */
public record Netdev(String id, NetdevOptions options) {

    public Netdev {
        Objects.requireNonNull(options);
    }

    public String type() {
        return options.type();
    }

    /**
     * The reverse mapping, for {@code query-netdev}: QAPI member names in schema order
     * ({@code id}, {@code type}, then the branch's members), absent optionals omitted. Values are
     * what a JSON writer takes: String, Boolean, Integer/Long, a {@code uint64}/{@code size} above
     * {@link Long#MAX_VALUE} as BigInteger, and a {@code ['String']} list as QAPI puts it on the
     * wire, a list of {@code {"str": value}} maps (so that the map is valid netdev_add input).
     */
    public Map<String, Object> toQapi() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (id != null) {
            out.put("id", id);
        }
        out.put("type", type());
        NetdevBranch branch = NetdevBranch.of(options);
        List<Object> values = branch.values(options);
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            if (v != null) {
                out.put(branch.members().get(i).name(), toQapiValue(branch.members().get(i).type(), v));
            }
        }
        return out;
    }

    static Object toQapiValue(QapiType type, Object v) {
        switch (type) {
            case UINT64, SIZE -> {
                long bits = (Long) v;
                return bits >= 0 ? (Object) bits : new BigInteger(Long.toUnsignedString(bits));
            }
            case STR_LIST -> {
                List<Map<String, Object>> list = new ArrayList<>();
                for (Object s : (List<?>) v) {
                    list.add(Map.of("str", s));
                }
                return list;
            }
            case SOCKET_ADDRESS -> {
                return SocketAddressOptions.toQapi((SocketAddressOptions) v);
            }
            default -> {
                return v;
            }
        }
    }
}
