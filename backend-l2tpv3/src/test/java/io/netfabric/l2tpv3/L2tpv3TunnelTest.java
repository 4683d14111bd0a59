package io.netfabric.l2tpv3;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.core.DropReason;
import io.netfabric.core.Fabric;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.core.testing.RecordingClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One l2tpv3 netdev joined by a hub to a test endpoint, its far end a plain UDP socket in the
 * test: the bytes it sends are checked field by field, and crafted datagrams (good, wrong
 * session, wrong cookie, short, control, large) go the other way.
 */
class L2tpv3TunnelTest {
    private Fabric fabric;
    private RecordingClient guest;
    private DatagramSocket far;
    private int netdevPort;

    @BeforeEach
    void open() throws Exception {
        fabric = Fabric.create();
        far = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        far.setSoTimeout(3000);
        netdevPort = FreePorts.udp();
    }

    @AfterEach
    void close() {
        fabric.close();
        far.close();
    }

    private L2tpv3Netdev netdev(String opts) {
        L2tpv3Netdev n = (L2tpv3Netdev) fabric.addNetdev(NetdevOptionParser.parseNetdev(
                "l2tpv3,id=l0,src=127.0.0.1,dst=127.0.0.1,udp=on,srcport=" + netdevPort + ",dstport="
                        + far.getLocalPort() + "," + opts, fabric.availableTypes()));
        guest = new RecordingClient("guest");
        fabric.addClient(guest);
        fabric.addNetdev(NetdevOptionParser.parseNetdev("hubport,id=h0,hubid=0,netdev=l0", fabric.availableTypes()));
        fabric.addNetdev(NetdevOptionParser.parseNetdev("hubport,id=h1,hubid=0,netdev=guest", fabric.availableTypes()));
        return n;
    }

    static byte[] frame(int len, int tag) {
        byte[] f = new byte[len];
        for (int i = 0; i < len; i++) {
            f[i] = (byte) (i < 6 ? 0xff : i + tag);
        }
        return f;
    }

    private void guestSends(byte[] f) {
        fabric.run(() -> {
            ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(f.length).writeBytes(f);
            guest.send(b);
        });
    }

    private byte[] farReceives() throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[70000], 70000);
        far.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    private void farSends(byte[]... parts) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(x -> x.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        far.send(new DatagramPacket(b.array(), b.position(), new InetSocketAddress("127.0.0.1", netdevPort)));
    }

    static byte[] hex(String s) {
        return ByteBufUtil.decodeHexDump(s.replace(" ", ""));
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> c) {
        return fabric.call(c);
    }

    @Test
    void sendsQemusHeaderWithA32BitCookieAndACounterFromOne() throws Exception {
        netdev("txsession=0x11111111,rxsession=0x22222222,txcookie=0xdeadbeef,rxcookie=0xcafef00d,counter=on");
        byte[] f = frame(60, 1);
        guestSends(f);
        guestSends(f);
        byte[] d1 = farReceives();
        byte[] d2 = farReceives();
        assertThat(ByteBufUtil.hexDump(d1, 0, 16)).isEqualTo("00030000" + "11111111" + "deadbeef" + "00000001");
        assertThat(ByteBufUtil.hexDump(d2, 0, 16)).isEqualTo("00030000" + "11111111" + "deadbeef" + "00000002");
        assertThat(Arrays.copyOfRange(d1, 16, d1.length)).isEqualTo(f);
    }

    @Test
    void cookie64OffStillMeans64BitsAndPincounterWritesZero() throws Exception {
        netdev("txsession=7,txcookie=0x0102030405060708,rxcookie=9,cookie64=off,counter=on,pincounter=on,offset=3");
        guestSends(frame(60, 2));
        byte[] d = farReceives();
        assertThat(ByteBufUtil.hexDump(d, 0, 23))
                .isEqualTo("00030000" + "00000007" + "0102030405060708" + "00000000" + "000000");
        assertThat(d).hasSize(23 + 60);
    }

    @Test
    void pincounterWithoutCounterAddsNoField() throws Exception {
        netdev("txsession=7,pincounter=on");
        guestSends(frame(60, 2));
        assertThat(farReceives()).hasSize(8 + 60);
    }

    @Test
    void deliversAFrameWithTheRightSessionAndCookie() throws Exception {
        L2tpv3Netdev n = netdev("txsession=1,rxsession=0x22222222,txcookie=1,rxcookie=0xcafef00d,counter=on");
        byte[] f = frame(64, 3);
        farSends(hex("00030000 22222222 cafef00d 12345678"), f); // the counter is not checked
        assertThat(guest.poll(3000)).isEqualTo(f);
        assertThat(onLoop(() -> n.counters().txFrames())).isEqualTo(1);
    }

    @Test
    void aWrongSessionOrCookieIsCountedAndDropped() throws Exception {
        L2tpv3Netdev n = netdev("txsession=1,rxsession=0x22222222,txcookie=1,rxcookie=0xcafef00d");
        byte[] f = frame(64, 4);
        farSends(hex("00030000 22222223 cafef00d"), f);
        farSends(hex("00030000 22222222 cafef00e"), f);
        farSends(hex("00030000 22222222 cafef00d"), f); // a good one last: the others came first
        assertThat(guest.poll(3000)).isEqualTo(f);
        assertThat(guest.poll(100)).isNull();
        assertThat(onLoop(() -> n.stats().sessionMismatch())).isEqualTo(1);
        assertThat(onLoop(() -> n.stats().cookieMismatch())).isEqualTo(1);
        assertThat(onLoop(() -> n.counters().drops(DropReason.MALFORMED))).isEqualTo(2);
    }

    @Test
    void a32BitCookieMatchesTheLowHalfOfALargeRxcookie() throws Exception {
        // QEMU compares against all 64 bits and so never matches here (README, quirk 3).
        netdev("txsession=1,txcookie=1,rxcookie=0x1cafef00d");
        byte[] f = frame(64, 5);
        farSends(hex("00030000 00000001 cafef00d"), f);
        assertThat(guest.poll(3000)).isEqualTo(f);
    }

    @Test
    void shortDatagramsAndControlMessagesAreCountedAndDropped() throws Exception {
        L2tpv3Netdev n = netdev("txsession=5,counter=on");
        farSends(hex("0003"));
        farSends(hex("00030000 00000005"));
        farSends(hex("00030000 00000005 00000001")); // header only: an empty frame
        farSends(hex("c8030000 00000005 00000001"), frame(64, 6)); // T bit: control
        byte[] f = frame(64, 7);
        farSends(hex("00030000 00000005 00000001"), f);
        assertThat(guest.poll(3000)).isEqualTo(f);
        assertThat(guest.poll(100)).isNull();
        assertThat(onLoop(() -> n.stats().tooShort())).isEqualTo(3);
        assertThat(onLoop(() -> n.stats().controlMessages())).isEqualTo(1);
    }

    @Test
    void largeFramesPassWholeBothWays() throws Exception {
        // QEMU 7.2 truncates what it receives to 2048 octets (README, quirk 5); we do not.
        netdev("txsession=5");
        for (int len : new int[] {2049, 9000, 65507 - 8}) {
            byte[] f = frame(len, len);
            farSends(hex("00030000 00000005"), f);
            assertThat(guest.poll(3000)).as("%d octets in", len).isEqualTo(f);
            guestSends(f);
            assertThat(Arrays.copyOfRange(farReceives(), 8, 8 + len)).as("%d octets out", len).isEqualTo(f);
        }
    }

    @Test
    void aFrameNoDatagramCanCarryIsCountedNotSent() throws Exception {
        L2tpv3Netdev n = netdev("txsession=5");
        guestSends(frame(65507 - 7, 8));
        guestSends(frame(60, 9));
        assertThat(farReceives()).hasSize(68);
        assertThat(onLoop(() -> n.stats().oversized())).isEqualTo(1);
        assertThat(onLoop(() -> n.counters().drops(DropReason.BAD_LENGTH))).isEqualTo(1);
    }

    @Test
    void rxsessionDefaultsToTxsessionAndInfoIsQemus() throws Exception {
        L2tpv3Netdev n = netdev("txsession=0x42");
        byte[] f = frame(64, 10);
        farSends(hex("00030000 00000042"), f);
        assertThat(guest.poll(3000)).isEqualTo(f);
        assertThat(n.info()).isEqualTo("l2tpv3: connected");
        assertThat(n.toString()).isEqualTo("l0: index=0,type=l2tpv3,l2tpv3: connected");
    }

    @Test
    void aBusyGuestStopsTheReaderAndNothingIsLost() throws Exception {
        L2tpv3Netdev n = netdev("txsession=5");
        RecordingClient slow = new RecordingClient("slow");
        slow.setBusy(true);
        fabric.run(() -> {
            NetClient h1 = fabric.findNetdev("h1");
            fabric.remove(h1);
        });
        fabric.addClient(slow);
        fabric.addNetdev(NetdevOptionParser.parseNetdev("hubport,id=h2,hubid=0,netdev=slow", fabric.availableTypes()));
        for (int i = 0; i < 50; i++) {
            farSends(hex("00030000 00000005"), frame(100, i));
        }
        Waiting.until(3000, "frames queued for the busy guest", () -> fabric.call(() -> n.peer().queuedFrames() > 0));
        Thread.sleep(200);
        // The reader stopped after the batch in hand: the rest wait in the socket, not in memory.
        assertThat(fabric.call(() -> n.peer().queuedFrames())).isLessThanOrEqualTo(UdpTunnel.BATCH);
        fabric.run(slow::ready);
        Waiting.until(3000, "all 50 frames", () -> fabric.call(slow::receivedCount) == 50);
    }

    static InetAddress lo() throws Exception {
        return InetAddress.getByName("127.0.0.1");
    }
}
