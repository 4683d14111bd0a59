package io.netfabric.bench;

import io.netfabric.core.Fabric;
import io.netfabric.core.HelperNettyDefaults;
import io.netfabric.core.options.NetdevOptionParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End-to-end relay comparison: a frame generator sends frames into one socket netdev of a relay
 * (two socket netdevs joined by a hub) and a sink counts them at the other. The relay is netfabric
 * (a {@link Fabric} in this JVM, on its own event-loop thread) in one pass and QEMU 7.2
 * ({@code -M none}, the same netdevs and hubports) in the other, in the same run, over TCP
 * ({@code socket,listen=}), unix streams ({@code stream,server=on,addr.type=unix}) and UDP
 * ({@code socket,udp=,localaddr=}), for 64-, 1514- and 65535-byte frames. Prints a Markdown table.
 * Streams: one thread writes length-prefixed records in 1 MiB writes, one counts whole frames. UDP:
 * {@link UdpLoad} (UDP_SEGMENT trains in, recvmmsg out), which also counts what it offered, since
 * a relay drops what overflows its receive buffer; a second table shows offered, received and
 * lost per relay. The relay's CPU time per delivered frame (user + system, from /proc: the
 * fabric's event-loop thread, or every thread of QEMU) says how much each relay works per frame,
 * apart from how the machine's cores were shared between it and the two ends; a last table splits
 * it into user and system time and shows the relay's share of one core. Each cell also measures the generator straight into the sink ("no relay"):
 * what these ends can move with nothing between them.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.netfabric.bench.SocketRelayComparison [seconds [cell]]}
 * (measured seconds per pass, default 2, after 0.5 s of warm-up; {@code cell} such as {@code TCP}
 * or {@code UNIX:65535} runs only those). Each cell runs no relay and the two relays alternately
 * {@code -Dpasses=3} times and reports each one's best pass. Loopback only.
 */
public final class SocketRelayComparison {
    private static final int[] SIZES = {64, 1514, 65535};
    private static final String QEMU = "qemu-system-x86_64";

    enum Kind { TCP, UNIX, UDP }

    /**
     * What one pass measured: frames/s at the sink, for UDP frames/s the generator sent, and the
     * relay's CPU time ({@link RelayCpu#NONE} with no relay).
     */
    record Result(Kind kind, int size, String relay, double framesPerSecond, double offeredPerSecond, RelayCpu cpu) {
        double gbps() {
            return framesPerSecond * size * 8 / 1e9;
        }

        double lossPercent() {
            return offeredPerSecond <= 0 ? 0 : 100 * Math.max(0, 1 - framesPerSecond / offeredPerSecond);
        }
    }

    public static void main(String[] args) throws Exception {
        HelperNettyDefaults.apply();   // as the helper process runs its fabric
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        String only = args.length > 1 ? args[1].toUpperCase(Locale.ROOT) : "";   // e.g. TCP or UNIX:65535
        Path dir = Files.createTempDirectory("netfabric-relay");
        List<String> rows = new ArrayList<>();
        rows.add("| transport | frame bytes | no relay frames/s | netfabric frames/s | netfabric Gbps | QEMU 7.2 frames/s"
                + " | QEMU 7.2 Gbps | ratio | netfabric CPU µs/frame | QEMU 7.2 CPU µs/frame |");
        rows.add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        List<String> cpuRows = new ArrayList<>();
        cpuRows.add("| transport | frame bytes | relay | user µs/frame | system µs/frame | relay CPU (of one core) |");
        cpuRows.add("| --- | ---: | --- | ---: | ---: | ---: |");
        List<String> udpRows = new ArrayList<>();
        udpRows.add("| frame bytes | relay | offered frames/s | received frames/s | lost |");
        udpRows.add("| ---: | --- | ---: | ---: | ---: |");
        for (Kind kind : Kind.values()) {
            for (int size : SIZES) {
                if (!only.isEmpty() && !(kind + ":" + size).startsWith(only)) {
                    continue;
                }
                if (kind == Kind.UDP && size > 65507) {
                    rows.add("| UDP | " + size + " | n/a | n/a | | n/a | | (above the 65507-byte UDP payload limit) | | |");
                    continue;
                }
                // Alternate the ends alone (generator straight into the sink) and the two relays,
                // keeping each one's best pass: the machine is shared, and a neighbour's burst
                // should not decide the ratio.
                Result direct = null;
                Result ours = null;
                Result qemu = null;
                for (int pass = 0; pass < PASSES; pass++) {
                    direct = best(direct, run(kind, size, Relayer.NONE, seconds, dir));
                    ours = best(ours, run(kind, size, Relayer.NETFABRIC, seconds, dir));
                    qemu = best(qemu, run(kind, size, Relayer.QEMU, seconds, dir));
                }
                rows.add(String.format(Locale.ROOT, "| %s | %d | %,.0f | %,.0f | %.2f | %,.0f | %.2f | %.2f | %.2f | %.2f |",
                        kind, size, direct.framesPerSecond(), ours.framesPerSecond(), ours.gbps(),
                        qemu.framesPerSecond(), qemu.gbps(), ours.framesPerSecond() / Math.max(1, qemu.framesPerSecond()),
                        ours.cpu().microsPerFrame(), qemu.cpu().microsPerFrame()));
                for (Result r : List.of(ours, qemu)) {
                    cpuRows.add(String.format(Locale.ROOT, "| %s | %d | %s | %.2f | %.2f | %.0f %% |", kind, size, r.relay(),
                            r.cpu().userMicrosPerFrame(), r.cpu().systemMicrosPerFrame(), 100 * r.cpu().coreShare()));
                }
                System.err.println(rows.get(rows.size() - 1));
                if (kind == Kind.UDP) {
                    for (Result r : List.of(direct, ours, qemu)) {
                        udpRows.add(String.format(Locale.ROOT, "| %d | %s | %,.0f | %,.0f | %.1f %% |", size,
                                r.relay(), r.offeredPerSecond(), r.framesPerSecond(), r.lossPercent()));
                    }
                }
            }
        }
        rows.forEach(System.out::println);
        if (udpRows.size() > 2) {
            System.out.println();
            udpRows.forEach(System.out::println);
        }
        System.out.println();
        cpuRows.forEach(System.out::println);
    }

    /** What stands between generator and sink. */
    enum Relayer { NONE, NETFABRIC, QEMU }

    private static final int PASSES = Integer.getInteger("passes", 3);

    private static Result best(Result a, Result b) {
        return a == null || b.framesPerSecond() > a.framesPerSecond() ? b : a;
    }

    private static int freeTcp() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int freeUdp() throws IOException {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress("127.0.0.1", 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }

    /** The relay's two netdevs a (input) and b (output), in QEMU's syntax, plus where to reach them. */
    private record Relay(List<String> netdevs, SocketAddress in, SocketAddress out, int sinkPort, int genPort) {
    }

    private static Relay relay(Kind kind, Path dir, String tag) throws IOException {
        switch (kind) {
            case TCP -> {
                int a = freeTcp();
                int b = freeTcp();
                return new Relay(List.of("socket,id=a,listen=127.0.0.1:" + a, "socket,id=b,listen=127.0.0.1:" + b),
                        new InetSocketAddress("127.0.0.1", a), new InetSocketAddress("127.0.0.1", b), 0, 0);
            }
            case UNIX -> {
                Path a = dir.resolve(tag + "-a.sock");
                Path b = dir.resolve(tag + "-b.sock");
                Files.deleteIfExists(a);
                Files.deleteIfExists(b);
                return new Relay(List.of("stream,id=a,server=on,addr.type=unix,addr.path=" + a,
                        "stream,id=b,server=on,addr.type=unix,addr.path=" + b),
                        UnixDomainSocketAddress.of(a), UnixDomainSocketAddress.of(b), 0, 0);
            }
            default -> {
                int a = freeUdp();
                int b = freeUdp();
                int gen = freeUdp();
                int sink = freeUdp();
                return new Relay(List.of("socket,id=a,udp=127.0.0.1:" + gen + ",localaddr=127.0.0.1:" + a,
                        "socket,id=b,udp=127.0.0.1:" + sink + ",localaddr=127.0.0.1:" + b),
                        new InetSocketAddress("127.0.0.1", a), null, sink, gen);
            }
        }
    }

    private static Result run(Kind kind, int size, Relayer relayer, double seconds, Path dir) throws Exception {
        Relay r = relay(kind, dir, relayer.name().toLowerCase(Locale.ROOT));
        Process process = null;
        Fabric fabric = null;
        try {
            if (relayer == Relayer.QEMU) {
                List<String> cmd = new ArrayList<>(List.of(QEMU, "-M", "none", "-nodefaults", "-display", "none",
                        "-monitor", "none"));
                for (String n : r.netdevs()) {
                    cmd.add("-netdev");
                    cmd.add(n);
                }
                cmd.addAll(List.of("-netdev", "hubport,id=h0,hubid=0,netdev=a", "-netdev", "hubport,id=h1,hubid=0,netdev=b"));
                process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } else if (relayer == Relayer.NETFABRIC) {
                fabric = Fabric.create();
                for (String n : r.netdevs()) {
                    fabric.addNetdev(NetdevOptionParser.parseNetdev(n, fabric.availableTypes()));
                }
                fabric.addNetdev(NetdevOptionParser.parseNetdev("hubport,id=h0,hubid=0,netdev=a", fabric.availableTypes()));
                fabric.addNetdev(NetdevOptionParser.parseNetdev("hubport,id=h1,hubid=0,netdev=b", fabric.availableTypes()));
            }
            String name = relayer == Relayer.QEMU ? "QEMU 7.2" : relayer == Relayer.NETFABRIC ? "netfabric" : "no relay";
            Path stat = null;
            if (relayer == Relayer.QEMU) {
                stat = Path.of("/proc/" + process.pid() + "/stat");   // every thread of QEMU
            } else if (relayer == Relayer.NETFABRIC) {
                // The fabric's event-loop thread, which does all of the relay's work.
                stat = fabric.call(() -> Path.of("/proc/self/task/" + Files.readString(Path.of("/proc/thread-self/stat"))
                        .split(" ", 2)[0] + "/stat"));
            }
            Path relayStat = stat;
            CpuClock cpu = () -> relayStat == null ? new long[2] : cpuTicks(relayStat);
            return kind == Kind.UDP ? measureUdp(size, r, relayer, seconds, name, cpu)
                    : measureStream(kind, size, r, relayer, seconds, name, cpu);
        } finally {
            if (fabric != null) {
                fabric.close();
            }
            if (process != null) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    /** {@link UdpLoad} into the relay's input (or, with no relay, straight into the sink). */
    private static Result measureUdp(int size, Relay r, Relayer relayer, double seconds, String name, CpuClock cpu)
            throws Exception {
        InetSocketAddress sinkAt = new InetSocketAddress("127.0.0.1", r.sinkPort());
        InetSocketAddress target = relayer == Relayer.NONE ? sinkAt : (InetSocketAddress) r.in();
        try (UdpLoad load = new UdpLoad(new InetSocketAddress("127.0.0.1", r.genPort()), target, sinkAt, size)) {
            if (relayer == Relayer.QEMU) {
                Thread.sleep(300);   // QEMU needs a moment to bind
            }
            load.start();
            Thread.sleep(500);   // warm-up
            long s0 = load.sent();
            long c0 = load.received();
            long[] u0 = cpu.ticks();
            long t0 = System.nanoTime();
            Thread.sleep((long) (seconds * 1000));
            long s1 = load.sent();
            long c1 = load.received();
            long[] u1 = cpu.ticks();
            double dt = (System.nanoTime() - t0) / 1e9;
            return new Result(Kind.UDP, size, name, (c1 - c0) / dt, (s1 - s0) / dt, RelayCpu.of(u0, u1, c1 - c0, dt));
        }
    }

    /**
     * One thread writes length-prefixed records in 1 MiB writes into the relay's input, another
     * counts whole frames at its output; with no relay the generator connects to the sink directly.
     */
    private static Result measureStream(Kind kind, int size, Relay r, Relayer relayer, double seconds, String name,
                                        CpuClock cpu)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong received = new AtomicLong();
        SocketChannel out;
        SocketChannel in;
        if (relayer == Relayer.NONE) {
            try (ServerSocketChannel server = r.in() instanceof UnixDomainSocketAddress
                    ? ServerSocketChannel.open(StandardProtocolFamily.UNIX) : ServerSocketChannel.open()) {
                server.bind(r.in());
                in = connect(r.in());
                out = server.accept();
            }
        } else {
            out = connect(r.out());
            in = connect(r.in());
            Thread.sleep(200);   // both accepted
        }
        Thread sink = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            long need = 4;   // bytes still missing of the current header or frame
            boolean header = true;
            int headerValue = 0;
            try {
                while (!stop.get()) {
                    buf.clear();
                    if (out.read(buf) < 0) {
                        break;
                    }
                    buf.flip();
                    while (buf.hasRemaining()) {
                        if (header) {
                            headerValue = (headerValue << 8) | (buf.get() & 0xff);
                            if (--need == 0) {
                                header = false;
                                need = headerValue;
                                headerValue = 0;
                            }
                        } else {
                            int take = (int) Math.min(need, buf.remaining());
                            buf.position(buf.position() + take);
                            need -= take;
                            if (need == 0) {
                                received.incrementAndGet();
                                header = true;
                                need = 4;
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // closed
            }
        });
        int record = 4 + size;
        int perWrite = Math.max(1, (1 << 20) / record);
        ByteBuffer batch = ByteBuffer.allocateDirect(perWrite * record);
        for (int i = 0; i < perWrite; i++) {
            batch.putInt(size);
            batch.put((byte) 0xff);
            batch.position(batch.position() + size - 1);
        }
        Thread generator = new Thread(() -> {
            try {
                while (!stop.get()) {
                    batch.clear();
                    while (batch.hasRemaining() && !stop.get()) {
                        in.write(batch);
                    }
                }
            } catch (IOException e) {
                // closed
            }
        });
        sink.setDaemon(true);
        generator.setDaemon(true);
        sink.start();
        generator.start();
        Thread.sleep(500);   // warm-up
        long c0 = received.get();
        long[] u0 = cpu.ticks();
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long c1 = received.get();
        long[] u1 = cpu.ticks();
        long t1 = System.nanoTime();
        stop.set(true);
        in.close();
        out.close();
        sink.join(2000);
        generator.join(2000);
        double dt = (t1 - t0) / 1e9;
        return new Result(kind, size, name, (c1 - c0) / dt, 0, RelayCpu.of(u0, u1, c1 - c0, dt));
    }

    /** A relay's CPU time so far, {user, system}, in clock ticks. */
    private interface CpuClock {
        long[] ticks() throws IOException;
    }

    /** utime and stime of a /proc/.../stat file, in clock ticks (USER_HZ, 100 on Linux). */
    private static long[] cpuTicks(Path stat) throws IOException {
        String s = Files.readString(stat);
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};   // fields 14 and 15 of proc(5)
    }

    /** A relay's CPU time over a pass: user and system microseconds per delivered frame, and its share of one core. */
    record RelayCpu(double userMicrosPerFrame, double systemMicrosPerFrame, double coreShare) {
        static final RelayCpu NONE = new RelayCpu(0, 0, 0);
        private static final double MICROS_PER_TICK = 10_000;

        static RelayCpu of(long[] ticks0, long[] ticks1, long frames, double seconds) {
            long user = ticks1[0] - ticks0[0];
            long system = ticks1[1] - ticks0[1];
            if (frames <= 0 || user + system == 0) {
                return NONE;
            }
            return new RelayCpu(user * MICROS_PER_TICK / frames, system * MICROS_PER_TICK / frames,
                    (user + system) * MICROS_PER_TICK / 1e6 / seconds);
        }

        double microsPerFrame() {
            return userMicrosPerFrame + systemMicrosPerFrame;
        }
    }

    private static SocketChannel connect(SocketAddress a) throws Exception {
        for (int i = 0; ; i++) {
            try {
                SocketChannel c = a instanceof UnixDomainSocketAddress ? SocketChannel.open(StandardProtocolFamily.UNIX)
                        : SocketChannel.open();
                c.connect(a);
                return c;
            } catch (IOException e) {
                if (i > 100) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }
}
