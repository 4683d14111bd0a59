package io.netfabric.bench;

import io.netfabric.core.Fabric;
import io.netfabric.core.HelperNettyDefaults;
import io.netfabric.core.options.NetdevOptionParser;
import java.util.concurrent.CountDownLatch;

/**
 * netfabric as a process for end-to-end benchmarks, until scripts can use {@code bin/netfabric}:
 * {@code java -cp benchmarks.jar io.netfabric.bench.NetdevRelay -netdev tap,... -netdev hubport,...}.
 * Creates the netdevs in order, prints {@code ready}, and runs until SIGTERM/SIGINT, when it
 * closes them (taps removed, downscripts run).
 */
public final class NetdevRelay {
    private NetdevRelay() {
    }

    public static void main(String[] args) throws InterruptedException {
        HelperNettyDefaults.apply();   // as the helper process runs its fabric
        Fabric fabric = Fabric.create();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            fabric.close();
            done.countDown();
        }));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].equals("-netdev")) {
                System.err.println("netfabric: only -netdev is understood here: " + args[i]);
                System.exit(1);
            }
            fabric.addNetdev(NetdevOptionParser.parseNetdev(args[i + 1], fabric.availableTypes()));
        }
        System.out.println("ready");
        done.await();
    }
}
