package io.netfabric.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricEvent;
import io.netfabric.core.FabricException;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.core.options.SocketAddressOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@code stream} netdev's address, against what qemu-system-x86_64 7.2 did with the same
 * netdev_add commands and clients. How it shows its peer in {@code info network} and in
 * {@code NETDEV_STREAM_CONNECTED}: as {@code getnameinfo(NI_NUMERICHOST)} prints it (IPv6
 * compressed, an IPv4 client of a listener on {@code ::} as {@code ::ffff:127.0.0.1}), the
 * event's address carrying {@code ipv4} or {@code ipv6} true after the socket's family. And the
 * address's options ({@code numeric}, {@code to},
 * {@code ipv4}, {@code ipv6}, {@code keep-alive}) and its port as a service: 7.2 listens
 * and connects asynchronously, so what it cannot do leaves the netdev with the info
 * {@code connection error} rather than failing the command.
 */
@Timeout(30)
class StreamAddressTest {
    private Fabric fabric;
    private final List<FabricEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        fabric = Fabric.create();
        fabric.addEventListener(events::add);
    }

    @AfterEach
    void stop() {
        fabric.close();
    }

    @Test
    void numericRefusesAName() {
        int port = FreePorts.tcp();
        add("stream,id=s0,server=on,addr.type=inet,addr.host=localhost,addr.port=" + port + ",addr.numeric=on");
        add("stream,id=c0,addr.type=inet,addr.host=localhost,addr.port=" + port + ",addr.numeric=on");
        assertThat(info("s0")).isEqualTo("connection error");
        assertThat(info("c0")).isEqualTo("connection error");
    }

    @Test
    void aFamilyTheHostHasNotIsAConnectionError() {
        int port = FreePorts.tcp();
        add("stream,id=s0,server=on,addr.type=inet,addr.host=127.0.0.1,addr.port=" + port + ",addr.ipv6=on");
        add("stream,id=s1,server=on,addr.type=inet,addr.host=::1,addr.port=" + port + ",addr.ipv4=on");
        add("stream,id=s2,server=on,addr.type=inet,addr.host=127.0.0.1,addr.port=" + port
                + ",addr.ipv4=off,addr.ipv6=off");
        assertThat(info("s0")).isEqualTo("connection error");
        assertThat(info("s1")).isEqualTo("connection error");
        assertThat(info("s2")).isEqualTo("connection error");
    }

    @Test
    void keepAliveIsForClientsOnly() throws Exception {
        int port = FreePorts.tcp();
        add("stream,id=s0,server=on,addr.type=inet,addr.host=127.0.0.1,addr.port=" + port + ",addr.keep-alive=on");
        assertThat(info("s0")).isEqualTo("connection error");
        try (ServerSocket server = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            add("stream,id=c0,addr.type=inet,addr.host=127.0.0.1,addr.port=" + port + ",addr.keep-alive=on");
            try (Socket peer = server.accept()) {
                awaitConnected("c0");
                assertThat(info("c0")).isEqualTo("tcp:127.0.0.1:" + port);
            }
        }
    }

    /** An IPv4 address gets an IPv4 socket, as QEMU's: listed in /proc/net/tcp, where ss finds 127.0.0.1:P. */
    @Test
    void anIpv4ListenerIsAnIpv4Socket() throws Exception {
        int port = FreePorts.tcp();
        add("stream,id=s0,server=on,addr.type=inet,addr.host=127.0.0.1,addr.port=" + port);
        String local = String.format(":%04X ", port);
        assertThat(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/tcp")))
                .anySatisfy(l -> assertThat(l).contains("0100007F" + local).contains(" 0A "));
        // No IPv6 listener on the port. Only the local address column of a LISTEN (0A) row counts:
        // other tests' connections in TIME-WAIT may carry the same number as a remote port.
        assertThat(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/tcp6")))
                .noneSatisfy(l -> assertThat(l.trim().split("\\s+")).satisfies(f -> {
                    assertThat(f[1]).endsWith(local.trim());
                    assertThat(f[3]).isEqualTo("0A");
                }));
    }

    /** A host name is looked up off the event loop, then listened on or connected to as a literal. */
    @Test
    void aNameIsLookedUpThenUsed() throws Exception {
        int port = FreePorts.tcp();
        add("stream,id=s0,server=on,addr.type=inet,addr.host=localhost,addr.port=" + port + ",addr.ipv4=on");
        // Both names are looked up on threads of their own, so the client may try before the
        // server listens: it retries.
        add("stream,id=c0,reconnect=1,addr.type=inet,addr.host=localhost,addr.port=" + port + ",addr.ipv4=on");
        assertThat(connectedAddress("c0")).containsEntry("host", "127.0.0.1").containsEntry("port", Integer.toString(port));
        assertThat(info("c0")).isEqualTo("tcp:127.0.0.1:" + port);
        // A lookup that fails, from /etc/hosts alone (no query leaves the machine): localhost has
        // no IPv6 address there on the machines this runs on, else the test has nothing to show.
        org.junit.jupiter.api.Assumptions.assumeTrue(java.util.Arrays.stream(InetAddress.getAllByName("localhost"))
                .noneMatch(a -> a instanceof java.net.Inet6Address), "localhost has an IPv6 address here");
        add("stream,id=c1,addr.type=inet,addr.host=localhost,addr.port=" + port + ",addr.ipv6=on");
        for (int i = 0; i < 250 && !info("c1").equals("connection error"); i++) {
            Thread.sleep(20);
        }
        assertThat(info("c1")).isEqualTo("connection error");
    }

    @Test
    void toTriesTheNextPortsWhenTheFirstIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            add("stream,id=s0,server=on,addr.type=inet,addr.host=127.0.0.1,addr.port=" + port
                    + ",addr.to=" + (port + 5));
            assertThat(info("s0")).isEmpty();   // listening
            boolean reached = false;
            for (int p = port + 1; p <= port + 5 && !reached; p++) {
                try (Socket client = new Socket()) {
                    client.connect(new InetSocketAddress("127.0.0.1", p), 1000);
                    awaitConnected("s0");
                    reached = true;
                } catch (IOException refused) {
                    // not this one
                }
            }
            assertThat(reached).as("the listener took a port after %d", port).isTrue();
        }
        add("stream,id=s1,server=on,addr.type=inet,addr.host=127.0.0.1,addr.port=40002,addr.to=40001");
        assertThat(info("s1")).isEqualTo("connection error");
    }

    @Test
    void ipv6AloneListensForIpv6Only() throws Exception {
        int port = FreePorts.tcp();
        add("stream,id=s0,server=on,addr.type=inet,addr.host=,addr.port=" + port + ",addr.ipv6=on");
        try (Socket v4 = new Socket()) {
            assertThatThrownBy(() -> v4.connect(new InetSocketAddress("127.0.0.1", port), 1000))
                    .isInstanceOf(IOException.class);
        }
        try (Socket v6 = new Socket()) {
            v6.connect(new InetSocketAddress(InetAddress.getByName("::1"), port), 1000);
            awaitConnected("s0");
            assertThat(info("s0")).isEqualTo("tcp:::1:" + v6.getLocalPort());
        }
    }

    @Test
    void bothFamiliesOnAnEmptyHostAreOneIpv6SocketTakingIpv4() throws Exception {
        int port = FreePorts.tcp();
        add("stream,id=s0,server=on,addr.type=inet,addr.host=,addr.port=" + port + ",addr.ipv4=on,addr.ipv6=on");
        try (Socket v4 = new Socket("127.0.0.1", port)) {
            awaitConnected("s0");
            assertThat(info("s0")).isEqualTo("tcp:::ffff:127.0.0.1:" + v4.getLocalPort());
        }
    }

    @Test
    void thePortIsAGetaddrinfoService() {
        assertThat(endpoint("127.0.0.1", "70000").connectCandidates())
                .containsExactly(new InetSocketAddress("127.0.0.1", 70000 & 0xffff));
        if (InetEndpoint.serviceByName("ssh") != null) {
            assertThat(endpoint("127.0.0.1", "ssh").connectCandidates())
                    .containsExactly(new InetSocketAddress("127.0.0.1", 22));
        }
        assertThatThrownBy(() -> endpoint("[::1]", "80").connectCandidates())
                .as("brackets are the host:port syntax's, not a host's (QEMU 7.2: connection error)")
                .hasMessage("address resolution failed for [::1]:80: Name or service not known");
        assertThatThrownBy(() -> endpoint("127.0.0.1", "no-such-service").connectCandidates())
                .isInstanceOf(FabricException.class)
                .hasMessage("address resolution failed for 127.0.0.1:no-such-service: "
                        + "Servname not supported for ai_socktype");
    }

    @Test
    void anIpv6ClientIsShownCompressedWithIpv6True() throws Exception {
        int port = FreePorts.tcp();
        add("stream,id=s0,server=on,addr.type=inet,addr.host=::1,addr.port=" + port);
        try (Socket client = new Socket()) {
            client.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            client.connect(new InetSocketAddress(InetAddress.getByName("::1"), port));
            Map<String, Object> addr = connectedAddress("s0");
            assertThat(addr).containsExactly(Map.entry("type", "inet"), Map.entry("host", "::1"),
                    Map.entry("port", Integer.toString(client.getLocalPort())), Map.entry("ipv6", true));
            assertThat(info("s0")).isEqualTo("tcp:::1:" + client.getLocalPort());
        }
    }

    @Test
    void anIpv4ClientOfAnIpv6ListenerIsShownMapped() throws Exception {
        int port = FreePorts.tcp();
        add("stream,id=s0,server=on,addr.type=inet,addr.host=::,addr.port=" + port);
        try (Socket client = new Socket("127.0.0.1", port)) {
            Map<String, Object> addr = connectedAddress("s0");
            assertThat(addr).containsEntry("host", "::ffff:127.0.0.1").containsEntry("ipv6", true)
                    .doesNotContainKey("ipv4");
            assertThat(info("s0")).isEqualTo("tcp:::ffff:127.0.0.1:" + client.getLocalPort());
        }
    }

    @Test
    void anIpv4ClientConnectionShowsItsServerWithIpv4True() throws Exception {
        int port = FreePorts.tcp();
        add("stream,id=s0,server=on,addr.type=inet,addr.host=::,addr.port=" + port);
        add("stream,id=s1,addr.type=inet,addr.host=127.0.0.1,addr.port=" + port);
        for (int i = 0; i < 100 && connected("s1") == null; i++) {
            Thread.sleep(20);
        }
        assertThat(connected("s1")).containsExactly(Map.entry("type", "inet"), Map.entry("host", "127.0.0.1"),
                Map.entry("port", Integer.toString(port)), Map.entry("ipv4", true));
        assertThat(info("s1")).isEqualTo("tcp:127.0.0.1:" + port);
    }

    /**
     * {@code addr.abstract=on}: a Linux abstract socket, no file; {@code tight=off} pads the name
     * to the whole sun_path, another name, which a tight client does not reach (QEMU 7.2:
     * {@code connection error}); the event carries {@code abstract} and {@code tight}.
     */
    @Test
    void anAbstractUnixSocketHasNoFileAndTightNamesItExactly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(fabric.transport() == io.netfabric.core.Transport.EPOLL);
        String name = "nf-abstract-" + ProcessHandle.current().pid();
        add("stream,id=s0,server=on,addr.type=unix,addr.path=" + name + ",addr.abstract=on");
        add("stream,id=c0,addr.type=unix,addr.path=" + name + ",addr.abstract=on");
        assertThat(connectedAddress("c0")).containsExactly(Map.entry("type", "unix"), Map.entry("path", name),
                Map.entry("abstract", true), Map.entry("tight", true));
        assertThat(info("c0")).isEqualTo("unix:" + name);
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of(name))).as("no file").isFalse();

        add("stream,id=s1,server=on,addr.type=unix,addr.path=" + name + "-loose,addr.abstract=on,addr.tight=off");
        add("stream,id=c1,addr.type=unix,addr.path=" + name + "-loose,addr.abstract=on");
        add("stream,id=c2,addr.type=unix,addr.path=" + name + "-loose,addr.abstract=on,addr.tight=off");
        connectedAddress("c2");
        assertThat(info("c1")).isEqualTo("connection error");
        assertThat(info("c2")).isEqualTo("unix:" + name + "-loose");
        assertThat(connected("c2")).containsEntry("tight", false);
        // The listener accepted (a unix client connects on the backlog alone; it used not to).
        assertThat(connectedAddress("s1")).containsEntry("tight", false);
        assertThat(info("s1")).isEqualTo("unix:" + name + "-loose");
    }

    /**
     * {@code mptcp=on} on both ends: Multipath TCP sockets (SO_PROTOCOL 262) that carry the
     * connection; skipped where the kernel has MPTCP off.
     */
    @Test
    void mptcpOpensMultipathSocketsBothWays() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(fabric.transport() == io.netfabric.core.Transport.EPOLL);
        java.nio.file.Path enabled = java.nio.file.Path.of("/proc/sys/net/mptcp/enabled");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(enabled)
                && java.nio.file.Files.readString(enabled).trim().equals("1"), "MPTCP is off in this kernel");
        int port = FreePorts.tcp();
        add("stream,id=s0,server=on,addr.type=inet,addr.host=127.0.0.1,addr.port=" + port + ",addr.mptcp=on");
        add("stream,id=c0,addr.type=inet,addr.host=127.0.0.1,addr.port=" + port + ",addr.mptcp=on");
        assertThat(connectedAddress("c0")).containsEntry("port", Integer.toString(port)).containsEntry("ipv4", true);
        connectedAddress("s0");
        for (String id : new String[] {"s0", "c0"}) {
            int fd = fabric.call(() -> connectionFd(id));
            assertThat(MptcpSockets.protocol(fd)).as("%s's connection", id).isEqualTo(MptcpSockets.IPPROTO_MPTCP);
        }
        assertThat(info("c0")).isEqualTo("tcp:127.0.0.1:" + port);
    }

    /** The descriptor of the stream netdev {@code id}'s connection; loop thread. */
    private int connectionFd(String id) {
        return ((StreamNetdev) fabric.findNetdev(id)).connectionDescriptor();
    }

    private static InetEndpoint endpoint(String host, String port) {
        return new InetEndpoint(new SocketAddressOptions.Inet(host, port, null, null, null, null, null, null));
    }

    private void add(String netdev) {
        fabric.addNetdev(NetdevOptionParser.parseNetdev(netdev, fabric.availableTypes()));
    }

    private String info(String id) {
        return fabric.call(() -> fabric.findNetdev(id).info());
    }

    private void awaitConnected(String id) throws InterruptedException {
        connectedAddress(id);
    }

    private Map<String, Object> connectedAddress(String id) throws InterruptedException {
        for (int i = 0; i < 250; i++) {
            Map<String, Object> a = connected(id);
            if (a != null) {
                return a;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no NETDEV_STREAM_CONNECTED for " + id + ": " + events);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> connected(String id) {
        return events.stream()
                .filter(e -> e.event().equals("NETDEV_STREAM_CONNECTED") && id.equals(e.data().get("netdev-id")))
                .map(e -> (Map<String, Object>) e.data().get("addr"))
                .findFirst().orElse(null);
    }
}
