package io.netfabric.l2tpv3;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.core.Fabric;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.testkit.netns.ExecResult;
import io.netfabric.testkit.netns.Netns;
import io.netfabric.testkit.netns.NetnsExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two fabrics joined by L2TPv3 over loopback, each with a tap into its own namespace:
 * <pre>
 * ns a [tap] == fabric 1: tap - hub 0 - l2tpv3 ==UDP or IP 127.0.0.1== l2tpv3 - hub 0 - tap :fabric 2 == [tap] ns b
 * </pre>
 * ping, then iperf3 from a to b and back. Needs root, /dev/net/tun, ip and iperf3 (skipped otherwise).
 */
class L2tpv3IperfIT {
    @RegisterExtension
    final NetnsExtension netns = new NetnsExtension();
    private final List<Fabric> fabrics = new ArrayList<>();

    @AfterEach
    void close() {
        fabrics.forEach(Fabric::close);
    }

    private void side(String tap, String l2tpv3) {
        Fabric f = Fabric.create();
        fabrics.add(f);
        for (String o : List.of("tap,id=t,ifname=" + tap + ",script=no,downscript=no", "l2tpv3,id=l," + l2tpv3,
                "hubport,id=h0,hubid=0,netdev=t", "hubport,id=h1,hubid=0,netdev=l")) {
            f.addNetdev(NetdevOptionParser.parseNetdev(o, f.availableTypes()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"udp=on", "udp=off"})
    void iperf3AcrossTheTunnel(String mode) throws Exception {
        NetnsExtension.assumeCommand("iperf3");
        boolean udp = mode.equals("udp=on");
        int pa = FreePorts.udp();
        int pb = FreePorts.udp();
        String common = "src=127.0.0.1,dst=127.0.0.1," + mode + ",txcookie=0x1234,rxcookie=0x1234,counter=on";
        String ta = netns.ifname("a");
        String tb = netns.ifname("b");
        side(ta, common + ",txsession=1,rxsession=2" + (udp ? ",srcport=" + pa + ",dstport=" + pb : ""));
        side(tb, common + ",txsession=2,rxsession=1" + (udp ? ",srcport=" + pb + ",dstport=" + pa : ""));
        Netns a = netns.create("a").adopt(ta).configure(ta, "10.9.0.1/24");
        Netns b = netns.create("b").adopt(tb).configure(tb, "10.9.0.2/24");
        a.ping("10.9.0.2", 3, "-i", "0.2").requireSuccess();
        ExecResult there = a.iperf3(b, "10.9.0.2", 2).requireSuccess();
        assertThat(there.stdout()).contains("receiver");
        ExecResult back = a.iperf3(b, "10.9.0.2", 2, "-R").requireSuccess();
        assertThat(back.stdout()).contains("receiver");
    }

}
