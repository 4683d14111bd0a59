package io.netfabric.core.options;

import java.util.List;

/**
 * A VDE switch port. QAPI {@code NetdevVdeOptions}, the {@code vde} branch of {@code Netdev}.
 * Components are the schema's members in schema order; absent optional members are null.
 */
public record VdeOptions(
        String sock,
        Integer port,
        String group,
        Integer mode) implements NetdevOptions {

    public static final String TYPE = "vde";

    /** The schema's members, in the order of the components above. */
    public static final List<QapiMember> MEMBERS = List.of(
            QapiMember.optional("sock", QapiType.STR),
            QapiMember.optional("port", QapiType.UINT16),
            QapiMember.optional("group", QapiType.STR),
            QapiMember.optional("mode", QapiType.UINT16));

    @Override
    public String type() {
        return TYPE;
    }
}
