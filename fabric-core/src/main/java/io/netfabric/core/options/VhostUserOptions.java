package io.netfabric.core.options;

import java.util.List;

/**
 * A vhost-user backend. QAPI {@code NetdevVhostUserOptions}, the {@code vhost-user} branch of {@code Netdev}.
 * Components are the schema's members in schema order; absent optional members are null.
 */
public record VhostUserOptions(
        String chardev,
        Boolean vhostforce,
        Long queues) implements NetdevOptions {

    public static final String TYPE = "vhost-user";

    /** The schema's members, in the order of the components above. */
    public static final List<QapiMember> MEMBERS = List.of(
            QapiMember.required("chardev", QapiType.STR),
            QapiMember.optional("vhostforce", QapiType.BOOL),
            QapiMember.optional("queues", QapiType.INT));

    @Override
    public String type() {
        return TYPE;
    }
}
