package io.netfabric.qmp;

import io.netfabric.core.FabricException;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.options.NetdevOptions;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Stand-in for fabric-core's options decoder: {@code hubport} ({@code hubid} int32 required,
 * {@code netdev} optional) and an option-less {@code user}, checked in QEMU's order (base members
 * id and type, the branch's members, unexpected members, then the id's form).
 */
final class HubportArguments implements NetdevArguments {
    private static final Set<String> NET_CLIENT_DRIVERS = Set.of("none", "nic", "user", "tap", "l2tpv3",
            "socket", "vde", "bridge", "hubport", "netmap", "vhost-user", "vhost-vdpa");
    private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");

    record HubportOptions(int hubid, String netdev) implements NetdevOptions {
        @Override
        public String type() {
            return "hubport";
        }
    }

    record UserOptions() implements NetdevOptions {
        @Override
        public String type() {
            return "user";
        }
    }

    @Override
    public Netdev decode(Map<String, Object> a, Set<String> availableTypes) {
        Set<String> seen = new HashSet<>();
        String id = string(a, "id", true, seen);
        String type = string(a, "type", true, seen);
        if (!NET_CLIENT_DRIVERS.contains(type)) {
            throw FabricException.generic("Parameter 'type' does not accept value '" + type + "'");
        }
        NetdevOptions options;
        if (type.equals("hubport")) {
            seen.add("hubid");
            Object h = a.get("hubid");
            if (h == null) {
                throw FabricException.generic("Parameter 'hubid' is missing");
            }
            if (!(h instanceof Long) && !(h instanceof BigInteger)) {
                throw FabricException.generic("Invalid parameter type for 'hubid', expected: integer");
            }
            if (!(h instanceof Long l) || l != l.intValue()) {
                throw FabricException.generic("Parameter 'hubid' expects int32_t");
            }
            options = new HubportOptions(((Long) h).intValue(), string(a, "netdev", false, seen));
        } else if (type.equals("user")) {
            options = new UserOptions();
        } else {
            throw FabricException.generic("network backend '" + type + "' is not compiled into this binary");
        }
        for (String k : a.keySet()) {
            if (!seen.contains(k)) {
                throw FabricException.generic("Parameter '" + k + "' is unexpected");
            }
        }
        if (!ID.matcher(id).matches()) {
            throw FabricException.generic("Parameter 'id' expects an identifier");
        }
        return new Netdev(id, options);
    }

    private static String string(Map<String, Object> a, String name, boolean required, Set<String> seen) {
        seen.add(name);
        Object v = a.get(name);
        if (v == null) {
            if (required) {
                throw FabricException.generic("Parameter '" + name + "' is missing");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw FabricException.generic("Invalid parameter type for '" + name + "', expected: string");
        }
        return s;
    }

    @Override
    public Map<String, Object> encode(Netdev netdev) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", netdev.id());
        m.put("type", netdev.options().type());
        if (netdev.options() instanceof HubportOptions h) {
            m.put("hubid", (long) h.hubid());
            if (h.netdev() != null) {
                m.put("netdev", h.netdev());
            }
        }
        return m;
    }
}
