package io.netfabric.core.options;

/**
 * The type-specific options of a netdev: one record per branch of the schema's {@code Netdev}
 * union. Adding a branch means a record (components in schema order, a {@code MEMBERS} table)
 * and one line in {@link NetdevBranch}; both front doors and the reverse mapping follow.
 */
public sealed interface NetdevOptions
        permits NicOptions, UserOptions, TapOptions, L2tpv3Options, SocketOptions, VdeOptions,
        BridgeOptions, HubPortOptions, NetmapOptions, VhostUserOptions, VhostVdpaOptions, StreamOptions,
        DgramOptions {

    /** The QAPI {@code NetClientDriver} name of this branch ({@code user}, {@code vhost-user}...). */
    String type();
}
