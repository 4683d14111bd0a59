package io.netfabric.l2tpv3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

/** A UDP port on 127.0.0.1 that was free a moment ago (for netdevs that must name their port). */
final class FreePorts {
    private FreePorts() {
    }

    static int udp() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
