package io.netfabric.socket;

import io.netty.channel.unix.Errors;
import java.net.ConnectException;

/**
 * QEMU appends {@code strerror(errno)} to its socket errors ({@code error_setg_errno}); Netty
 * reports the same errno in its own words ({@code bind(..) failed with error(-98): Address
 * already in use} from
 * the native transport, the JDK's text from NIO). This recovers the C text.
 */
final class OsErrors {
    private OsErrors() {
    }

    /** The strerror part of a socket exception: {@code Connection refused}, {@code Address already in use}. */
    static String strerror(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && !(c instanceof Errors.NativeIoException) && !(c instanceof ConnectException)) {
            c = c.getCause();
        }
        String m = c.getMessage();
        if (m == null) {
            return c.getClass().getSimpleName();
        }
        // "bind(..) failed with error(-98): Address already in use", "connect(..) failed: ..."
        m = m.replaceFirst("^.*?failed(?: with error\\(-?\\d+\\))?: ", "");
        // Netty's connect exceptions append ": /127.0.0.1:5000"; strerror has no address.
        int addr = m.indexOf(": /");
        if (addr >= 0) {
            m = m.substring(0, addr);
        }
        return m;
    }
}
