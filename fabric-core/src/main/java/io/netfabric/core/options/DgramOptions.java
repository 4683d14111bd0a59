package io.netfabric.core.options;

import java.util.List;

/**
 * Datagram sockets (UDP unicast or multicast, unix), one frame per datagram, QEMU 7.2's
 * {@code dgram}. QAPI {@code NetdevDgramOptions}, the {@code dgram} branch of {@code Netdev}.
 * Components are the schema's members in schema order; absent optional members are null.
 */
public record DgramOptions(
        SocketAddressOptions local,
        SocketAddressOptions remote) implements NetdevOptions {

    public static final String TYPE = "dgram";

    /** The schema's members, in the order of the components above. */
    public static final List<QapiMember> MEMBERS = List.of(
            QapiMember.optional("local", QapiType.SOCKET_ADDRESS),
            QapiMember.optional("remote", QapiType.SOCKET_ADDRESS));

    @Override
    public String type() {
        return TYPE;
    }
}
