package io.netfabric.user.ip;

/** Takes the guest's datagrams to one address and port (or, as the fallback, to any). */
@FunctionalInterface
public interface UdpHandler {
    /** Handles {@code d} at time {@code now} (nanoseconds); answers false to have the router refuse it. */
    boolean datagram(UdpDatagram d, long now);
}
