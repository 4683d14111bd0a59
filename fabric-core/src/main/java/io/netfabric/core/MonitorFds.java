package io.netfabric.core;

/**
 * The file descriptors a QMP session was given by name ({@code getfd}, {@code add-fd}): what
 * QEMU's {@code monitor_fd_param} looks a non-numeric {@code fd=} value up in when a command
 * came from a monitor. The command line has no monitor, so there only numbers are accepted.
 */
@FunctionalInterface
public interface MonitorFds {
    /**
     * The descriptor named {@code name}; QEMU's {@code monitor_get_fd} hands it over (removes it
     * from the monitor). Throws QEMU's {@code File descriptor named 'x' has not been found}.
     */
    int take(String name);

    /** A monitor that holds no descriptors. */
    MonitorFds NONE = name -> {
        throw FabricException.generic("File descriptor named '" + name + "' has not been found");
    };
}
