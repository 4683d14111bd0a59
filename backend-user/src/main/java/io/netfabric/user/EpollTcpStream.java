package io.netfabric.user;

import io.netfabric.core.CoalescedFlush;
import io.netfabric.core.SameHostCongestion;
import io.netfabric.user.nat.HostTcp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.IovArray;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A guest's outbound TCP connection (TCP NAT) on a host socket of its own in the fabric loop's
 * epoll set, as a Netty {@link EpollIoHandle} rather than a Netty channel: no pipeline, promise,
 * channel id or config object per connection, and only the system calls the connection needs
 * (socket, TCP_NODELAY, connect, one epoll_ctl, reads and writes, shutdown, close; a Netty
 * channel adds four epoll_ctl, two getsockname, a getpeername and two getsockopt). A connection
 * storm from a guest is mostly this path, and a fresh process runs it interpreted until the JIT
 * has compiled it: the less code it is, the sooner that ends.
 *
 * <p>A connect to the host's loopback completes inside connect(2) (the kernel runs the handshake
 * in the same call), so when the socket already has a peer afterwards the guest's SYN-ACK goes out
 * in the same loop turn; otherwise EPOLLOUT reports the outcome (libslirp's tcp_input after
 * connect()). Epoll is level-triggered: interest is EPOLLIN while reading, EPOLLOUT while a
 * connect or a write is pending. Writes queue and leave in one write/writev per loop turn
 * ({@link CoalescedFlush}). Half-close as {@link NettyHostTcp}: the host's EOF becomes the guest's
 * FIN, the guest's FIN a {@code shutdown(SHUT_WR)} after the data written before it; once both
 * directions are done the socket is closed at once.
 *
 * <p>Thread: the fabric's loop only. The NIO transport keeps {@link NettyHostTcp}'s channels.
 */
final class EpollTcpStream implements HostTcp.Stream {
    private static final Logger log = LoggerFactory.getLogger(EpollTcpStream.class);
    /** As the channel-based path set it: 75 s, BSD's connect timeout (the kernel alone would try ~2 min). */
    static final long CONNECT_TIMEOUT_MS = 75_000;
    private static final int MIN_READ = 2048;
    /**
     * Reads grow (doubling while they fill) to 256 KiB: the engine then cuts whole 64 KiB
     * segments or GSO frames towards the guest from one read, and the host's sender gets a
     * quarter of the window updates. iperf3 host->guest through a tap, against 64 KiB reads, taking
     * turns with fresh helpers: +7-27 % at MTU 65520 (four pairs), +21-30 % at MTU 1500 (three);
     * 1 MiB was no better (docs/PERFORMANCE.md, 2026-12-06).
     */
    private static final int MAX_READ = 256 * 1024;
    /** Reads per readiness event before the loop serves the others (Netty's maxMessagesPerRead). */
    private static final int READS_PER_EVENT = 16;
    /**
     * One iovec array per loop thread, shared by its connections as Netty's epoll channels share
     * theirs: a writev takes the queued buffers' addresses, with no ByteBuffer per part.
     */
    private static final FastThreadLocal<IovArray> IOV = new FastThreadLocal<>() {
        @Override
        protected IovArray initialValue() {
            return new IovArray();
        }

        @Override
        protected void onRemoval(IovArray iov) {
            iov.release();
        }
    };
    /** EPOLLHUP (Linux ABI); reported whatever the interest, like EPOLLERR. */
    private static final int EPOLLHUP = 0x010;

    private final IoEventLoop loop;
    private final HostTcp.Events events;
    private final LongSupplier clock;
    private final Runnable afterEvent;
    private final ByteBufAllocator alloc;
    private final Socket socket;
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private final CoalescedFlush flush;
    private final Handle handle = new Handle();
    private IoRegistration registration;
    private ScheduledFuture<?> connectTimeout;
    private int interest = -1;
    private int readSize = MIN_READ;
    private long pending;
    /** Octets written to the host until {@link SameHostCongestion#BULK}, then -1 (the choice made). */
    private long bulk;
    private boolean connecting = true;
    private boolean reading = true;
    private boolean inputDone;
    private boolean shutdownRequested;
    private boolean outputDone;
    /** The engine said close(): no more events. */
    private boolean closed;
    /** The descriptor is closed (by close() or because both directions were done). */
    private boolean fdClosed;
    /** close() came with writes still queued: the socket closes once they have gone. */
    private boolean closeWhenFlushed;

    /** {@code loop} when it can take a socket into its epoll set (the epoll transport), else null. */
    static IoEventLoop epollLoop(Executor loop) {
        return loop instanceof IoEventLoop l && l.isCompatible(EpollIoHandle.class) ? l : null;
    }

    /**
     * Starts a connect to {@code remote}. The outcome reaches {@code events} after this returns,
     * never inside it (the engine installs the stream first).
     */
    static EpollTcpStream connect(IoEventLoop loop, InetSocketAddress remote, HostTcp.Events events,
                                  ByteBufAllocator alloc, LongSupplier clock, Runnable afterEvent) {
        Socket s = HostSocket.open(remote.getAddress() instanceof Inet6Address);
        EpollTcpStream t = new EpollTcpStream(loop, s, events, alloc, clock, afterEvent);
        t.start(remote);
        return t;
    }

    private EpollTcpStream(IoEventLoop loop, Socket socket, HostTcp.Events events, ByteBufAllocator alloc,
                           LongSupplier clock, Runnable afterEvent) {
        this.loop = loop;
        this.socket = socket;
        this.events = events;
        this.alloc = alloc;
        this.clock = clock;
        this.afterEvent = afterEvent;
        this.flush = new CoalescedFlush(loop, this::flushNow);
    }

    private void start(InetSocketAddress remote) {
        boolean done;
        try {
            socket.setTcpNoDelay(true);
            done = socket.connect(remote);
        } catch (IOException e) {
            closeFd();
            // Reported as a connect that failed, after the engine has the stream.
            loop.execute(() -> failed(e));
            return;
        }
        // EINPROGRESS; over loopback the handshake has run inside connect(2) already.
        if (!done && socket.remoteAddress() != null) {
            done = true;
        }
        Object reg = loop.register(handle).getNow();
        if (!(reg instanceof IoRegistration r)) {
            closeFd();
            loop.execute(() -> failed(new IOException("cannot join the event loop")));
            return;
        }
        registration = r;
        if (done) {
            connecting = false;
            updateInterest();
            loop.execute(this::connectedNow);
        } else {
            updateInterest();
            connectTimeout = loop.schedule(() -> failed(new IOException("connection timed out")),
                    CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void connectedNow() {
        if (!closed) {
            events.connected(clock.getAsLong());
            afterEvent.run();
        }
    }

    private void failed(IOException e) {
        if (closed || !connecting) {
            return;
        }
        connecting = false;
        closeFd();
        events.failed(NettyHostTcp.classify(e), clock.getAsLong());
        afterEvent.run();
    }

    /** The socket's descriptor, for {@code info usernet}; -1 once closed. */
    @Override
    public int fd() {
        return fdClosed ? -1 : socket.intValue();
    }

    private void ready(int ops) {
        if (fdClosed) {
            return;
        }
        if (connecting) {
            finishConnect();
            return;
        }
        boolean trouble = (ops & (EpollIoOps.EPOLLERR.value() | EPOLLHUP)) != 0;
        if ((ops & EpollIoOps.EPOLLOUT.value()) != 0) {
            if (queue.isEmpty()) {
                updateInterest();
            } else {
                flushNow();
            }
        }
        // Errors and hang-ups are reported whatever the interest: read on to the EOF or the
        // error (bounded by the socket's buffer) so that level-triggered epoll stops reporting.
        if (!fdClosed && !inputDone && !closeWhenFlushed && (trouble || reading && (ops & EpollIoOps.EPOLLIN.value()) != 0)) {
            read(trouble);
        }
        if (!fdClosed && trouble && (inputDone || closeWhenFlushed)) {
            // Nothing more to read and the socket still failed or hung up: its writes cannot
            // succeed either, and level-triggered epoll would report it on every turn.
            reset(new IOException("host socket failed or hung up"));
        }
    }

    private void finishConnect() {
        try {
            // A stale event for a reused descriptor cannot fake a connect: only a peer counts.
            if (socket.remoteAddress() == null && (!socket.finishConnect() || socket.remoteAddress() == null)) {
                return;
            }
        } catch (IOException e) {
            failed(e);   // closes the socket and its timer
            return;
        }
        cancelTimeout();
        connecting = false;
        updateInterest();
        connectedNow();
    }

    private void cancelTimeout() {
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
            connectTimeout = null;
        }
    }

    private void read(boolean drain) {
        for (int i = 0; drain || i < READS_PER_EVENT; i++) {
            ByteBuf buf = alloc.ioBuffer(readSize);
            int n;
            try {
                n = readInto(buf);
            } catch (IOException e) {
                buf.release();
                reset(e);
                return;
            }
            if (n <= 0) {
                buf.release();
                if (n < 0) {
                    eof();
                }
                return;
            }
            buf.writerIndex(buf.writerIndex() + n);
            boolean full = n == buf.capacity();
            readSize = full ? Math.min(readSize << 1, MAX_READ) : n < readSize >> 2 ? Math.max(readSize >> 1, MIN_READ) : readSize;
            if (closed) {
                buf.release();
                return;
            }
            events.data(buf, clock.getAsLong());
            afterEvent.run();
            if (fdClosed || !full) {
                // A short read emptied the socket (level-triggered epoll reports what came since).
                return;
            }
            if (!reading && !drain) {
                return;
            }
        }
    }

    private int readInto(ByteBuf buf) throws IOException {
        int w = buf.writerIndex();
        if (buf.hasMemoryAddress()) {
            return socket.readAddress(buf.memoryAddress(), w, buf.capacity());
        }
        ByteBuffer nio = buf.internalNioBuffer(w, buf.writableBytes());
        return socket.read(nio, nio.position(), nio.limit());
    }

    private void eof() {
        inputDone = true;
        if (!closed) {
            events.eof(clock.getAsLong());
            afterEvent.run();
        }
        if (outputDone) {
            closeFd();   // both directions done (Netty closes a channel here too)
        } else {
            updateInterest();
        }
    }

    private void reset(IOException e) {
        log.debug("host TCP connection: {}", e.toString());
        closeFd();
        if (!closed) {
            closed = true;
            events.reset(clock.getAsLong());
            afterEvent.run();
        }
    }

    @Override
    public void write(ByteBuf data) {
        if (closed || fdClosed || shutdownRequested) {
            data.release();
            return;
        }
        if (!data.isDirect()) {
            // writev(2) takes native memory; the engine's segments are direct already.
            ByteBuf d = alloc.directBuffer(data.readableBytes());
            d.writeBytes(data);
            data.release();
            data = d;
        }
        pending += data.readableBytes();
        queue.add(data);
        flush.request();
    }

    private void flushNow() {
        if (fdClosed || queue.isEmpty()) {
            return;
        }
        long before = pending;
        try {
            while (!queue.isEmpty()) {
                long n = writeSome();
                if (n <= 0) {
                    break;
                }
                consume(n);
                if (bulk >= 0 && (bulk += n) >= SameHostCongestion.BULK) {
                    bulk = -1;
                    SameHostCongestion.apply(socket.intValue(), socket.remoteAddress());
                }
            }
        } catch (IOException e) {
            reset(e);
            return;
        }
        if (queue.isEmpty() && closeWhenFlushed) {
            closeFd();
            return;
        }
        updateInterest();
        if (queue.isEmpty() && shutdownRequested) {
            shutdownNow();
        }
        if (pending != before && !closed && !fdClosed) {
            events.written(clock.getAsLong());
            afterEvent.run();
        }
    }

    private long writeSome() throws IOException {
        ByteBuf first = queue.peek();
        if (queue.size() == 1 && first.hasMemoryAddress()) {
            return socket.writeAddress(first.memoryAddress(), first.readerIndex(), first.writerIndex());
        }
        IovArray iov = IOV.get();
        iov.clear();
        for (ByteBuf b : queue) {
            if (!iov.add(b, b.readerIndex(), b.readableBytes())) {
                break;   // IOV_MAX parts: the rest goes with the next writev
            }
        }
        return socket.writevAddresses(iov.memoryAddress(0), iov.count());
    }

    private void consume(long n) {
        pending -= n;
        while (n > 0) {
            ByteBuf b = queue.peek();
            int r = b.readableBytes();
            if (n >= r) {
                queue.poll().release();
                n -= r;
            } else {
                b.skipBytes((int) n);
                n = 0;
            }
        }
    }

    @Override
    public long pendingBytes() {
        return pending;
    }

    @Override
    public void shutdownOutput() {
        if (closed || fdClosed || shutdownRequested) {
            return;
        }
        shutdownRequested = true;
        if (queue.isEmpty() && !connecting) {
            shutdownNow();
        }
    }

    private void shutdownNow() {
        if (outputDone || fdClosed) {
            return;
        }
        outputDone = true;
        if (inputDone) {
            closeFd();
            return;
        }
        try {
            socket.shutdown(false, true);
        } catch (IOException e) {
            log.debug("host TCP shutdown: {}", e.toString());
        }
    }

    @Override
    public void setReading(boolean r) {
        if (reading == r) {
            return;
        }
        reading = r;
        if (!closed && !fdClosed && !connecting) {
            updateInterest();
        }
    }

    @Override
    public void close(boolean abort) {
        if (closed) {
            return;
        }
        closed = true;
        if (fdClosed) {
            return;
        }
        if (abort) {
            try {
                socket.setSoLinger(0);   // close(2) then sends RST
            } catch (IOException e) {
                log.debug("host TCP SO_LINGER: {}", e.toString());
            }
            closeFd();
            return;
        }
        // Data written before the close leaves first, as a Netty channel closed after a flush:
        // what the kernel has it sends after close(2); what is still queued here goes on EPOLLOUT.
        if (!queue.isEmpty() && !connecting) {
            closeWhenFlushed = true;
            flushNow();
            return;
        }
        closeFd();
    }

    private void updateInterest() {
        if (registration == null || fdClosed) {
            return;
        }
        int ops = EpollIoOps.EPOLLERR.value();
        if (connecting || !queue.isEmpty()) {
            ops |= EpollIoOps.EPOLLOUT.value();
        }
        if (!connecting && reading && !inputDone && !closeWhenFlushed) {
            ops |= EpollIoOps.EPOLLIN.value();
        }
        if (ops == interest) {
            return;
        }
        interest = ops;
        try {
            registration.submit(EpollIoOps.valueOf(ops));
        } catch (RuntimeException e) {
            log.debug("host TCP epoll_ctl: {}", e.toString());
        }
    }

    /** Closes the descriptor (the kernel drops it from the epoll set), then the registration. */
    private void closeFd() {
        if (fdClosed) {
            return;
        }
        fdClosed = true;
        cancelTimeout();
        for (ByteBuf b; (b = queue.poll()) != null; ) {
            b.release();
        }
        pending = 0;
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("host TCP close: {}", e.toString());
        }
        if (registration != null) {
            registration.cancel();
        }
    }

    /** The socket in the loop's epoll set. */
    private final class Handle implements EpollIoHandle {
        @Override
        public FileDescriptor fd() {
            return socket;
        }

        @Override
        public void handle(IoRegistration r, IoEvent event) {
            try {
                ready(((EpollIoEvent) event).ops().value());
            } catch (RuntimeException e) {
                // Nothing escapes into the loop (Netty would log it and pause the whole loop
                // for a second): this connection is reset, as a channel's exceptionCaught did.
                log.warn("host TCP connection: {}", e.toString(), e);
                reset(new IOException(e));
            }
        }

        @Override
        public void close() {
            EpollTcpStream.this.close(true);
        }
    }

    /** A stream socket of the address's own family (no dual-stack socket for an IPv4 peer). */
    private static final class HostSocket extends Socket {
        private HostSocket(int fd) {
            super(fd);
        }

        static Socket open(boolean ipv6) {
            return new HostSocket(newSocketStream0(ipv6));
        }
    }
}
