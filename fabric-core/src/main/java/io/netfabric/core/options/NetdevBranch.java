package io.netfabric.core.options;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One branch of the {@code Netdev} union: its type name, its member table and its record. The
 * record is built and read through its canonical constructor and accessors, so a branch needs no
 * code per field. The tables are checked against the records when this class loads: a component
 * of the wrong Java type or a count mismatch fails fast instead of decoding wrongly.
 */
public final class NetdevBranch {

    /** QAPI {@code NetClientDriver} (qapi/net.json): the union's branches plus {@code none}. */
    public static final String NONE = "none";

    private static final Map<String, NetdevBranch> BY_TYPE = new LinkedHashMap<>();

    static {
        register(NicOptions.TYPE, NicOptions.class, NicOptions.MEMBERS);
        register(UserOptions.TYPE, UserOptions.class, UserOptions.MEMBERS);
        register(TapOptions.TYPE, TapOptions.class, TapOptions.MEMBERS);
        register(L2tpv3Options.TYPE, L2tpv3Options.class, L2tpv3Options.MEMBERS);
        register(SocketOptions.TYPE, SocketOptions.class, SocketOptions.MEMBERS);
        register(VdeOptions.TYPE, VdeOptions.class, VdeOptions.MEMBERS);
        register(BridgeOptions.TYPE, BridgeOptions.class, BridgeOptions.MEMBERS);
        register(HubPortOptions.TYPE, HubPortOptions.class, HubPortOptions.MEMBERS);
        register(NetmapOptions.TYPE, NetmapOptions.class, NetmapOptions.MEMBERS);
        register(VhostUserOptions.TYPE, VhostUserOptions.class, VhostUserOptions.MEMBERS);
        register(VhostVdpaOptions.TYPE, VhostVdpaOptions.class, VhostVdpaOptions.MEMBERS);
        register(StreamOptions.TYPE, StreamOptions.class, StreamOptions.MEMBERS);
        register(DgramOptions.TYPE, DgramOptions.class, DgramOptions.MEMBERS);
    }

    private final String type;
    private final Class<? extends NetdevOptions> recordClass;
    private final List<QapiMember> members;
    private final RecordComponent[] components;
    private final Constructor<? extends NetdevOptions> constructor;

    private NetdevBranch(String type, Class<? extends NetdevOptions> recordClass, List<QapiMember> members) {
        this.type = type;
        this.recordClass = recordClass;
        this.members = List.copyOf(members);
        this.components = recordClass.getRecordComponents();
        if (components.length != members.size()) {
            throw new IllegalStateException(recordClass.getSimpleName() + " has " + components.length
                    + " components but " + members.size() + " schema members");
        }
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            if (types[i] != members.get(i).type().javaType()) {
                throw new IllegalStateException(recordClass.getSimpleName() + "." + components[i].getName()
                        + " is " + types[i].getSimpleName() + " but member '" + members.get(i).name()
                        + "' is " + members.get(i).type().qapiName());
            }
        }
        try {
            this.constructor = recordClass.getDeclaredConstructor(types);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void register(String type, Class<? extends NetdevOptions> recordClass, List<QapiMember> members) {
        BY_TYPE.put(type, new NetdevBranch(type, recordClass, members));
    }

    /** The branch for a {@code NetClientDriver} name, or null ({@code none} has no branch). */
    public static NetdevBranch forType(String type) {
        return BY_TYPE.get(type);
    }

    /** Every branch, in the schema's order. */
    public static List<NetdevBranch> all() {
        return List.copyOf(BY_TYPE.values());
    }

    /** Whether {@code type} is a value of the {@code NetClientDriver} enum. */
    static boolean isKnownType(String type) {
        return NONE.equals(type) || BY_TYPE.containsKey(type);
    }

    public String type() {
        return type;
    }

    public Class<? extends NetdevOptions> recordClass() {
        return recordClass;
    }

    public List<QapiMember> members() {
        return members;
    }

    /** Builds the record from decoded values, one per member in schema order (null = absent). */
    NetdevOptions create(Object[] values) {
        try {
            return constructor.newInstance(values);
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot build " + recordClass.getSimpleName(), e);
        }
    }

    /** The record's values, one per member in schema order (null = absent). */
    public List<Object> values(NetdevOptions options) {
        if (options.getClass() != recordClass) {
            throw new IllegalArgumentException(options.getClass() + " is not a " + type + " branch");
        }
        List<Object> out = new ArrayList<>(components.length);
        for (RecordComponent c : components) {
            try {
                out.add(c.getAccessor().invoke(options));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(e);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** The branch of a record. */
    public static NetdevBranch of(NetdevOptions options) {
        return BY_TYPE.get(options.type());
    }
}
