package io.netfabric.core.options;

import java.util.List;

/**
 * A port of a software hub. QAPI {@code NetdevHubPortOptions}, the {@code hubport} branch of {@code Netdev}.
 * Components are the schema's members in schema order; absent optional members are null.
 */
public record HubPortOptions(
        Integer hubid,
        String netdev) implements NetdevOptions {

    public static final String TYPE = "hubport";

    /** The schema's members, in the order of the components above. */
    public static final List<QapiMember> MEMBERS = List.of(
            QapiMember.required("hubid", QapiType.INT32),
            QapiMember.optional("netdev", QapiType.STR));

    @Override
    public String type() {
        return TYPE;
    }
}
