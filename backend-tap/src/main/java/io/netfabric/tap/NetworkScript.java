package io.netfabric.tap;

import io.netfabric.core.FabricException;
import java.io.IOException;

/**
 * QEMU net/tap.c {@code launch_script}: runs {@code script ifname} (no shell, environment
 * unchanged) and waits; anything but exit status 0 fails with the raw wait status in the
 * message, as QEMU prints it (256 for exit 1). A script that cannot be started fails as QEMU's
 * child does when {@code execv} fails: exit 1.
 */
final class NetworkScript {
    static final String DEFAULT_UP = "/etc/qemu-ifup";
    static final String DEFAULT_DOWN = "/etc/qemu-ifdown";

    private NetworkScript() {
    }

    /** The script to run: the default when not given, null when turned off ({@code no} or empty). */
    static String choose(String given, String dflt) {
        String s = given == null ? dflt : given;
        return s.isEmpty() || s.equals("no") ? null : s;
    }

    /** The text QEMU shows for it in {@code info network}: the path, or {@code no}. */
    static String shown(String given, String dflt) {
        return given == null ? dflt : given;
    }

    static void run(String script, String ifname) {
        int status;
        try {
            Process p = new ProcessBuilder(script, ifname).inheritIO().start();
            int exit = p.waitFor();
            // Java reports a signal death as 128+sig; QEMU prints the raw status (the signal).
            status = exit > 128 && !p.toHandle().isAlive() && exit < 160 ? exit - 128 : exit << 8;
        } catch (IOException e) {
            status = 1 << 8;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw FabricException.generic("could not launch network script " + script + ": interrupted");
        }
        if (status != 0) {
            throw FabricException.generic("network script " + script + " failed with status " + status);
        }
    }
}
