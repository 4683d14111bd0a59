package io.netfabric.core.options;

import java.util.List;

/**
 * A vhost-vdpa backend. QAPI {@code NetdevVhostVDPAOptions}, the {@code vhost-vdpa} branch of {@code Netdev}.
 * Components are the schema's members in schema order; absent optional members are null.
 */
public record VhostVdpaOptions(
        String vhostdev,
        Long queues) implements NetdevOptions {

    public static final String TYPE = "vhost-vdpa";

    /** The schema's members, in the order of the components above. */
    public static final List<QapiMember> MEMBERS = List.of(
            QapiMember.optional("vhostdev", QapiType.STR),
            QapiMember.optional("queues", QapiType.INT));

    @Override
    public String type() {
        return TYPE;
    }
}
