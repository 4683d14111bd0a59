package io.netfabric.core.options;

import java.util.List;

/**
 * A TAP interface joined to a host bridge. QAPI {@code NetdevBridgeOptions}, the {@code bridge} branch of {@code Netdev}.
 * Components are the schema's members in schema order; absent optional members are null.
 */
public record BridgeOptions(
        String br,
        String helper) implements NetdevOptions {

    public static final String TYPE = "bridge";

    /** The schema's members, in the order of the components above. */
    public static final List<QapiMember> MEMBERS = List.of(
            QapiMember.optional("br", QapiType.STR),
            QapiMember.optional("helper", QapiType.STR));

    @Override
    public String type() {
        return TYPE;
    }
}
