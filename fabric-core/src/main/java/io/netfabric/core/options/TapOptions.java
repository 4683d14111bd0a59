package io.netfabric.core.options;

import java.util.List;

/**
 * A host TAP interface. QAPI {@code NetdevTapOptions}, the {@code tap} branch of {@code Netdev}.
 * Components are the schema's members in schema order; absent optional members are null.
 */
public record TapOptions(
        String ifname,
        String fd,
        String fds,
        String script,
        String downscript,
        String br,
        String helper,
        Long sndbuf,
        Boolean vnetHdr,
        Boolean vhost,
        String vhostfd,
        String vhostfds,
        Boolean vhostforce,
        Long queues,
        Long pollUs) implements NetdevOptions {

    public static final String TYPE = "tap";

    /** The schema's members, in the order of the components above. */
    public static final List<QapiMember> MEMBERS = List.of(
            QapiMember.optional("ifname", QapiType.STR),
            QapiMember.optional("fd", QapiType.STR),
            QapiMember.optional("fds", QapiType.STR),
            QapiMember.optional("script", QapiType.STR),
            QapiMember.optional("downscript", QapiType.STR),
            QapiMember.optional("br", QapiType.STR),
            QapiMember.optional("helper", QapiType.STR),
            QapiMember.optional("sndbuf", QapiType.SIZE),
            QapiMember.optional("vnet_hdr", QapiType.BOOL),
            QapiMember.optional("vhost", QapiType.BOOL),
            QapiMember.optional("vhostfd", QapiType.STR),
            QapiMember.optional("vhostfds", QapiType.STR),
            QapiMember.optional("vhostforce", QapiType.BOOL),
            QapiMember.optional("queues", QapiType.UINT32),
            QapiMember.optional("poll-us", QapiType.UINT32));

    @Override
    public String type() {
        return TYPE;
    }
}
