package io.netfabric.socket;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * tshark on one interface, recording the IP TTL of every packet to a multicast group: the
 * multicast tests check that the group's traffic is on lo only and has TTL 1. Runs only where
 * tshark is installed and may capture (CI: root); {@link #available()} says whether it can.
 */
final class MulticastCapture implements AutoCloseable {
    private final Process process;
    private final List<Integer> ttls = Collections.synchronizedList(new ArrayList<>());

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/tshark")) && "root".equals(System.getProperty("user.name"));
    }

    /** Interfaces other than lo that are up: where the group's traffic must not appear. */
    static List<String> otherInterfaces() throws IOException {
        List<String> out = new ArrayList<>();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (ni.isUp() && !ni.isLoopback()) {
                out.add(ni.getName());
            }
        }
        return out;
    }

    MulticastCapture(String iface, String group) throws IOException, InterruptedException {
        process = new ProcessBuilder("tshark", "-i", iface, "-l", "-f", "host " + group, "-T", "fields", "-e", "ip.ttl")
                .start();
        CountDownLatch started = new CountDownLatch(1);
        Thread err = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.contains("Capture started")) {   // after "Capturing on": now it is
                        started.countDown();
                    }
                }
            } catch (IOException e) {
                // gone
            }
        });
        Thread out = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (!line.isBlank()) {
                        ttls.add(Integer.parseInt(line.trim().split(",")[0]));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // gone
            }
        });
        err.setDaemon(true);
        out.setDaemon(true);
        err.start();
        out.start();
        started.await(10, TimeUnit.SECONDS);
    }

    List<Integer> ttls() {
        synchronized (ttls) {
            return List.copyOf(ttls);
        }
    }

    @Override
    public void close() throws InterruptedException {
        Thread.sleep(300);   // let the last packets through tshark
        process.destroy();   // this pid only
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
