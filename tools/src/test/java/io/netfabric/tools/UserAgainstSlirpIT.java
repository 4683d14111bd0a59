package io.netfabric.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netfabric.core.Fabric;
import io.netfabric.core.options.NetdevOptionParser;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user netdev against QEMU 7.2's own ({@code -netdev user}, libslirp 4.7), frame for frame:
 * the same guest frames go to each through a {@code stream} socket on a hub, and what comes back
 * must agree field by field where libslirp's answer is the behaviour: DHCP options and addresses
 * and a DHCPNAK's message; ARP; echo replies from the virtual host and DNS addresses (TTL 255,
 * the request's DF; a fragmented 3000-octet request answered in MTU-sized fragments; time
 * exceeded for one that arrives with TTL 0); UDP longer than the MTU in one frame, taken and
 * echoed back in fragments; ICMPv6 packet too big above the MTU and time exceeded for hop limit 0; a refused TCP port's RST; ICMP and ICMPv6 port unreachable for a closed UDP port; for
 * IPv6 the neighbour advertisements and echo replies of fec0::2 and fec0::3 (from
 * 52:56:00:00:00:0N) and the RA's addresses, lifetimes and prefix; TFTP errors and a first block;
 * NC-SI answers (link status, capabilities, parameters, the others' shapes).
 *
 * <p>Left out on purpose, where ours follows the RFC or does more: a DHCPNAK's server id (RFC
 * 2131 requires it; libslirp leaves it out) and yiaddr; answers to DHCPINFORM (RFC 2131
 * §4.3.5), to a TFTP write (an error) and in netascii mode (libslirp: octet only); TFTP from a
 * new port per transfer (RFC 1350's TID; libslirp answers from 69); the RA's O flag and its MTU
 * and RDNSS options (libslirp 4.7 has none); IP identifiers and padding; the BOOTP size
 * (libslirp pads to 548 octets) and flags (RFC 2131 echoes the broadcast bit, libslirp clears
 * it); the source of a port unreachable (libslirp: 127.0.0.1 or ::1, the host's view, which no
 * guest should see on the wire; ours: the address the guest wrote to); a RST's window; IPv6 fragments (libslirp 4.7 drops them and never
 * fragments what it sends; ours reassembles and fragments, RFC 8200 §4.5); option 67 (the
 * bootfile) when the client's parameter list asks for it (libslirp fills only the BOOTP file
 * field; udhcpc -O bootfile checked against QEMU 7.2).
 *
 * <p>Only the virtual network and the host's loopback (10.0.2.2) are addressed; QEMU is killed
 * by its pid.
 */
@Timeout(60)
class UserAgainstSlirpIT {
    private static final byte[] GUEST = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
    private static final byte[] ROUTER_MAC = {0x52, 0x55, 10, 0, 2, 2};
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    private static final byte[] GUEST_IP = {10, 0, 2, 15};
    private static final byte[] HOST = {10, 0, 2, 2};
    private static final byte[] DNS = {10, 0, 2, 3};

    @TempDir
    Path dir;

    /** One side: a stream connection into a hub that holds a user netdev. */
    private static final class Side implements AutoCloseable {
        private final SocketChannel channel;
        private final List<byte[]> got = new CopyOnWriteArrayList<>();

        Side(Path socket) throws Exception {
            for (int i = 0; i < 100 && !Files.exists(socket); i++) {
                Thread.sleep(50);
            }
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            DataInputStream in = new DataInputStream(Channels.newInputStream(channel));
            Thread reader = new Thread(() -> {
                try {
                    while (true) {
                        byte[] f = new byte[in.readInt()];
                        in.readFully(f);
                        got.add(f);
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "slirp-diff-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** Sends {@code frame} and answers what came back within 500 ms. */
        List<byte[]> exchange(byte[] frame) throws Exception {
            got.clear();
            ByteBuffer b = ByteBuffer.allocate(4 + frame.length).putInt(frame.length).put(frame).flip();
            while (b.hasRemaining()) {
                channel.write(b);
            }
            Thread.sleep(500);
            return new ArrayList<>(got);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    @Test
    void answersAsLibslirpDoes() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "qemu-system-x86 is not installed");
        Path tftp = Files.createDirectories(dir.resolve("tftp"));
        byte[] file = new byte[1500];
        new java.util.Random(7).nextBytes(file);
        Files.write(tftp.resolve("boot.bin"), file);
        Path qemuSocket = dir.resolve("qemu.sock");
        Path ourSocket = dir.resolve("ours.sock");
        Process qemu = new ProcessBuilder("qemu-system-x86_64", "-M", "none", "-nodefaults", "-display", "none",
                "-monitor", "none", "-netdev", "user,id=u0,tftp=" + tftp, "-netdev", "hubport,id=p0,hubid=0,netdev=u0",
                "-netdev", "stream,id=s0,server=on,addr.type=unix,addr.path=" + qemuSocket,
                "-netdev", "hubport,id=p1,hubid=0,netdev=s0")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (Fabric fabric = Fabric.create()) {
            for (String nd : List.of("user,id=u0,tftp=" + tftp, "hubport,id=p0,hubid=0,netdev=u0",
                    "stream,id=s0,server=on,addr.type=unix,addr.path=" + ourSocket, "hubport,id=p1,hubid=0,netdev=s0")) {
                fabric.addNetdev(NetdevOptionParser.parseNetdev(nd, fabric.availableTypes()));
            }
            try (Side theirs = new Side(qemuSocket); Side ours = new Side(ourSocket)) {
                Thread.sleep(300);   // both streams attached
                compareDhcp(theirs, ours, dhcp(1, null));
                compareDhcp(theirs, ours, dhcp(3, GUEST_IP));
                compareNak(theirs, ours, dhcp(3, new byte[] {10, 0, 2, 77}));
                for (byte[] target : new byte[][] {HOST, DNS, {10, 0, 2, 4}, GUEST_IP, {10, 0, 3, 1}}) {
                    compare("ARP who-has " + Arrays.toString(target), theirs, ours, arpRequest(target), 42);
                }
                for (byte[] to : new byte[][] {HOST, DNS}) {
                    for (boolean df : new boolean[] {false, true}) {
                        compare("echo to " + Arrays.toString(to) + (df ? " with DF" : ""), theirs, ours,
                                eth(ROUTER_MAC, 0x0800, echoRequest(to, df)), -1);
                    }
                }
                compareFragmentedEcho(theirs, ours);
                compareTimeExceeded(theirs, ours);
                byte[] guest6 = InetAddress.getByName("fec0::15").getAddress();
                for (String target : new String[] {"fec0::2", "fec0::3"}) {
                    byte[] t = InetAddress.getByName(target).getAddress();
                    compare("NS for " + target, theirs, ours, eth(solicitedNodeMac(t), 0x86dd,
                            icmp6(guest6, solicitedNode(t), neighborSolicitation(t), 255)), -1);
                    byte[] echo = {(byte) 128, 0, 0, 0, 0x42, 0x42, 0, 7, 'h', 'e', 'l', 'l', 'o'};
                    compare("echo to " + target, theirs, ours, eth(ROUTER_MAC, 0x86dd, icmp6(guest6, t, echo, 64)), -1);
                }
                compareRouterAdvertisement(theirs, ours);
                // NC-SI (libslirp's ncsi.c, for BMC guests): commands of each answer shape, byte for byte.
                for (int type : new int[] {0x00, 0x0a, 0x0e, 0x15, 0x16, 0x17, 0x18, 0x1b, 0x50, 0x52}) {
                    byte[] cmd = new byte[24];
                    cmd[1] = 1;
                    cmd[3] = (byte) (0x40 + type % 64);
                    cmd[4] = (byte) type;
                    cmd[5] = 0x1f;
                    cmd[7] = 4;
                    compare("NC-SI command 0x" + Integer.toHexString(type), theirs, ours, eth(BROADCAST, 0x88f8, cmd), -1);
                }
                byte[] big6 = new byte[1600];
                big6[0] = (byte) 128;
                compareIcmpv6Error("ICMPv6 echo of 1600 octets: packet too big", theirs, ours,
                        eth(ROUTER_MAC, 0x86dd, icmp6(guest6, InetAddress.getByName("fec0::2").getAddress(), big6, 64)));
                byte[] echo0 = {(byte) 128, 0, 0, 0, 0x42, 0x42, 0, 8, 'h', 'i'};
                compareIcmpv6Error("ICMPv6 echo with hop limit 0: time exceeded", theirs, ours,
                        eth(ROUTER_MAC, 0x86dd, icmp6(guest6, InetAddress.getByName("fec0::2").getAddress(), echo0, 0)));
                int closedTcp;
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    closedTcp = s.getLocalPort();
                }
                compareRst(theirs, ours, eth(ROUTER_MAC, 0x0800, tcpSyn(HOST, closedTcp)));
                int closedUdp;
                try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                    closedUdp = s.getLocalPort();
                }
                compareUnreachable(theirs, ours, eth(ROUTER_MAC, 0x0800,
                        udp(GUEST_IP, HOST, 40001, closedUdp, "hello".getBytes())), false);
                int closedUdp6;
                try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("::1"))) {
                    closedUdp6 = s.getLocalPort();
                }
                compareUnreachable(theirs, ours, eth(ROUTER_MAC, 0x86dd, udp6(InetAddress.getByName("fec0::15").getAddress(),
                        InetAddress.getByName("fec0::2").getAddress(), 40002, closedUdp6, "hello".getBytes())), true);
                try (DatagramSocket echo = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                    Thread echoes = new Thread(() -> udpEcho(echo), "udp-echo");
                    echoes.setDaemon(true);
                    echoes.start();
                    byte[] data = new byte[3000];
                    for (int i = 0; i < data.length; i++) {
                        data[i] = (byte) i;
                    }
                    // Longer than the MTU in one frame (a guest with a larger MTU): taken, echoed in fragments.
                    byte[] noDf = udp(GUEST_IP, HOST, 40300, echo.getLocalPort(), data);
                    noDf[6] = 0;
                    refreshChecksum(noDf);
                    compare("UDP of 3000 octets in one frame", theirs, ours, eth(ROUTER_MAC, 0x0800, noDf), -1);
                    compare("UDP of 1473 octets with DF", theirs, ours, eth(ROUTER_MAC, 0x0800,
                            udp(GUEST_IP, HOST, 40301, echo.getLocalPort(), Arrays.copyOf(data, 1473))), -1);
                }
                int port = 40100;
                for (String[] rrq : new String[][] {{"nothere", "octet"}, {"../etc/passwd", "octet"},
                        {"boot.bin", "binary"}, {"boot.bin", "octet"}}) {
                    compareUdpPayload("TFTP read of " + rrq[0] + " in " + rrq[1] + " mode", theirs, ours,
                            eth(ROUTER_MAC, 0x0800, udp(GUEST_IP, HOST, port++, 69, tftpRead(rrq[0], rrq[1]))));
                }
            }
        } finally {
            qemu.destroy();
            if (!qemu.waitFor(5, TimeUnit.SECONDS)) {
                qemu.destroyForcibly();
            }
        }
    }

    /** Both answer alike: the same number of frames, equal after blanking IP id and checksum, on {@code len} octets (-1: all). */
    private static void compare(String what, Side theirs, Side ours, byte[] frame, int len) throws Exception {
        List<byte[]> a = theirs.exchange(frame);
        List<byte[]> b = ours.exchange(frame);
        assertThat(b.size()).as("%s: frames back (QEMU: %s; ours: %s)", what, a.stream().map(f -> hex(Arrays.copyOf(f, 64))).toList(),
                b.stream().map(f -> hex(Arrays.copyOf(f, 64))).toList()).isEqualTo(a.size());
        for (int i = 0; i < a.size(); i++) {
            assertThat(hex(normalized(b.get(i), len))).as(what).isEqualTo(hex(normalized(a.get(i), len)));
        }
    }

    private static void compareDhcp(Side theirs, Side ours, byte[] payload) throws Exception {
        byte[] frame = eth(BROADCAST, 0x0800, udp(new byte[4], new byte[] {-1, -1, -1, -1}, 68, 67, payload));
        byte[][] answers = oneAnswerEach("one answer", theirs, ours, frame);
        int bootp = 14 + 20 + 8;
        // op .. hops, xid; then ciaddr, yiaddr, siaddr, giaddr, chaddr: equal. secs/flags left out (above).
        assertThat(hex(Arrays.copyOfRange(answers[1], bootp, bootp + 8)))
                .isEqualTo(hex(Arrays.copyOfRange(answers[0], bootp, bootp + 8)));
        assertThat(hex(Arrays.copyOfRange(answers[1], bootp + 12, bootp + 44)))
                .isEqualTo(hex(Arrays.copyOfRange(answers[0], bootp + 12, bootp + 44)));
        assertThat(dhcpOptions(answers[1])).isEqualTo(dhcpOptions(answers[0]));
    }

    /**
     * The RA a router solicitation gets: from fe80::2 and 52:56:00:00:00:02, hop limit 255, the
     * same hop limit and router lifetime, source link-layer and prefix options. Ours also sets O
     * and carries MTU and RDNSS options (libslirp 4.7 has neither), so options are compared by type.
     */
    private static void compareRouterAdvertisement(Side theirs, Side ours) throws Exception {
        byte[] rs = {(byte) 133, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56};
        byte[] linkLocal = InetAddress.getByName("fe80::5054:ff:fe12:3456").getAddress();
        byte[] frame = eth(new byte[] {0x33, 0x33, 0, 0, 0, 2}, 0x86dd,
                icmp6(linkLocal, InetAddress.getByName("ff02::2").getAddress(), rs, 255));
        byte[][] answers = oneAnswerEach("one answer", theirs, ours, frame);
        byte[] q = answers[0];
        byte[] o = answers[1];
        assertThat(hex(Arrays.copyOfRange(o, 0, 12))).as("Ethernet addresses").isEqualTo(hex(Arrays.copyOfRange(q, 0, 12)));
        assertThat(hex(Arrays.copyOfRange(o, 21, 54))).as("hop limit, source, destination")
                .isEqualTo(hex(Arrays.copyOfRange(q, 21, 54)));
        int ra = 54;
        assertThat(o[ra] & 0xFF).isEqualTo(134);
        assertThat(hex(Arrays.copyOfRange(o, ra + 4, ra + 5))).as("cur hop limit").isEqualTo(hex(Arrays.copyOfRange(q, ra + 4, ra + 5)));
        assertThat(hex(Arrays.copyOfRange(o, ra + 6, ra + 16))).as("lifetimes, reachable, retrans")
                .isEqualTo(hex(Arrays.copyOfRange(q, ra + 6, ra + 16)));
        for (int type : new int[] {1, 3}) {
            assertThat(hex(ndpOption(o, ra + 16, type))).as("option %d", type).isEqualTo(hex(ndpOption(q, ra + 16, type)));
        }
    }

    private static byte[] ndpOption(byte[] f, int from, int type) {
        for (int p = from; p + 1 < f.length && f[p + 1] != 0; p += (f[p + 1] & 0xFF) * 8) {
            if ((f[p] & 0xFF) == type) {
                return Arrays.copyOfRange(f, p, p + (f[p + 1] & 0xFF) * 8);
            }
        }
        return new byte[0];
    }

    /** A 3000-octet echo request in three fragments: the reply comes in MTU-sized fragments, the same. */
    private static void compareFragmentedEcho(Side theirs, Side ours) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(8 + 3000);
        b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) 0x5151).putShort((short) 1);
        for (int i = 0; i < 3000; i++) {
            b.put((byte) i);
        }
        byte[] icmp = b.array();
        putChecksum(icmp, 2, icmp, icmp.length);
        List<List<byte[]>> answers = new ArrayList<>();
        for (Side side : new Side[] {theirs, ours}) {
            List<byte[]> got = List.of();
            for (int off = 0; off < icmp.length; off += 1480) {
                int n = Math.min(1480, icmp.length - off);
                ByteBuffer ip = ByteBuffer.allocate(20 + n);
                ip.put((byte) 0x45).put((byte) 0).putShort((short) (20 + n)).putShort((short) 0x4444)
                        .putShort((short) ((off + n < icmp.length ? 0x2000 : 0) | off / 8)).put((byte) 64).put((byte) 1)
                        .putShort((short) 0).put(GUEST_IP).put(HOST).put(icmp, off, n);
                byte[] a = ip.array();
                putChecksum(a, 10, a, 20);
                got = side.exchange(eth(ROUTER_MAC, 0x0800, a));
            }
            answers.add(got);
        }
        assertThat(answers.get(1)).as("fragments of the reply").hasSameSizeAs(answers.get(0)).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(hex(normalized(answers.get(1).get(i), -1))).as("fragment %d", i)
                    .isEqualTo(hex(normalized(answers.get(0).get(i), -1)));
        }
    }

    /**
     * An echo request that arrives with TTL 0 gets time exceeded (type 11, code 0) quoting it;
     * libslirp quotes the whole datagram, we the header and 8 octets (RFC 792): those must match.
     */
    private static void compareTimeExceeded(Side theirs, Side ours) throws Exception {
        byte[] ip = echoRequest(HOST, true);
        ip[8] = 0;
        refreshChecksum(ip);
        byte[][] answers = oneAnswerEach("echo with TTL 0", theirs, ours, eth(ROUTER_MAC, 0x0800, ip));
        int icmp = 14 + 20;
        assertThat(hex(Arrays.copyOfRange(answers[1], icmp, icmp + 2))).isEqualTo(hex(Arrays.copyOfRange(answers[0], icmp, icmp + 2)));
        assertThat(hex(Arrays.copyOfRange(answers[1], icmp + 8, icmp + 8 + 28)))
                .isEqualTo(hex(Arrays.copyOfRange(answers[0], icmp + 8, icmp + 8 + 28)));
    }

    /** An ICMPv6 error: its type, code and the word after them (the MTU of a packet too big). */
    private static void compareIcmpv6Error(String what, Side theirs, Side ours, byte[] frame) throws Exception {
        byte[][] answers = oneAnswerEach(what, theirs, ours, frame);
        int icmp = 14 + 40;
        assertThat(hex(Arrays.copyOfRange(answers[1], icmp, icmp + 2))).as(what)
                .isEqualTo(hex(Arrays.copyOfRange(answers[0], icmp, icmp + 2)));
        assertThat(hex(Arrays.copyOfRange(answers[1], icmp + 4, icmp + 8))).as(what)
                .isEqualTo(hex(Arrays.copyOfRange(answers[0], icmp + 4, icmp + 8)));
    }

    private static void udpEcho(DatagramSocket socket) {
        byte[] buf = new byte[65536];
        try {
            while (true) {
                java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
                socket.receive(p);
                socket.send(new java.net.DatagramPacket(buf, p.getLength(), p.getSocketAddress()));
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    private static void refreshChecksum(byte[] ip) {
        ip[10] = 0;
        ip[11] = 0;
        putChecksum(ip, 10, ip, 20);
    }

    /** A NAK: its message type and libslirp's message (56); the server id RFC 2131 asks for is ours alone. */
    private static void compareNak(Side theirs, Side ours, byte[] payload) throws Exception {
        byte[] frame = eth(BROADCAST, 0x0800, udp(new byte[4], new byte[] {-1, -1, -1, -1}, 68, 67, payload));
        byte[][] answers = oneAnswerEach("one answer", theirs, ours, frame);
        List<String> theirOptions = dhcpOptions(answers[0]);
        List<String> ourOptions = new ArrayList<>(dhcpOptions(answers[1]));
        ourOptions.removeIf(o -> o.startsWith("54="));
        assertThat(ourOptions).isEqualTo(theirOptions);
    }

    /**
     * The UDP payload of the answers (a TFTP error or first block) is the same; libslirp answers
     * from port 69, we from a new port per transfer (RFC 1350's TID), so ports are not compared.
     */
    private static void compareUdpPayload(String what, Side theirs, Side ours, byte[] frame) throws Exception {
        byte[][] answers = oneAnswerEach(what, theirs, ours, frame);
        assertThat(hex(udpPayload(answers[1]))).as(what).isEqualTo(hex(udpPayload(answers[0])));
    }

    private static byte[] udpPayload(byte[] f) {
        int udp = 14 + 20;
        int len = ((f[udp + 4] & 0xFF) << 8) | (f[udp + 5] & 0xFF);
        return Arrays.copyOfRange(f, udp + 8, udp + len);
    }

    private static byte[] tftpRead(String file, String mode) {
        byte[] f = file.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] m = mode.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(2 + f.length + 1 + m.length + 1).putShort((short) 1).put(f).put((byte) 0).put(m)
                .put((byte) 0).array();
    }

    private static void compareRst(Side theirs, Side ours, byte[] frame) throws Exception {
        byte[][] answers = oneAnswerEach("one answer", theirs, ours, frame);
        int tcp = 14 + 20;
        // Ports, sequence and acknowledgement numbers, offset and flags (RST+ACK); not the window.
        assertThat(hex(Arrays.copyOfRange(answers[1], tcp, tcp + 14)))
                .isEqualTo(hex(Arrays.copyOfRange(answers[0], tcp, tcp + 14)));
    }

    /** ICMP (or, {@code v6}, ICMPv6) port unreachable, quoting the IP and UDP headers: the same type, code and quote. */
    private static void compareUnreachable(Side theirs, Side ours, byte[] frame, boolean v6) throws Exception {
        // The first datagram of a flow opens the host's error socket on our side: send twice.
        theirs.exchange(frame);
        ours.exchange(frame);
        byte[][] answers = oneAnswerEach("one answer", theirs, ours, frame);
        int ipHeader = v6 ? 40 : 20;
        int icmp = 14 + ipHeader;
        int quotedUdp = icmp + 8 + ipHeader;
        assertThat(hex(Arrays.copyOfRange(answers[1], icmp, icmp + 2))).as("type, code")
                .isEqualTo(hex(Arrays.copyOfRange(answers[0], icmp, icmp + 2)));
        assertThat(hex(Arrays.copyOfRange(answers[1], quotedUdp, quotedUdp + 6))).as("quoted ports and UDP length")
                .isEqualTo(hex(Arrays.copyOfRange(answers[0], quotedUdp, quotedUdp + 6)));
        int addresses = icmp + 8 + (v6 ? 8 : 12);
        assertThat(hex(Arrays.copyOfRange(answers[1], addresses, quotedUdp))).as("quoted addresses")
                .isEqualTo(hex(Arrays.copyOfRange(answers[0], addresses, quotedUdp)));
    }

    /** Sends {@code frame} to each side; each must answer with exactly one frame: QEMU's, then ours. */
    private static byte[][] oneAnswerEach(String what, Side theirs, Side ours, byte[] frame) throws Exception {
        List<byte[]> a = theirs.exchange(frame);
        List<byte[]> b = ours.exchange(frame);
        assertThat(a).as("%s: QEMU's answers", what).hasSize(1);
        assertThat(b).as("%s: our answers", what).hasSize(1);
        return new byte[][] {a.get(0), b.get(0)};
    }

    private static byte[] normalized(byte[] f, int len) {
        byte[] c = Arrays.copyOf(f, len < 0 ? f.length : Math.min(len, f.length));
        if (c.length >= 26 && c[12] == 0x08 && c[13] == 0x00) {
            c[18] = 0;   // identification
            c[19] = 0;
            c[24] = 0;   // header checksum (covers the identification)
            c[25] = 0;
        }
        return c;
    }

    private static List<String> dhcpOptions(byte[] f) {
        List<String> out = new ArrayList<>();
        int o = 14 + 20 + 8 + 240;
        while (o < f.length && (f[o] & 0xFF) != 255) {
            if (f[o] == 0) {
                o++;
                continue;
            }
            int len = f[o + 1] & 0xFF;
            out.add((f[o] & 0xFF) + "=" + hex(Arrays.copyOfRange(f, o + 2, o + 2 + len)));
            o += 2 + len;
        }
        return out;
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }

    // ---------------------------------------------------------------- frames a guest sends

    private static byte[] eth(byte[] dst, int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(60, 14 + payload.length));
        b.put(dst).put(GUEST).putShort((short) type).put(payload);
        return b.array();
    }

    /** Writes the Internet checksum (fabric-wire's {@code InetChecksum}) of {@code over[0, len)} at {@code target[at]}. */
    private static void putChecksum(byte[] target, int at, byte[] over, int len) {
        int c = io.netfabric.wire.InetChecksum.checksum(io.netty.buffer.Unpooled.wrappedBuffer(over), 0, len);
        target[at] = (byte) (c >> 8);
        target[at + 1] = (byte) c;
    }

    private static byte[] ip(int proto, byte[] src, byte[] dst, byte[] payload, boolean df) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) 0x1234)
                .putShort((short) (df ? 0x4000 : 0)).put((byte) 64).put((byte) proto).putShort((short) 0)
                .put(src).put(dst).put(payload);
        byte[] a = b.array();
        putChecksum(a, 10, a, 20);
        return a;
    }

    private static byte[] udp(byte[] src, byte[] dst, int sport, int dport, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + data.length)).putShort((short) 0).put(data);
        return ip(17, src, dst, b.array(), true);   // UDP checksum 0: none (RFC 768)
    }

    private static byte[] dhcp(int type, byte[] requested) {
        ByteBuffer b = ByteBuffer.allocate(300);
        b.put((byte) 1).put((byte) 1).put((byte) 6).put((byte) 0).putInt(0x11223344).putShort((short) 0)
                .putShort((short) 0x8000).put(new byte[16]).put(GUEST).put(new byte[10 + 192]).putInt(0x63825363);
        b.put((byte) 53).put((byte) 1).put((byte) type);
        if (requested != null) {
            b.put((byte) 50).put((byte) 4).put(requested).put((byte) 54).put((byte) 4).put(HOST);
        }
        b.put((byte) 55).put((byte) 4).put((byte) 1).put((byte) 3).put((byte) 6).put((byte) 15).put((byte) 255);
        return b.array();
    }

    private static byte[] arpRequest(byte[] target) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1)
                .put(GUEST).put(GUEST_IP).put(new byte[6]).put(target);
        return eth(BROADCAST, 0x0806, b.array());
    }

    private static byte[] echoRequest(byte[] to, boolean df) {
        ByteBuffer b = ByteBuffer.allocate(8 + 16);
        b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) 0x4242).putShort((short) 7)
                .put("netfabric-diff!!".getBytes());
        byte[] a = b.array();
        putChecksum(a, 2, a, a.length);
        return ip(1, GUEST_IP, to, a, df);
    }

    private static byte[] udp6(byte[] src, byte[] dst, int sport, int dport, byte[] data) {
        byte[] u = ByteBuffer.allocate(8 + data.length).putShort((short) sport).putShort((short) dport)
                .putShort((short) (8 + data.length)).putShort((short) 0).put(data).array();
        ByteBuffer pseudo = ByteBuffer.allocate(40 + u.length);
        pseudo.put(src).put(dst).putInt(u.length).put(new byte[3]).put((byte) 17).put(u);
        putChecksum(u, 6, pseudo.array(), pseudo.capacity());
        return ByteBuffer.allocate(40 + u.length).putInt(0x60000000).putShort((short) u.length).put((byte) 17)
                .put((byte) 64).put(src).put(dst).put(u).array();
    }

    private static byte[] icmp6(byte[] src, byte[] dst, byte[] message, int hopLimit) {
        byte[] msg = message.clone();
        ByteBuffer pseudo = ByteBuffer.allocate(40 + msg.length);
        pseudo.put(src).put(dst).putInt(msg.length).put(new byte[3]).put((byte) 58).put(msg);
        putChecksum(msg, 2, pseudo.array(), pseudo.capacity());
        ByteBuffer b = ByteBuffer.allocate(40 + msg.length);
        b.putInt(0x60000000).putShort((short) msg.length).put((byte) 58).put((byte) hopLimit).put(src).put(dst).put(msg);
        return b.array();
    }

    private static byte[] solicitedNode(byte[] target) {
        byte[] a = new byte[16];
        a[0] = (byte) 0xff;
        a[1] = 2;
        a[11] = 1;
        a[12] = (byte) 0xff;
        System.arraycopy(target, 13, a, 13, 3);
        return a;
    }

    private static byte[] solicitedNodeMac(byte[] target) {
        return new byte[] {0x33, 0x33, (byte) 0xff, target[13], target[14], target[15]};
    }

    private static byte[] neighborSolicitation(byte[] target) {
        byte[] m = new byte[32];
        m[0] = (byte) 135;
        System.arraycopy(target, 0, m, 8, 16);
        m[24] = 1;   // source link-layer address
        m[25] = 1;
        System.arraycopy(GUEST, 0, m, 26, 6);
        return m;
    }

    private static byte[] tcpSyn(byte[] to, int port) {
        ByteBuffer b = ByteBuffer.allocate(20);
        b.putShort((short) 40000).putShort((short) port).putInt(1000).putInt(0).put((byte) 0x50).put((byte) 0x02)
                .putShort((short) 64240).putShort((short) 0).putShort((short) 0);
        byte[] t = b.array();
        ByteBuffer pseudo = ByteBuffer.allocate(12 + 20);
        pseudo.put(GUEST_IP).put(to).put((byte) 0).put((byte) 6).putShort((short) 20).put(t);
        putChecksum(t, 16, pseudo.array(), 32);
        return ip(6, GUEST_IP, to, t, false);
    }
}
