package io.netfabric.core.options;

import java.util.List;

/**
 * The QAPI types the netdev schema uses for members, with the Java type a record component of
 * that type must have. Unsigned 64-bit values ({@code uint64}, {@code size}) are held in a
 * {@code Long} as their two's-complement bits (use {@link Long#toUnsignedString(long)}).
 */
public enum QapiType {
    STR("str", String.class),
    BOOL("bool", Boolean.class),
    INT("int", Long.class),
    INT32("int32", Integer.class),
    UINT16("uint16", Integer.class),
    UINT32("uint32", Long.class),
    UINT64("uint64", Long.class),
    SIZE("size", Long.class),
    /** {@code ['String']}: on the wire a list of {@code {"str": ...}} objects. */
    STR_LIST("['String']", List.class),
    /** A QAPI enum; the member names its values. Held as the value's name. */
    ENUM("enum", String.class),
    /**
     * The {@code SocketAddress} union, a struct-valued member: dotted keys on the command line
     * ({@code addr.host=...}), a nested object in QMP.
     */
    SOCKET_ADDRESS("SocketAddress", SocketAddressOptions.class);

    private final String qapiName;
    private final Class<?> javaType;

    QapiType(String qapiName, Class<?> javaType) {
        this.qapiName = qapiName;
        this.javaType = javaType;
    }

    /** The type as the schema spells it ({@code uint16}, {@code ['String']}). */
    public String qapiName() {
        return qapiName;
    }

    public Class<?> javaType() {
        return javaType;
    }

    /** The schema's spelling -> type; null for a type this model does not know. */
    public static QapiType fromSchema(String spelling) {
        for (QapiType t : values()) {
            if (t != ENUM && t.qapiName.equals(spelling)) {
                return t;
            }
        }
        return null;
    }

    /** Largest value of a bounded integer type, and the C type QEMU names in its range error. */
    long max() {
        return switch (this) {
            case INT32 -> Integer.MAX_VALUE;
            case UINT16 -> 0xffffL;
            case UINT32 -> 0xffff_ffffL;
            default -> throw new IllegalStateException(name());
        };
    }

    /** {@code visit_type_intN}/{@code visit_type_uintN} (qapi/qapi-visit-core.c) name the C type. */
    String cName() {
        return qapiName + "_t";
    }
}
