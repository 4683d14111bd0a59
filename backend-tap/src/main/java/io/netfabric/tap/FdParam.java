package io.netfabric.tap;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;

/**
 * QEMU monitor/misc.c {@code monitor_fd_param} without a monitor: the value must be a
 * descriptor number this process inherited ({@code qemu_parse_fd}: decimal, whole string,
 * not negative).
 */
final class FdParam {
    private FdParam() {
    }

    static int parse(Fabric fabric, String value) {
        try {
            if (!value.isEmpty() && Character.isDigit(value.charAt(0))) {
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
