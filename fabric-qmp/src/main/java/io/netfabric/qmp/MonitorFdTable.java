package io.netfabric.qmp;

import io.netfabric.core.FabricException;
import io.netfabric.core.MonitorFds;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A monitor's named descriptors (monitor/misc.c {@code mon->fds}): {@code getfd} names one,
 * {@code closefd} closes it, and a command's {@code fd=NAME} takes it ({@link #take}, QEMU's
 * {@code monitor_get_fd}: the netdev owns it from then on). One table per QMP server, so a name
 * given on one connection is there for the next, as QEMU's monitor keeps its list across the
 * clients of its chardev. Thread-safe: QMP names on the server's loop, the fabric takes on its own.
 */
public final class MonitorFdTable implements MonitorFds {
    private final Map<String, Integer> named = new LinkedHashMap<>();

    /** {@code getfd}: a name already in use gets the new descriptor and its old one is closed. */
    void put(String name, int fd) {
        Integer old;
        synchronized (this) {
            old = named.put(name, fd);
        }
        if (old != null) {
            Descriptors.close(old);
        }
    }

    /** {@code closefd}; QEMU's message when nothing has that name. */
    void close(String name) {
        Integer fd;
        synchronized (this) {
            fd = named.remove(name);
        }
        if (fd == null) {
            throw FabricException.generic("File descriptor named '" + name + "' not found");
        }
        Descriptors.close(fd);
    }

    @Override
    public int take(String name) {
        Integer fd;
        synchronized (this) {
            fd = named.remove(name);
        }
        if (fd == null) {
            return MonitorFds.NONE.take(name);   // throws QEMU's "has not been found"
        }
        return fd;
    }

    /** Closes every descriptor still named (the monitor goes away). */
    void closeAll() {
        Integer[] fds;
        synchronized (this) {
            fds = named.values().toArray(new Integer[0]);
            named.clear();
        }
        for (int fd : fds) {
            Descriptors.close(fd);
        }
    }
}
