package io.netfabric.vhost;

import io.netfabric.core.ErrorClass;
import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.options.VhostUserOptions;
import io.netfabric.core.spi.NetdevFactory;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code -netdev vhost-user,chardev=ID[,vhostforce=on|off][,queues=N]}. QEMU 7.2 net/vhost-user.c
 * {@code net_init_vhost_user}: the chardev is looked up first ({@code chardev "X" not found}),
 * then the queue count ({@code vhost-user number of queues must be in range [1, 1024]}). netfabric
 * has no chardev objects, so today the first check always refuses, with QEMU's words and a
 * command-line hint; should a chardev ever be found, the request is refused as not supported
 * yet, never accepted silently.
 */
public final class VhostUserFactory implements NetdevFactory {
    /** QEMU net/vhost-user.c MAX_QUEUE_NUM. */
    static final long MAX_QUEUES = 1024;
    static final String HINT = "netfabric has no -chardev and does not run vhost-user yet\n";

    private final Predicate<String> chardevExists;

    public VhostUserFactory() {
        this(id -> false);
    }

    /** Tests pass a chardev table to reach the checks after the lookup. */
    VhostUserFactory(Predicate<String> chardevExists) {
        this.chardevExists = chardevExists;
    }

    @Override
    public Set<String> types() {
        return Set.of(VhostUserOptions.TYPE);
    }

    @Override
    public NetClient create(Fabric fabric, Netdev netdev) {
        VhostUserOptions o = (VhostUserOptions) netdev.options();
        if (!chardevExists.test(o.chardev())) {
            throw new FabricException(ErrorClass.GenericError, "chardev \"" + o.chardev() + "\" not found", HINT, null);
        }
        long queues = o.queues() == null ? 1 : o.queues();
        if (queues < 1 || queues > MAX_QUEUES) {
            throw FabricException.generic("vhost-user number of queues must be in range [1, " + MAX_QUEUES + "]");
        }
        throw FabricException.generic("vhost-user is not supported by netfabric yet (chardev \"" + o.chardev() + "\")");
    }
}
