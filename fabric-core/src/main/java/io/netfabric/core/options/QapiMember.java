package io.netfabric.core.options;

import java.util.List;
import java.util.Objects;

/**
 * One member of a QAPI struct as the schema declares it: the wire name ({@code vnet_hdr},
 * {@code poll-us}), its type and whether it may be absent ({@code '*name'} in the schema).
 * A table of these, in schema order, drives both front doors and the reverse mapping, so the
 * order of errors is QEMU's: its visitors walk members in schema order too.
 */
public record QapiMember(String name, QapiType type, boolean required, List<String> enumValues) {

    public QapiMember {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        enumValues = List.copyOf(enumValues);
    }

    public static QapiMember required(String name, QapiType type) {
        return new QapiMember(name, type, true, List.of());
    }

    public static QapiMember optional(String name, QapiType type) {
        return new QapiMember(name, type, false, List.of());
    }

    public static QapiMember optionalEnum(String name, String... values) {
        return new QapiMember(name, QapiType.ENUM, false, List.of(values));
    }
}
