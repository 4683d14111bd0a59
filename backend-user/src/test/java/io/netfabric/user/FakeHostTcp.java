package io.netfabric.user;

import io.netfabric.user.nat.HostTcp;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Host TCP for engine tests: connects succeed, are refused or unreachable as the test says;
 * each stream records what the stack wrote (digest, count, shutdown, close) and lets the test
 * push data or EOF from the host, following the stack's pause/resume.
 */
final class FakeHostTcp implements HostTcp {
    final List<FakeStream> streams = new ArrayList<>();
    final Map<Integer, Failure> failures = new HashMap<>();
    /** When false, connects stay pending until the test calls {@link FakeStream#connect}. */
    boolean connectAtOnce = true;
    long now;

    final class FakeStream implements Stream {
        final InetSocketAddress remote;
        Events events;
        final MessageDigest written = sha256();
        long writtenBytes;
        /** What the "socket" has not taken yet; the test drains it. */
        long pending;
        long pendingLimit = Long.MAX_VALUE;
        boolean shutdownOutput;
        boolean reading = true;
        boolean closed;
        boolean aborted;

        FakeStream(InetSocketAddress remote, Events events) {
            this.remote = remote;
            this.events = events;
        }

        void connect() {
            events.connected(now);
        }

        @Override
        public void write(ByteBuf data) {
            int n = data.readableBytes();
            byte[] b = new byte[n];
            data.readBytes(b);
            data.release();
            written.update(b);
            writtenBytes += n;
            if (pendingLimit != Long.MAX_VALUE) {
                pending += n;
            }
        }

        /** The socket took {@code n} octets of the backlog. */
        void drain(long n) {
            pending = Math.max(0, pending - n);
            events.written(now);
        }

        @Override
        public long pendingBytes() {
            return pending;
        }

        @Override
        public void shutdownOutput() {
            shutdownOutput = true;
        }

        @Override
        public void setReading(boolean r) {
            reading = r;
        }

        @Override
        public void close(boolean abort) {
            closed = true;
            aborted |= abort;
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public Stream connect(InetSocketAddress remote, Events events) {
        FakeStream s = new FakeStream(remote, events);
        streams.add(s);
        Failure f = failures.get(remote.getPort());
        if (f != null) {
            events.failed(f, now);
        } else if (connectAtOnce) {
            events.connected(now);
        }
        return s;
    }

    @Override
    public Stream connectUnix(String path, Events events) {
        return connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), events);
    }

    @Override
    public Stream exec(String command, Events events) {
        return connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), events);
    }

    @Override
    public Listener listen(InetSocketAddress local, Acceptor acceptor) throws IOException {
        throw new IOException("no listeners in the fake host");
    }

    @Override
    public io.netfabric.user.nat.HostUdp.Socket bindUdp(InetSocketAddress local,
                                                        io.netfabric.user.nat.HostUdp.Receiver receiver) throws IOException {
        throw new IOException("no bound sockets in the fake host");
    }

    FakeStream last() {
        return streams.get(streams.size() - 1);
    }
}
