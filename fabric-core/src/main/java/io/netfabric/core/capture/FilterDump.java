package io.netfabric.core.capture;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.NetFilter;
import io.netfabric.core.options.FilterDumpOptions;
import io.netfabric.wire.pcap.PcapWriter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QEMU's {@code filter-dump} (net/dump.c): every frame passing the netdev in the filter's
 * direction is appended to a classic pcap file, unchanged, and passed on.
 *
 * <p>Runs on the fabric's event loop. Records go through a 64 KiB buffer that is flushed a
 * moment after the last write, so a reader such as {@code tshark} sees frames while the
 * capture runs without a system call per frame. A write error stops the dump with QEMU's
 * message and the traffic flows on.
 */
public final class FilterDump implements NetFilter {
    private static final Logger log = LoggerFactory.getLogger(FilterDump.class);
    /** QEMU's default {@code maxlen}. */
    public static final int DEFAULT_MAXLEN = 65536;
    private static final long FLUSH_DELAY_MS = 100;

    private final String id;
    private final Direction direction;
    private final EventLoop loop;
    private final long baseMicros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
    private final long baseNanos = System.nanoTime();
    private PcapWriter writer;
    private boolean enabled = true;
    /** What {@code -object}/{@code object-add} gave, for {@link #info()}; null when opened otherwise. */
    private FilterDumpOptions options;
    private ScheduledFuture<?> pendingFlush;
    private final Runnable flushTask = this::flushNow;

    private FilterDump(String id, Direction direction, EventLoop loop, PcapWriter writer) {
        this.id = id;
        this.direction = direction;
        this.loop = loop;
        this.writer = writer;
    }

    /**
     * Opens {@code file} (truncating it) and writes the pcap header with {@code maxlen} as
     * snaplen. Refused with QEMU 7.2's {@code net dump: can't open <file>: <reason>}.
     */
    public static FilterDump open(String id, Path file, int maxlen, Direction direction, EventLoop loop) {
        try {
            OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
            return new FilterDump(id, direction, loop, new PcapWriter(out, maxlen));
        } catch (IOException e) {
            throw FabricException.generic("net dump: can't open " + file + ": " + strerror(e));
        }
    }

    private static String strerror(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    @Override
    public String id() {
        return id;
    }

    /** QEMU 7.2's info network: the properties in QOM order, defaults filled in, the status as it is now. */
    @Override
    public String info() {
        String type = "type=" + FilterDumpOptions.QOM_TYPE;
        if (options == null) {
            return type;
        }
        FilterDumpOptions o = options;
        return type + ",file=" + o.file() + ",maxlen=" + o.snapLength()
                + ",position=" + (o.position() == null ? "tail" : o.position())
                + ",status=" + (enabled ? "on" : "off")
                + ",insert=" + (o.insert() == null ? "behind" : o.insert())
                + ",netdev=" + o.netdev() + ",queue=" + direction.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public Direction direction() {
        return direction;
    }

    /** QEMU's {@code status=off}: the filter stays in place but lets frames by unrecorded. */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * {@code -object filter-dump} and {@code object-add}: checks the object id, the netdev and
     * the position as QEMU does, then opens the file and attaches the dump.
     */
    public static void attach(Fabric fabric, FilterDumpOptions o) {
        fabric.addFilter(o.id(), o.netdev(), o.position(), "before".equals(o.insert()),
                c -> open(o, fabric.eventLoop()));
    }

    /** The dump {@code o} describes, not yet attached (see {@link #attach}). */
    public static FilterDump open(FilterDumpOptions o, EventLoop loop) {
        Direction d = o.queue() == null ? Direction.ALL : Direction.valueOf(o.queue().toUpperCase(java.util.Locale.ROOT));
        FilterDump dump = open(o.id(), Path.of(o.file()), (int) Math.min(o.snapLength(), Integer.MAX_VALUE), d, loop);
        dump.setEnabled(o.enabled());
        dump.options = o;
        return dump;
    }

    @Override
    public boolean filter(NetClient netdev, ByteBuf frame, Direction d) {
        PcapWriter w = writer;
        if (w == null || !enabled) {
            return false;
        }
        long ts = baseMicros + (System.nanoTime() - baseNanos) / 1000;
        try {
            w.write(ts, frame);
        } catch (IOException e) {
            log.error("network dump write error - stopping dump ({}: {})", id, e.getMessage());
            closeWriter();
            return false;
        }
        if (pendingFlush == null) {
            pendingFlush = loop.schedule(flushTask, FLUSH_DELAY_MS, TimeUnit.MILLISECONDS);
        }
        return false;
    }

    private void flushNow() {
        pendingFlush = null;
        if (writer != null) {
            try {
                writer.flush();
            } catch (IOException e) {
                log.error("network dump write error - stopping dump ({}: {})", id, e.getMessage());
                closeWriter();
            }
        }
    }

    private void closeWriter() {
        PcapWriter w = writer;
        writer = null;
        if (w != null) {
            try {
                w.close();
            } catch (IOException e) {
                log.warn("closing dump {} failed: {}", id, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        if (pendingFlush != null) {
            pendingFlush.cancel(false);
            pendingFlush = null;
        }
        closeWriter();
    }
}
