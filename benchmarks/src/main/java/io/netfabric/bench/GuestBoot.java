package io.netfabric.bench;

import com.sun.net.httpserver.HttpServer;
import io.netfabric.core.Fabric;
import io.netfabric.core.HelperNettyDefaults;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.testkit.guest.GuestVm;
import io.netfabric.testkit.guest.TinyGuest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The main job, timed: a real guest under QEMU 7.2 (TCG) whose network is netfabric (user
 * netdev behind a unix {@code stream} socket, as the embedded default) or QEMU's built-in
 * {@code -netdev user}, in the same run, alternating. Measures the time from QEMU's start to the
 * guest's DHCP lease (on the host, from the guest's serial console markers), then six 50 MB HTTP
 * transfers in a row from a host server on 127.0.0.1 into the guest (through 10.0.2.2), each
 * timed by the guest's clock ({@code /proc/uptime}, 10 ms): the first of a boot apart (a fresh
 * connection path: the guest's first wget, and for netfabric a JIT that may still be compiling)
 * and the median of the other five, the steady state.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.netfabric.bench.GuestBoot [runs]}
 */
public final class GuestBoot {
    private static final int BLOB = 50 * 1024 * 1024;

    private static final int TRANSFERS = 6;

    /** Lease time from QEMU's start; the first transfer; the median of the others. */
    private record Result(double leaseSeconds, double firstSeconds, double steadySeconds) {
    }

    public static void main(String[] args) throws Exception {
        HelperNettyDefaults.apply();   // as the helper process runs its fabric
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        TinyGuest guest = TinyGuest.build();
        byte[] blob = new byte[BLOB];
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/blob", x -> {
            x.sendResponseHeaders(200, blob.length);
            x.getResponseBody().write(blob);
            x.close();
        });
        http.start();
        String script = """
                ip link set eth0 up
                udhcpc -i eth0 -n -q -t 20 -T 1
                echo NFGUEST-XFER-START
                for i in $(seq %d); do
                  echo NFGUEST-T $(cut -d' ' -f1 /proc/uptime)
                  wget -q -O /dev/null http://10.0.2.2:%d/blob || echo NFGUEST-XFER-FAILED
                done
                echo NFGUEST-T $(cut -d' ' -f1 /proc/uptime)
                echo NFGUEST-XFER-DONE
                """.formatted(TRANSFERS, http.getAddress().getPort());
        List<Result> nf = new ArrayList<>();
        List<Result> qemu = new ArrayList<>();
        try {
            for (int i = 0; i < runs; i++) {
                nf.add(withNetfabric(guest, script));
                qemu.add(once(guest, List.of("-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0,romfile="), script));
            }
        } finally {
            http.stop(0);
        }
        System.out.println("| helper | QEMU start to lease, s | first 50 MB of a boot, s | next five, median s | steady MB/s |");
        System.out.println("| --- | --- | --- | --- | --- |");
        print("netfabric (stream + user)", nf);
        print("QEMU 7.2 -netdev user (libslirp)", qemu);
        System.out.printf("%nmedians of %d boots each; netfabric/QEMU speed: steady %.2fx, first transfer %.2fx; "
                        + "lease time ratio (QEMU/netfabric) %.2fx%n", runs,
                median(qemu, Result::steadySeconds) / median(nf, Result::steadySeconds),
                median(qemu, Result::firstSeconds) / median(nf, Result::firstSeconds),
                median(qemu, Result::leaseSeconds) / median(nf, Result::leaseSeconds));
    }

    private static Result withNetfabric(TinyGuest guest, String script) throws Exception {
        Path dir = Files.createTempDirectory("guestboot");
        Path sock = dir.resolve("g.sock");
        try (Fabric fabric = Fabric.create()) {
            for (String nd : List.of("user,id=u0", "hubport,id=pu,hubid=0,netdev=u0",
                    "stream,id=g0,server=on,addr.type=unix,addr.path=" + sock, "hubport,id=pg,hubid=0,netdev=g0")) {
                fabric.addNetdev(NetdevOptionParser.parseNetdev(nd, fabric.availableTypes()));
            }
            return once(guest, List.of("-netdev", "stream,id=n0,server=off,addr.type=unix,addr.path=" + sock,
                    "-device", "virtio-net-pci,netdev=n0,romfile="), script);
        } finally {
            Files.deleteIfExists(sock);
            Files.deleteIfExists(dir);
        }
    }

    private static Result once(TinyGuest guest, List<String> net, String script) throws Exception {
        long start = System.nanoTime();
        try (GuestVm vm = GuestVm.boot(guest, net, script)) {
            if (vm.awaitLine("NFGUEST-LEASE", Duration.ofMinutes(3)) == null) {
                throw new IllegalStateException("no lease:\n" + vm.console());
            }
            long lease = System.nanoTime();
            if (vm.awaitLine("NFGUEST-XFER-DONE", Duration.ofMinutes(5)) == null
                    || vm.console().contains("NFGUEST-XFER-FAILED")) {
                throw new IllegalStateException("no transfer:\n" + vm.console());
            }
            List<Double> marks = new ArrayList<>();
            for (String line : vm.console().split("\r?\n")) {
                if (line.startsWith("NFGUEST-T ")) {
                    marks.add(Double.parseDouble(line.substring("NFGUEST-T ".length()).trim()));
                }
            }
            if (marks.size() != TRANSFERS + 1) {
                throw new IllegalStateException("expected " + (TRANSFERS + 1) + " time marks:\n" + vm.console());
            }
            List<Double> rest = new ArrayList<>();
            for (int i = 2; i < marks.size(); i++) {
                rest.add(marks.get(i) - marks.get(i - 1));
            }
            Collections.sort(rest);
            return new Result((lease - start) / 1e9, marks.get(1) - marks.get(0), rest.get(rest.size() / 2));
        }
    }

    private static double median(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
        List<Double> v = new ArrayList<>();
        for (Result r : rs) {
            v.add(f.applyAsDouble(r));
        }
        Collections.sort(v);
        return v.get(v.size() / 2);
    }

    private static void print(String name, List<Result> rs) {
        double steady = median(rs, Result::steadySeconds);
        System.out.printf("| %s | %.2f | %.2f | %.2f | %.1f |%n", name, median(rs, Result::leaseSeconds),
                median(rs, Result::firstSeconds), steady, BLOB / 1e6 / steady);
    }
}
