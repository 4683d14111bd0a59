package io.netfabric.tap;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.MonitorFds;

/**
 * QEMU monitor/misc.c {@code monitor_fd_param}: under a monitor, a value not starting with a
 * digit names a descriptor the session was given; otherwise (and always on the command line)
 * it is a number this process inherited ({@code qemu_parse_fd}: decimal, the whole string).
 */
final class FdParam {
    private FdParam() {
    }

    static int parse(Fabric fabric, String value) {
        MonitorFds monitor = fabric.currentMonitor();
        boolean number = !value.isEmpty() && Character.isDigit(value.charAt(0));
        if (monitor != null && !number) {
            return monitor.take(value);
        }
        try {
            if (number) {
                long v = Long.parseLong(value);
                if (v <= Integer.MAX_VALUE) {
                    return (int) v;
                }
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw FabricException.generic("Invalid file descriptor number '" + value + "'");
    }
}
