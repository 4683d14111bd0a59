package io.netfabric.core;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;

/** The I/O engine under a fabric's event loop: native epoll when Netty can load it, else NIO. */
public enum Transport {
    EPOLL,
    NIO;

    /** Epoll when available, unless {@code -Dnetfabric.transport=nio} asks for NIO. */
    public static Transport best() {
        if ("nio".equalsIgnoreCase(System.getProperty("netfabric.transport"))) {
            return NIO;
        }
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }
}
