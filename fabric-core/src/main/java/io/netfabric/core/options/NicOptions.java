package io.netfabric.core.options;

import java.util.List;

/**
 * Create a new Network Interface Card (legacy {@code -net nic}). QAPI {@code NetLegacyNicOptions}, the {@code nic} branch of {@code Netdev}.
 * Components are the schema's members in schema order; absent optional members are null.
 */
public record NicOptions(
        String netdev,
        String macaddr,
        String model,
        String addr,
        Long vectors) implements NetdevOptions {

    public static final String TYPE = "nic";

    /** The schema's members, in the order of the components above. */
    public static final List<QapiMember> MEMBERS = List.of(
            QapiMember.optional("netdev", QapiType.STR),
            QapiMember.optional("macaddr", QapiType.STR),
            QapiMember.optional("model", QapiType.STR),
            QapiMember.optional("addr", QapiType.STR),
            QapiMember.optional("vectors", QapiType.UINT32));

    @Override
    public String type() {
        return TYPE;
    }
}
