package io.netfabric.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netfabric.testkit.sockets.TcpCongestion;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real sockets: the kernel's own record of each socket's congestion control is what is checked. */
class SameHostCongestionTest {
    @BeforeAll
    static void nativeTransport() {
        Epoll.ensureAvailability();   // loads Netty's native library, which the sockets below need
    }

    @Test
    void aSocketOnBbrIsSetToCubic() throws Exception {
        LinuxSocket s = LinuxSocket.newSocketStream(SocketProtocolFamily.INET6);
        try {
            assumeTrue(TcpCongestion.set(s.intValue(), "bbr"), "this kernel offers no bbr");
            SameHostCongestion.applyTo(s.intValue());
            assertEquals("cubic", TcpCongestion.of(s.intValue()));
        } finally {
            s.close();
        }
    }

    /** The whole path, as the backends call it, where the system's default paces (as on the CI machines). */
    @Test
    void loopbackChannelsLeaveThePacingDefaultAndOthersKeepIt() throws Exception {
        String system = SameHostCongestion.systemDefault();
        assumeTrue(SameHostCongestion.paces(system), "this system's default does not pace: " + system);
        EpollSocketChannel loop = new EpollSocketChannel();
        EpollSocketChannel away = new EpollSocketChannel();
        LinuxSocket bare = LinuxSocket.newSocketStream(SocketProtocolFamily.INET6);
        try {
            assertEquals(system, TcpCongestion.of(loop.fd().intValue()));
            SameHostCongestion.apply(loop, new InetSocketAddress("127.0.0.1", 9));
            assertEquals("cubic", TcpCongestion.of(loop.fd().intValue()));
            // Nothing is sent: the address alone decides.
            SameHostCongestion.apply(away, new InetSocketAddress("192.0.2.1", 9));
            assertEquals(system, TcpCongestion.of(away.fd().intValue()));
            SameHostCongestion.apply(bare.intValue(), new InetSocketAddress("::1", 9));
            assertEquals("cubic", TcpCongestion.of(bare.intValue()));
        } finally {
            loop.unsafe().closeForcibly();
            away.unsafe().closeForcibly();
            bare.close();
        }
    }

    @Test
    void onlyAPacingDefaultIsSwitched() {
        String[] cubic = SameHostCongestion.choices("cubic");
        assertTrue(SameHostCongestion.switches("bbr", cubic));
        assertTrue(SameHostCongestion.switches("bbr3", cubic));
        assertFalse(SameHostCongestion.switches("cubic", cubic));
        assertFalse(SameHostCongestion.switches("reno", cubic));
        assertFalse(SameHostCongestion.switches("", cubic));   // unreadable
        assertFalse(SameHostCongestion.switches("bbr", SameHostCongestion.choices("system")));
    }

    @Test
    void theChoicesFollowTheProperty() {
        assertArrayEquals(new String[0], SameHostCongestion.choices("system"));
        assertArrayEquals(new String[] {"reno"}, SameHostCongestion.choices("reno"));
        assertArrayEquals(new String[] {"cubic", "reno"}, SameHostCongestion.choices("cubic"));
        assertArrayEquals(new String[] {"dctcp", "reno"}, SameHostCongestion.choices(" dctcp "));
    }

    @Test
    void loopbackIncludesMappedIpv4() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
        assertTrue(SameHostCongestion.isLoopback(Inet6Address.getByAddress(null, mapped, -1)));
        assertTrue(SameHostCongestion.isLoopback(InetAddress.getByName("127.3.4.5")));
        assertFalse(SameHostCongestion.isLoopback(InetAddress.getByName("10.0.2.2")));
        assertFalse(SameHostCongestion.isLoopback(null));
    }
}
