package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.netfabric.testkit.dns.LoopbackResolver;
import io.netfabric.testkit.guest.GuestVm;
import io.netfabric.testkit.guest.TinyGuest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The main job: a real Linux guest under QEMU 7.2 whose only network is netfabric. Through each
 * way in (a {@code stream} unix socket, a {@code socket} QEMU connects to, the embedded default
 * of {@code bin/netfabric}) and with both NIC models, the guest takes its lease by DHCP,
 * resolves a name through the {@code dns-upstream} resolver this test runs on loopback, fetches
 * a page from a host server on 127.0.0.1 through 10.0.2.2, and serves a page that the host
 * reaches through {@code hostfwd}.
 */
class MainJobIT {
    private static HttpServer host;
    private static LoopbackResolver resolver;
    private static TinyGuest guest;

    @TempDir
    Path dir;

    @BeforeAll
    static void hostSide() throws IOException {
        assumeTrue(TinyGuest.missingTools().isEmpty(), "cannot build the tiny guest, missing: " + TinyGuest.missingTools());
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "qemu-system-x86 is not installed");
        try (io.netfabric.core.Fabric probe = io.netfabric.core.Fabric.create()) {
            assumeTrue(probe.availableTypes().containsAll(List.of("user", "stream", "socket")),
                    "the user, stream and socket backends must be in this build");
        }
        guest = TinyGuest.build();
        host = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        host.createContext("/hello", x -> {
            byte[] body = "hello from the host\n".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        host.start();
        resolver = new LoopbackResolver();
    }

    @AfterAll
    static void stopHostSide() throws IOException {
        if (host != null) {
            host.stop(0);
        }
        if (resolver != null) {
            resolver.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String userOptions(int fwdPort) {
        return "dns-upstream=127.0.0.1:" + resolver.port() + ",hostfwd=tcp:127.0.0.1:" + fwdPort + "-:80";
    }

    private static String script() {
        return """
                ip link set eth0 up
                udhcpc -i eth0 -n -q -t 10 -T 2 || echo NFGUEST-NOLEASE
                nslookup www.example.test 10.0.2.3 2>&1 | sed 's/^/NFGUEST-DNS /'
                timeout 30 wget -q -O - http://10.0.2.2:%d/hello | sed 's/^/NFGUEST-HTTP /'
                echo 'served by the guest' > /var/www/index.html
                httpd -p 80 -h /var/www
                echo NFGUEST-HTTPD-UP
                sleep 60
                """.formatted(host.getAddress().getPort());
    }

    /** Boots the guest with {@code qemuNet} and checks everything the guest and host must see. */
    private void runGuest(List<String> qemuNet, int fwdPort) throws Exception {
        try (GuestVm vm = GuestVm.boot(guest, qemuNet, script())) {
            Duration boot = Duration.ofMinutes(3);
            String lease = vm.awaitLine("NFGUEST-LEASE", boot);
            assertThat(lease).as(vm.console()).isNotNull()
                    .contains("ip=10.0.2.15").contains("router=10.0.2.2").contains("dns=10.0.2.3");
            assertThat(vm.await(l -> l.startsWith("NFGUEST-DNS") && l.contains("192.0.2.44"), Duration.ofSeconds(60)))
                    .as(vm.console()).isNotNull();
            assertThat(vm.awaitLine("NFGUEST-HTTP hello from the host", Duration.ofSeconds(60))).as(vm.console()).isNotNull();
            assertThat(vm.awaitLine("NFGUEST-HTTPD-UP", Duration.ofSeconds(60))).as(vm.console()).isNotNull();
            assertThat(fetch("http://127.0.0.1:" + fwdPort + "/index.html")).isEqualTo("served by the guest\n");
        }
    }

    private static String fetch(String url) throws IOException, InterruptedException {
        IOException last = null;
        for (int i = 0; i < 20; i++) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
                c.setConnectTimeout(3000);
                c.setReadTimeout(5000);
                try (InputStream in = c.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                last = e;
                Thread.sleep(500);
            }
        }
        throw last;
    }

    private static List<String> nic(String model) {
        return List.of("-device", model + ",netdev=n0,romfile=");
    }

    @ParameterizedTest
    @ValueSource(strings = {"e1000", "virtio-net-pci"})
    void throughAStreamUnixSocket(String model) throws Exception {
        int fwd = freePort();
        Path sock = dir.resolve("guest.sock");
        try (Launcher nf = Launcher.start(CommandLine.parse(new String[] {"-nodefaults",
                "-netdev", "user,id=u0," + userOptions(fwd), "-netdev", "hubport,id=pu,hubid=0,netdev=u0",
                "-netdev", "stream,id=g0,server=on,addr.type=unix,addr.path=" + sock,
                "-netdev", "hubport,id=pg,hubid=0,netdev=g0"}), quiet(), quiet())) {
            List<String> net = new ArrayList<>(List.of("-netdev", "stream,id=n0,server=off,addr.type=unix,addr.path=" + sock));
            net.addAll(nic(model));
            runGuest(net, fwd);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"e1000", "virtio-net-pci"})
    void throughASocketQemuConnectsTo(String model) throws Exception {
        int fwd = freePort();
        int listen = freePort();
        try (Launcher nf = Launcher.start(CommandLine.parse(new String[] {"-nodefaults",
                "-netdev", "user,id=u0," + userOptions(fwd), "-netdev", "hubport,id=pu,hubid=0,netdev=u0",
                "-netdev", "socket,id=g0,listen=127.0.0.1:" + listen,
                "-netdev", "hubport,id=pg,hubid=0,netdev=g0"}), quiet(), quiet())) {
            List<String> net = new ArrayList<>(List.of("-netdev", "socket,id=n0,connect=127.0.0.1:" + listen));
            net.addAll(nic(model));
            runGuest(net, fwd);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"e1000", "virtio-net-pci"})
    void throughTheEmbeddedDefaultOfBinNetfabric(String model) throws Exception {
        int fwd = freePort();
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.netfabric.tools.Netfabric");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("nf.log").toFile());
        pb.environment().put("XDG_RUNTIME_DIR", dir.toString());
        pb.environment().put("NETFABRIC_DEFAULT_USER", userOptions(fwd));
        Process nf = pb.start();
        try {
            Path sock = dir.resolve("netfabric/guest.sock");
            String banner = "-netdev stream,id=net0,server=off,addr.type=unix,addr.path=" + sock;
            // The socket is bound before the banner is printed: wait for both.
            for (int i = 0; i < 300 && !(Files.exists(sock) && Files.readString(dir.resolve("nf.log")).contains(banner))
                    && nf.isAlive(); i++) {
                Thread.sleep(50);
            }
            assertThat(sock).as(Files.readString(dir.resolve("nf.log"))).exists();
            assertThat(Files.readString(dir.resolve("nf.log"))).contains(banner);
            List<String> net = new ArrayList<>(List.of("-netdev", "stream,id=n0,server=off,addr.type=unix,addr.path=" + sock));
            net.addAll(nic(model));
            runGuest(net, fwd);
        } finally {
            nf.destroy();
            nf.waitFor(15, TimeUnit.SECONDS);
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }
}
