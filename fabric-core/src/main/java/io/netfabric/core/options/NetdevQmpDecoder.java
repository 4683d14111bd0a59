package io.netfabric.core.options;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Front door 2: the arguments of QMP {@code netdev_add} (and of a JSON {@code -netdev}),
 * already turned into plain Java values: {@code Map<String,Object>} in member order with String,
 * Boolean, Integer/Long/BigInteger, Double, List, Map and null values. Messages are those of
 * qapi/qobject-input-visitor.c; the order of checks is QEMU's: id, type, the branch's members in
 * schema order, unexpected members, then (QMP only) the id's syntax
 * ({@code qmp_netdev_add()}), then whether the type is available ({@code net_client_init1()}).
 */
public final class NetdevQmpDecoder {
    private NetdevQmpDecoder() {
    }

    /** QMP {@code netdev_add}. See {@link NetdevOptionParser#parseNetdev} for {@code available}. */
    public static Netdev decode(Map<String, Object> arguments, Set<String> available) {
        return decode(arguments, available, true);
    }

    /**
     * JSON {@code -netdev '{...}'}: the same decoding, but QEMU 7.2 does not check the id's
     * syntax on this path (net/net.c {@code netdev_parse_modern()}).
     */
    public static Netdev decodeCommandLineJson(Map<String, Object> arguments, Set<String> available) {
        return decode(arguments, available, false);
    }

    private static Netdev decode(Map<String, Object> arguments, Set<String> available, boolean checkId) {
        NetdevOptionParser.Visited v = visit(arguments);
        if (checkId) {
            NetdevRules.checkId(v.id(), false);
        }
        NetdevRules.checkNetdevAvailable(v.type(), available);   // refuses none (options null) too
        return new Netdev(v.id(), v.options());
    }

    /** The QAPI visit alone: every branch (nic too), no id syntax or availability check. */
    static NetdevOptionParser.Visited visit(Map<String, Object> arguments) {
        Objects.requireNonNull(arguments);
        QObjectSource source = new QObjectSource(arguments, "");
        String id = source.readString("id");
        String type = source.readString("type");
        NetdevRules.checkKnownType(type);
        NetdevBranch branch = NetdevBranch.forType(type);
        NetdevOptions options = branch == null ? null : branch.create(source.readAll(branch.members()));
        source.checkAllConsumed();
        return new NetdevOptionParser.Visited(id, type, options);
    }
}
