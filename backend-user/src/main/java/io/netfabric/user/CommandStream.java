package io.netfabric.user;

import io.netfabric.user.nat.HostTcp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.LongSupplier;

/**
 * A guestfwd {@code cmd:} connection on the NIO transport (epoll uses {@link SpawnedCommand}): one
 * process per guest connection, the guest's data on its stdin, its stdout and stderr back to the
 * guest.
 * A process has blocking pipes, so two small threads per connection move the bytes and post
 * every event to the loop; guest forwards are few, the NAT path never uses this.
 */
final class CommandStream implements HostTcp.Stream {
    private static final ByteBuf EOF = Unpooled.EMPTY_BUFFER;

    private final HostTcp.Events events;
    private final Executor loop;
    private final LongSupplier clock;
    private final Runnable afterEvent;
    private final LinkedBlockingQueue<ByteBuf> toStdin = new LinkedBlockingQueue<>();
    private final Object readGate = new Object();
    private volatile boolean reading = true;
    private volatile boolean closed;
    private volatile long pending;
    private final Process process;

    /**
     * Starts {@code argv} with the guest's data on its stdin and its stdout and stderr (merged,
     * as libslirp gives both to the guest) back; throws when the process cannot be started.
     */
    static CommandStream start(List<String> argv, HostTcp.Events events, Executor loop, LongSupplier clock,
                               Runnable afterEvent) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        return new CommandStream(p, events, loop, clock, afterEvent);
    }

    private CommandStream(Process process, HostTcp.Events events, Executor loop, LongSupplier clock,
                          Runnable afterEvent) {
        this.process = process;
        this.events = events;
        this.loop = loop;
        this.clock = clock;
        this.afterEvent = afterEvent;
        post(() -> events.connected(clock.getAsLong()));
        Thread w = new Thread(this::writeLoop, "guestfwd-cmd-in");
        Thread r = new Thread(this::readLoop, "guestfwd-cmd-out");
        w.setDaemon(true);
        r.setDaemon(true);
        w.start();
        r.start();
    }

    private void post(Runnable r) {
        loop.execute(() -> {
            r.run();
            afterEvent.run();
        });
    }

    private void writeLoop() {
        try (OutputStream out = process.getOutputStream()) {
            while (true) {
                ByteBuf b = toStdin.take();
                if (b == EOF) {
                    return;
                }
                int n = b.readableBytes();
                try {
                    b.readBytes(out, n);
                    out.flush();
                } finally {
                    b.release();
                }
                pending -= n;
                post(() -> events.written(clock.getAsLong()));
            }
        } catch (IOException | InterruptedException e) {
            // the process went away; the reader reports the end
        }
    }

    private void readLoop() {
        byte[] buf = new byte[65536];
        try (InputStream in = process.getInputStream()) {
            while (!closed) {
                synchronized (readGate) {
                    while (!reading && !closed) {
                        readGate.wait();
                    }
                }
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                ByteBuf b = Unpooled.copiedBuffer(buf, 0, n);
                post(() -> {
                    if (closed) {
                        b.release();
                    } else {
                        events.data(b, clock.getAsLong());
                    }
                });
            }
        } catch (IOException | InterruptedException e) {
            // closed under us
        }
        post(() -> {
            if (!closed) {
                events.eof(clock.getAsLong());
            }
        });
    }

    @Override
    public void write(ByteBuf data) {
        if (closed) {
            data.release();
            return;
        }
        pending += data.readableBytes();
        toStdin.add(data);
    }

    @Override
    public long pendingBytes() {
        return pending;
    }

    @Override
    public void shutdownOutput() {
        toStdin.add(EOF);
    }

    @Override
    public void setReading(boolean r) {
        synchronized (readGate) {
            reading = r;
            readGate.notifyAll();
        }
    }

    @Override
    public void close(boolean abort) {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (readGate) {
            readGate.notifyAll();
        }
        if (abort) {
            // A reset: drop what the command has not read and end it at once.
            ByteBuf b;
            while ((b = toStdin.poll()) != null) {
                if (b != EOF) {
                    b.release();
                }
            }
            process.destroy();
        }
        toStdin.add(EOF);   // the command sees EOF on stdin after what it was sent
    }
}
