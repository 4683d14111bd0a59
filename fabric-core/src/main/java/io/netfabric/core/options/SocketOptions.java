package io.netfabric.core.options;

import java.util.List;

/**
 * The legacy socket backend (TCP, UDP, multicast). QAPI {@code NetdevSocketOptions}, the {@code socket} branch of {@code Netdev}.
 * Components are the schema's members in schema order; absent optional members are null.
 */
public record SocketOptions(
        String fd,
        String listen,
        String connect,
        String mcast,
        String localaddr,
        String udp) implements NetdevOptions {

    public static final String TYPE = "socket";

    /** The schema's members, in the order of the components above. */
    public static final List<QapiMember> MEMBERS = List.of(
            QapiMember.optional("fd", QapiType.STR),
            QapiMember.optional("listen", QapiType.STR),
            QapiMember.optional("connect", QapiType.STR),
            QapiMember.optional("mcast", QapiType.STR),
            QapiMember.optional("localaddr", QapiType.STR),
            QapiMember.optional("udp", QapiType.STR));

    @Override
    public String type() {
        return TYPE;
    }
}
