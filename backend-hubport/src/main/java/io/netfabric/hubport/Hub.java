package io.netfabric.hubport;

import io.netfabric.core.NetClient;
import io.netfabric.wire.virtio.Offload;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * A hub: every frame that enters one port leaves through all the others (QEMU net/hub.c).
 *
 * <p>Ports are kept in creation order and visited newest first, as QEMU inserts at the head of
 * its list. Flooding sends retained duplicates to all targets but the last, which gets the
 * original: no copy. The hub never reports "busy" for a frame it has taken; each destination's
 * own incoming queue absorbs congestion (10000 frames, then drops counted there).
 *
 * <p>Offloaded frames (a GSO frame or a partial checksum, see {@link NetClient}) are flooded with
 * their descriptor: each port's send completes or segments them for a peer without offloads and
 * passes them whole to one with, so two taps with virtio-net headers exchange 64 KiB frames
 * while a third member of the hub gets ordinary segments. A port takes them whole only while
 * some other member accepts them; otherwise the sender segments once for everybody.
 */
public final class Hub {
    private final int id;
    private HubPort[] ports = new HubPort[0];
    /** QEMU's running port counter for {@code hub<id>port<k>} names; never decremented. */
    private int portCounter;

    Hub(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** The ports, newest first, as QEMU's {@code info network} lists them. */
    public HubPort[] ports() {
        HubPort[] out = new HubPort[ports.length];
        for (int i = 0; i < ports.length; i++) {
            out[i] = ports[ports.length - 1 - i];
        }
        return out;
    }

    String nextPortName() {
        return "hub" + id + "port" + portCounter++;
    }

    void attach(HubPort port) {
        ports = Arrays.copyOf(ports, ports.length + 1);
        ports[ports.length - 1] = port;
    }

    void detach(HubPort port) {
        for (int i = 0; i < ports.length; i++) {
            if (ports[i] == port) {
                HubPort[] p = new HubPort[ports.length - 1];
                System.arraycopy(ports, 0, p, 0, i);
                System.arraycopy(ports, i + 1, p, i, p.length - i);
                ports = p;
                return;
            }
        }
    }

    /** {@code net_hub_receive}: floods {@code frame} (one reference) out of every port but {@code source}. */
    int flood(HubPort source, ByteBuf frame) {
        return flood(source, frame, Offload.NONE);
    }

    /** {@link #flood(HubPort, ByteBuf)} with the frame's {@link Offload} descriptor. */
    int flood(HubPort source, ByteBuf frame, long offload) {
        int len = frame.readableBytes();
        HubPort[] ps = ports;
        // Visiting newest first, the oldest non-source port is the last target: it gets the original.
        int last = 0;
        while (last < ps.length && ps[last] == source) {
            last++;
        }
        if (last == ps.length) {
            frame.release();
            return len;
        }
        for (int i = ps.length - 1; i > last; i--) {
            if (ps[i] != source) {
                ps[i].sendAsync(frame.retainedDuplicate(), offload, null);
            }
        }
        ps[last].sendAsync(frame, offload, null);
        return len;
    }

    /** Some port other than {@code source} has a peer that takes offloaded frames whole. */
    boolean acceptsOffload(HubPort source) {
        for (HubPort p : ports) {
            NetClient peer = p.peer();
            if (p != source && peer != null && peer.acceptsOffload()) {
                return true;
            }
        }
        return false;
    }

    /** {@code net_hub_port_can_receive}: some other port's peer can take a frame now. */
    boolean canReceive(HubPort source) {
        for (HubPort p : ports) {
            if (p != source && p.canSend()) {
                return true;
            }
        }
        return false;
    }

    /** {@code net_hub_flush}: the peer of {@code source} is ready; retry frames waiting at the other ports. */
    boolean flushOthers(HubPort source) {
        boolean any = false;
        for (HubPort p : ports) {
            if (p != source && p.queuedFrames() > 0) {
                any |= p.flushQueuedFromPeers();
            }
        }
        return any;
    }

    @Override
    public String toString() {
        return "hub " + id;
    }
}
