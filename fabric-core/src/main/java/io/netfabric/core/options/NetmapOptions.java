package io.netfabric.core.options;

import java.util.List;

/**
 * A netmap port or VALE switch port. QAPI {@code NetdevNetmapOptions}, the {@code netmap} branch of {@code Netdev}.
 * Components are the schema's members in schema order; absent optional members are null.
 */
public record NetmapOptions(
        String ifname,
        String devname) implements NetdevOptions {

    public static final String TYPE = "netmap";

    /** The schema's members, in the order of the components above. */
    public static final List<QapiMember> MEMBERS = List.of(
            QapiMember.required("ifname", QapiType.STR),
            QapiMember.optional("devname", QapiType.STR));

    @Override
    public String type() {
        return TYPE;
    }
}
