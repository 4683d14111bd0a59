package io.netfabric.qmp;

import java.nio.file.Path;

/**
 * Where a QMP server listens, parsed from QEMU's {@code -qmp} chardev syntax:
 * {@code unix:PATH,server=on,wait=off} or {@code tcp:HOST:PORT,server=on,wait=off}, with the old
 * spellings {@code server} and {@code nowait}. We only serve and never block for a client, so
 * {@code server=off} and {@code wait=on} are refused rather than half honoured.
 */
public sealed interface QmpEndpoint {
    record Unix(Path path) implements QmpEndpoint {
    }

    /** {@code port} 0 picks a free port. */
    record Tcp(String host, int port) implements QmpEndpoint {
    }

    /** Parses a {@code -qmp} argument; refusals say what is wrong, without the option. */
    public static QmpEndpoint parse(String spec) {
        String[] parts = spec.split(",");
        String address = parts[0];
        boolean server = false;
        for (int i = 1; i < parts.length; i++) {
            String opt = parts[i];
            switch (opt) {
                case "server", "server=on", "server=yes" -> server = true;
                case "server=off", "server=no" -> throw new IllegalArgumentException(
                        "netfabric only serves QMP; use server=on");
                case "nowait", "wait=off", "wait=no" -> {
                }
                case "wait", "wait=on", "wait=yes" -> throw new IllegalArgumentException(
                        "netfabric does not wait for a QMP client; use wait=off");
                default -> throw new IllegalArgumentException("unknown option '" + opt + "'");
            }
        }
        if (!server) {
            throw new IllegalArgumentException("netfabric only serves QMP; add server=on");
        }
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
