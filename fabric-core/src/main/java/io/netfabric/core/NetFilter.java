package io.netfabric.core;

import io.netty.buffer.ByteBuf;

/**
 * A packet filter attached to a netdev (QEMU net/filter.c), such as filter-dump. Runs on the
 * fabric's event loop for every frame that passes the netdev in the filter's direction.
 */
public interface NetFilter {
    /** Which frames a filter sees, from the netdev's point of view (QEMU's {@code queue=}). */
    enum Direction {
        /** Frames sent to the netdev (QEMU {@code rx}). */
        RX,
        /** Frames sent by the netdev (QEMU {@code tx}). */
        TX,
        /** Both ({@code all}, the default). */
        ALL;

        boolean covers(Direction d) {
            return this == ALL || this == d;
        }
    }

    String id();

    Direction direction();

    /**
     * What HMP's {@code info network} prints after the id: {@code type=TYPE} and the properties
     * as QEMU's netfilter_print_info lists them.
     */
    default String info() {
        return "type=filter";
    }

    /**
     * Sees one frame. Returns true when the filter consumed it (it then owns the reference);
     * false to pass it on unchanged, in which case it must not retain or modify the buffer.
     */
    boolean filter(NetClient netdev, ByteBuf frame, Direction direction);

    /** Called once when the filter is removed (object-del, netdev_del, fabric close). */
    default void close() {
    }
}
