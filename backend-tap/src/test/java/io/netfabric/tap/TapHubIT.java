package io.netfabric.tap;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.testkit.netns.ExecResult;
import io.netfabric.testkit.netns.Netns;
import io.netfabric.testkit.netns.NetnsExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two namespaces whose only interfaces are netfabric taps joined through a hub
 * (tap ↔ hubport ↔ hub ↔ hubport ↔ tap): ping and iperf3 across, with one and with four queues,
 * and with the virtio-net header and the kernel's TSO/GSO offloads on.
 */
class TapHubIT {
    @RegisterExtension
    final NetnsExtension netns = new NetnsExtension();
    private TapFabric nf;

    @AfterEach
    void close() {
        if (nf != null) {
            nf.close();
        }
    }

    private Netns[] pair(String extra) {
        String ta = netns.ifname("a");
        String tb = netns.ifname("b");
        nf = new TapFabric();
        nf.tapOnHub("ta", ta, extra);
        nf.tapOnHub("tb", tb, extra);
        Netns a = netns.create("a").adopt(ta).configure(ta, "10.9.0.1/24");
        Netns b = netns.create("b").adopt(tb).configure(tb, "10.9.0.2/24");
        return new Netns[] {a, b, null};
    }

    static ExecResult iperf(Netns client, Netns server, String address, String... extra) {
        server.start("iperf3", "-s", "-1", "-B", address);
        ExecResult r = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("iperf3", "-c", address, "-t", "2"));
            cmd.addAll(java.util.List.of(extra));
            r = client.exec(Duration.ofSeconds(40), cmd.toArray(String[]::new));
            r.stdout().lines().filter(l -> l.contains("receiver")).forEach(l -> System.out.println(String.join(" ", cmd) + ": " + l));
            if (r.ok() || !r.stdout().contains("Connection refused") && !r.stderr().contains("Connection refused")) {
                break;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return r;
    }

    @Test
    void namespacesPingAndRunIperf3ThroughAHub() {
        NetnsExtension.assumeCommand("iperf3");
        Netns[] ns = pair("");
        ns[0].ping("10.9.0.2", 3, "-i", "0.2").requireSuccess();
        ExecResult r = iperf(ns[0], ns[1], "10.9.0.2").requireSuccess();
        assertThat(r.stdout()).contains("receiver");
    }

    @Test
    void fourQueuesCarryFourParallelStreams() {
        NetnsExtension.assumeCommand("iperf3");
        Netns[] ns = pair(",queues=4");
        ns[1].ping("10.9.0.1", 2, "-i", "0.2").requireSuccess();
        ExecResult r = iperf(ns[0], ns[1], "10.9.0.2", "-P", "4").requireSuccess();
        assertThat(r.stdout()).contains("[SUM]");
    }

    @Test
    void vnetHeaderWithTsoCarriesLargeSegmentsIntact() {
        NetnsExtension.assumeCommand("iperf3");
        Netns[] ns = pair(",vnet_hdr=on");
        // Large pings: fragmented IPv4 both ways, checked byte for byte by ping itself.
        ns[0].ping("10.9.0.2", 2, "-i", "0.2", "-s", "8000").requireSuccess();
        ExecResult r = iperf(ns[0], ns[1], "10.9.0.2").requireSuccess();
        assertThat(r.stdout()).contains("receiver");
        ExecResult rev = iperf(ns[0], ns[1], "10.9.0.2", "-R").requireSuccess();
        assertThat(rev.stdout()).contains("receiver");
    }
}
