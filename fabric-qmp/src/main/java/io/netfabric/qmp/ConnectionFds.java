package io.netfabric.qmp;

import io.netfabric.core.FabricException;

/**
 * What one monitor connection holds of descriptors: those that came with its last read that
 * carried any (chardev/char-socket.c {@code read_msgfds}: a newer batch closes an unclaimed older
 * one, and the connection's end closes what is left) and its monitor's {@link MonitorFdTable}.
 * A connection that cannot carry descriptors (stdio, TCP, a dispatcher called directly) simply
 * never receives any.
 */
public final class ConnectionFds {
    private final MonitorFdTable table;
    private int[] received = new int[0];

    ConnectionFds(MonitorFdTable table) {
        this.table = table;
    }

    /** A connection of its own, with an empty table: what a dispatcher called without a socket gets. */
    static ConnectionFds detached() {
        return new ConnectionFds(new MonitorFdTable());
    }

    MonitorFdTable table() {
        return table;
    }

    /** Descriptors that arrived with one read. */
    void offer(int[] fds) {
        int[] old;
        synchronized (this) {
            old = received;
            received = fds;
        }
        for (int fd : old) {
            Descriptors.close(fd);
        }
    }

    /**
     * QMP {@code getfd} (monitor/misc.c {@code qmp_getfd}): the first descriptor received is named
     * {@code name} and the others of its batch are closed ({@code qemu_chr_fe_get_msgfd}).
     */
    void claimAs(String name) {
        int[] batch;
        synchronized (this) {
            batch = received;
            received = new int[0];
        }
        if (batch.length == 0) {
            throw FabricException.generic("No file descriptor supplied via SCM_RIGHTS");
        }
        for (int i = 1; i < batch.length; i++) {
            Descriptors.close(batch[i]);
        }
        if (!name.isEmpty() && name.charAt(0) >= '0' && name.charAt(0) <= '9') {
            // A name that starts with a digit would read as a descriptor number in fd= (FdParam).
            Descriptors.close(batch[0]);
            throw FabricException.generic("Parameter 'fdname' expects a name not starting with a digit");
        }
        table.put(name, batch[0]);
    }

    /** The connection ended: what nobody claimed is closed; named descriptors stay with the monitor. */
    void closeReceived() {
        offer(new int[0]);
    }
}
