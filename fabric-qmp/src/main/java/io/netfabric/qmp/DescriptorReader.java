package io.netfabric.qmp;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a unix monitor connection with {@code recvmsg(2)}, so that descriptors sent with the
 * bytes ({@code SCM_RIGHTS}, how libvirt and QEMU's Python client pass one for {@code getfd})
 * reach the connection's {@link ConnectionFds} before the command they came with runs.
 *
 * <p>The Netty channel keeps writing, closing and noticing the peer's end; it never reads (the
 * {@link MonitorSocket} turns auto-read off and {@link #NO_READS} swallows read requests). This reader watches
 * a duplicate of the socket in the same event loop's epoll set (epoll keys on descriptor and
 * file, so the duplicate is a second entry) and hands what it reads to the pipeline as Netty
 * would. When the peer closes, Netty's own read-hang-up handling reads the end of stream; by
 * then this reader has taken what came before (epoll reports readiness in the order it arose).
 */
final class DescriptorReader implements EpollIoHandle {
    private static final Logger log = LoggerFactory.getLogger(DescriptorReader.class);
    /** chardev/char-socket.c reads at most 4096 bytes at a time. */
    private static final int CHUNK = 4096;
    /** Reads per wake-up before the loop serves others. */
    private static final int READS_PER_WAKE = 16;

    /** Put first in the pipeline: nothing may make Netty read (it would drop descriptors). */
    static final ChannelOutboundHandlerAdapter NO_READS = new ChannelOutboundHandlerAdapter() {
        @Override
        public void read(ChannelHandlerContext ctx) {
            // Reading is this class's job.
        }

        @Override
        public boolean isSharable() {
            return true;
        }
    };

    private final Channel channel;
    private final ConnectionFds fds;
    private final FileDescriptor dup;
    private final Descriptors.Receiver receiver = new Descriptors.Receiver(CHUNK);
    private IoRegistration registration;
    private boolean done;

    private DescriptorReader(Channel channel, ConnectionFds fds) {
        this.channel = channel;
        this.fds = fds;
        this.dup = new FileDescriptor(Descriptors.dup(((UnixChannel) channel).fd().intValue()));
    }

    /** Starts reading {@code channel} (an active unix stream channel; its loop thread). */
    static void attach(Channel channel, ConnectionFds fds) {
        DescriptorReader r = new DescriptorReader(channel, fds);
        ((IoEventLoop) channel.eventLoop()).register(r).addListener(f -> {
            if (!f.isSuccess()) {
                log.warn("monitor connection: cannot watch for input: {}", f.cause().toString());
                r.stop();
                channel.close();
                return;
            }
            r.registration = (IoRegistration) f.getNow();
            if (r.done) {
                r.registration.cancel();
            } else {
                r.registration.submit(EpollIoOps.EPOLLIN);
            }
        });
        channel.closeFuture().addListener(f -> r.stop());
    }

    @Override
    public FileDescriptor fd() {
        return dup;
    }

    @Override
    public void handle(IoRegistration r, IoEvent event) {
        boolean read = false;
        for (int i = 0; i < READS_PER_WAKE && !done; i++) {
            int n = receiver.receive(dup.intValue());
            if (n == -Descriptors.EINTR) {
                continue;
            }
            if (n == -Descriptors.EAGAIN) {
                break;
            }
            if (n <= 0) {
                // End of stream or an error: Netty sees the same on its own entry and ends the
                // connection; this reader has nothing more to do.
                if (n < 0) {
                    log.debug("monitor connection: recvmsg: {}", Descriptors.strerror(-n));
                }
                stop();
                break;
            }
            if (receiver.fds().length > 0) {
                fds.offer(receiver.fds());
            }
            channel.pipeline().fireChannelRead(Unpooled.wrappedBuffer(receiver.bytes(n)));
            read = true;
        }
        if (read) {
            channel.pipeline().fireChannelReadComplete();
        }
    }

    /** Leaves the epoll set and closes the duplicate; what nobody claimed is closed. Idempotent. */
    private void stop() {
        if (done) {
            return;
        }
        done = true;
        if (registration != null) {
            registration.cancel();
        }
        try {
            dup.close();
        } catch (java.io.IOException e) {
            log.debug("monitor connection: close: {}", e.toString());
        }
        fds.closeReceived();
    }

    @Override
    public void close() {
        // The loop shuts down: stop() runs from the channel's close.
    }
}
