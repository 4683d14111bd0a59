package io.netfabric.core;

import java.util.Objects;

/**
 * A refused request: bad options, an unknown id, a backend that could not start. Carries QEMU's
 * error class and message so that QMP and the command line can report it in QEMU's words.
 *
 * <p>Thrown only by management operations (netdev_add, set_link, ...), never on the frame path.
 */
public final class FabricException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorClass errorClass;
    private final String hint;
    private String reportedBefore;

    public FabricException(ErrorClass errorClass, String message) {
        this(errorClass, message, null, null);
    }

    public FabricException(ErrorClass errorClass, String message, String hint, Throwable cause) {
        super(Objects.requireNonNull(message), cause);
        this.errorClass = Objects.requireNonNull(errorClass);
        this.hint = hint;
    }

    /** A {@link ErrorClass#GenericError}, the class of nearly every QEMU netdev error. */
    public static FabricException generic(String message) {
        return new FabricException(ErrorClass.GenericError, message);
    }

    /** QEMU's {@code Device 'X' not found}, class DeviceNotFound. */
    public static FabricException deviceNotFound(String name) {
        return new FabricException(ErrorClass.DeviceNotFound, "Device '" + name + "' not found");
    }

    public ErrorClass errorClass() {
        return errorClass;
    }

    /**
     * A line QEMU prints with {@code error_report} while the command runs, before it fails with
     * this message (a guestfwd target that is no chardev: {@code 'X' is not a valid char driver}):
     * located on the command line, on stderr under QMP, in the output of an HMP command.
     */
    public FabricException reportedBefore(String line) {
        this.reportedBefore = line;
        return this;
    }

    /** The line of {@link #reportedBefore(String)}, or null. */
    public String reportedBefore() {
        return reportedBefore;
    }

    /**
     * QEMU's extra line printed after the message on the command line only
     * ({@code error_append_hint}), or null. QMP replies never carry it.
     */
    public String hint() {
        return hint;
    }
}
