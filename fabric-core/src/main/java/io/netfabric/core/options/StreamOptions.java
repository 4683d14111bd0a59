package io.netfabric.core.options;

import java.util.List;

/**
 * A stream socket (TCP or unix) carrying length-prefixed frames, QEMU 7.2's {@code stream}.
 * QAPI {@code NetdevStreamOptions}, the {@code stream} branch of {@code Netdev}. {@code reconnect}
 * (seconds, clients only) is QEMU 8.0's addition. Components are the schema's members in schema
 * order; absent optional members are null.
 */
public record StreamOptions(
        SocketAddressOptions addr,
        Boolean server,
        Long reconnect) implements NetdevOptions {

    public static final String TYPE = "stream";

    /** The schema's members, in the order of the components above. */
    public static final List<QapiMember> MEMBERS = List.of(
            QapiMember.required("addr", QapiType.SOCKET_ADDRESS),
            QapiMember.optional("server", QapiType.BOOL),
            QapiMember.optional("reconnect", QapiType.UINT32));

    @Override
    public String type() {
        return TYPE;
    }
}
