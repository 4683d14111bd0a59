package io.netfabric.l2tpv3;

import io.netty.buffer.ByteBuf;

/**
 * The socket under an l2tpv3 netdev: UDP through a Netty datagram channel, or IP protocol 115
 * through a raw socket. Received datagrams go to {@link L2tpv3Netdev#datagramReceived}; all
 * methods run on the fabric's event loop.
 */
interface Tunnel {
    /** Starts reading; datagrams go to {@code netdev}. */
    void start(L2tpv3Netdev netdev);

    /** Sends one encapsulated frame to the peer; takes the reference. */
    void send(ByteBuf datagram);

    /** False while the socket's send buffer is full; {@link L2tpv3Netdev#flushQueued()} follows. */
    boolean writable();

    /** Stops reading until {@link #resumeReading()}: the fabric queued a frame for a busy peer. */
    void pauseReading();

    void resumeReading();

    /** Largest L2TPv3 datagram (header and frame) one send can carry. */
    int maxDatagram();

    /** Closes the socket; datagrams still in flight to the loop are released. */
    void close();
}
