package io.netfabric.qmp;

import java.nio.file.Path;

/**
 * Where a QMP server listens, parsed from QEMU's {@code -qmp} chardev syntax:
 * {@code unix:PATH,server=on[,wait=off]} or {@code tcp:HOST:PORT,server=on[,wait=off]}, with the
 * old spellings {@code server} and {@code nowait}. As in QEMU, a server waits for its first
 * client unless told {@code wait=off} ({@link #waitsForClient}); {@code server=off} (QMP as a
 * client) is refused rather than half honoured.
 */
public sealed interface QmpEndpoint {
    record Unix(Path path) implements QmpEndpoint {
    }

    /** {@code port} 0 picks a free port. */
    record Tcp(String host, int port) implements QmpEndpoint {
    }

    /**
     * {@code -qmp stdio}: the monitor on standard input and output (as QEMU's stdio chardev),
     * served through {@link QmpStdio}.
     */
    record Stdio() implements QmpEndpoint {
    }

    /**
     * Whether startup waits for a client first: QEMU's chardev default for a server is
     * {@code wait=on} (it prints "QEMU waiting for connection on: ..." and blocks).
     */
    static boolean waitsForClient(String spec) {
        return !spec.equals("stdio") && options(spec);
    }

    /** The address as QEMU's chardev names it in that message: {@code unix:PATH,server=on}. */
    static String describe(String spec) {
        options(spec);
        return spec.split(",")[0] + ",server=on";
    }

    /** Checks the options after the address; returns whether the server waits. */
    private static boolean options(String spec) {
        String[] parts = spec.split(",");
        boolean server = false;
        boolean wait = true;
        for (int i = 1; i < parts.length; i++) {
            String opt = parts[i];
            switch (opt) {
                case "server", "server=on", "server=yes" -> server = true;
                case "server=off", "server=no" -> throw new IllegalArgumentException(
                        "netfabric serves its monitors and connects to none; use server=on");
                case "nowait", "wait=off", "wait=no" -> wait = false;
                case "wait", "wait=on", "wait=yes" -> wait = true;
                default -> throw new IllegalArgumentException("unknown option '" + opt + "'");
            }
        }
        if (!server) {
            throw new IllegalArgumentException("netfabric serves its monitors and connects to none; add server=on");
        }
        return wait;
    }

    /**
     * A spec that names no character device QEMU knows (chardev/char.c
     * {@code qemu_chr_parse_compat}): QEMU says {@code 'SPEC' is not a valid char driver}, then
     * {@code parse error: SPEC}, each with the option's location.
     */
    final class UnknownDriver extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String spec;

        UnknownDriver(String spec) {
            super("'" + spec + "' is not a valid char driver");
            this.spec = spec;
        }

        public String spec() {
            return spec;
        }
    }

    /** QEMU's other character devices: a monitor could sit on them in QEMU, not in netfabric. */
    private static boolean otherQemuDriver(String address) {
        return address.equals("null") || address.equals("pty") || address.equals("msmouse")
                || address.equals("wctablet") || address.equals("braille") || address.equals("testdev")
                || address.equals("vc") || address.startsWith("vc:") || address.startsWith("file:")
                || address.startsWith("pipe:") || address.startsWith("udp:") || address.startsWith("telnet:")
                || address.startsWith("tn3270:") || address.startsWith("websocket:") || address.startsWith("/dev/")
                || address.startsWith("mon:") || address.startsWith("chardev:");
    }

    /** Parses a {@code -qmp} or {@code -monitor} argument; refusals say what is wrong, without the option. */
    static QmpEndpoint parse(String spec) {
        if (spec.equals("stdio")) {
            return new Stdio();
        }
        String address = spec.split(",")[0];
        if (!address.startsWith("unix:") && !address.startsWith("tcp:")) {
            if (otherQemuDriver(address)) {
                throw new IllegalArgumentException("netfabric serves a monitor on unix:PATH or tcp:HOST:PORT with "
                        + "server=on, or on stdio");
            }
            throw new UnknownDriver(spec);
        }
        options(spec);
        if (address.startsWith("unix:") && address.length() > 5) {
            return new Unix(Path.of(address.substring(5)));
        }
        if (address.startsWith("tcp:")) {
            String hp = address.substring(4);
            int colon = hp.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("expected tcp:HOST:PORT");
            }
            String host = hp.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                return new Tcp(host.isEmpty() ? "0.0.0.0" : host, Integer.parseInt(hp.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad port", e);
            }
        }
        throw new IllegalArgumentException("expected unix:PATH or tcp:HOST:PORT");
    }
}
