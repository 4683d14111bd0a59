package io.netfabric.user.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.Ipv6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The NATs' address translation, libslirp's sotranslate_out / sotranslate_in / sotranslate_accept. */
class HostViewTest {
    final HostView view = new HostView(Ipv4Address.parse("10.0.2.0"), 24, Ipv4Address.parse("10.0.2.2"),
            Ipv6Address.parse("fec0::"), 64, Ipv6Address.parse("fec0::2"));

    static InetAddress a(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    /** libslirp 4.7's sotranslate_out4/out6, checked against QEMU 7.2 for 10.0.2.2 and 10.0.2.99. */
    @Test
    void theHostAddressBroadcastsAndThePrefixGoToLoopbackTheRestIsUnchanged() throws Exception {
        assertThat(view.toHost(a("10.0.2.2"))).isEqualTo(a("127.0.0.1"));
        assertThat(view.toHost(a("255.255.255.255"))).isEqualTo(a("127.0.0.1"));
        assertThat(view.toHost(a("10.0.2.255"))).as("libslirp 4.7 sends it on unchanged").isEqualTo(a("127.0.0.1"));
        assertThat(view.toHost(a("10.0.2.99"))).isEqualTo(a("10.0.2.99"));
        assertThat(view.toHost(a("10.0.3.1"))).isEqualTo(a("10.0.3.1"));
        assertThat(view.toHost(a("192.0.2.1"))).isEqualTo(a("192.0.2.1"));
        assertThat(view.toHost(a("fec0::2"))).isEqualTo(a("::1"));
        assertThat(view.toHost(a("fec0::ffff:1"))).isEqualTo(a("::1"));
        assertThat(view.toHost(a("fec0:0:0:1::2"))).isEqualTo(a("fec0:0:0:1::2"));
        assertThat(view.toHost(a("2001:db8::1"))).isEqualTo(a("2001:db8::1"));
    }

    @Test
    void aPrefixLengthInsideAnOctetIsMatchedBitForBit() throws Exception {
        HostView v = new HostView(Ipv4Address.parse("10.0.0.0"), 20, Ipv4Address.parse("10.0.0.2"),
                Ipv6Address.parse("fd00:0:0:a0::"), 60, Ipv6Address.parse("fd00:0:0:a0::2"));
        assertThat(v.isBroadcast(a("10.0.15.255"))).isTrue();
        assertThat(v.isBroadcast(a("10.0.16.255"))).isFalse();
        assertThat(v.toHost(a("fd00:0:0:af::1"))).isEqualTo(a("::1"));
        assertThat(v.toHost(a("fd00:0:0:b0::1"))).isEqualTo(a("fd00:0:0:b0::1"));
    }

    @Test
    void answersFromLoopbackShowAsTheAddressWrittenToOrTheHost() throws Exception {
        assertThat(view.replySource(a("127.0.0.1"), a("10.0.2.2"))).isEqualTo(a("10.0.2.2"));
        assertThat(view.replySource(a("127.0.0.1"), a("10.0.2.255"))).isEqualTo(a("10.0.2.2"));
        assertThat(view.replySource(a("127.0.0.1"), a("192.0.2.1"))).isEqualTo(a("10.0.2.2"));
        assertThat(view.replySource(a("127.0.0.1"), null)).isEqualTo(a("10.0.2.2"));
        assertThat(view.replySource(a("192.0.2.1"), a("192.0.2.1"))).isEqualTo(a("192.0.2.1"));
        assertThat(view.replySource(a("::1"), a("fec0::99"))).isEqualTo(a("fec0::99"));
        assertThat(view.replySource(a("::1"), a("10.0.2.99"))).isEqualTo(a("fec0::2"));
        assertThat(view.toGuest(a("127.0.0.1"))).isEqualTo(a("10.0.2.2"));
        assertThat(view.toGuest(a("0.0.0.0"))).isEqualTo(a("10.0.2.2"));
        assertThat(view.toGuest(a("::1"))).isEqualTo(a("fec0::2"));
    }
}
