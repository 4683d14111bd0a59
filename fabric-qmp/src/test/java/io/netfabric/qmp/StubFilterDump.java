package io.netfabric.qmp;

import io.netfabric.core.NetClient;
import io.netfabric.core.NetFilter;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stand-in filter-dump: passes every frame, records what it was made with. */
final class StubFilterDump implements FilterDumpFactory {
    record Made(String id, String netdev, String file, long maxlen) {
    }

    final List<Made> made = new CopyOnWriteArrayList<>();
    final List<String> closed = new CopyOnWriteArrayList<>();

    @Override
    public NetFilter create(String id, String netdev, String file, long maxlen) {
        made.add(new Made(id, netdev, file, maxlen));
        return new NetFilter() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public Direction direction() {
                return Direction.ALL;
            }

            @Override
            public boolean filter(NetClient c, ByteBuf frame, Direction d) {
                return false;
            }

            @Override
            public void close() {
                closed.add(id);
            }
        };
    }
}
