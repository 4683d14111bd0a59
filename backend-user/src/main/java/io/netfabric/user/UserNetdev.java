package io.netfabric.user;

import io.netfabric.core.DropReason;
import io.netfabric.core.Fabric;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.options.UserOptions;
import io.netfabric.user.ip.Router;
import io.netfabric.user.ip.StackCounters;
import io.netfabric.user.ip.StackDrop;
import io.netfabric.user.ip.Timed;
import io.netfabric.wire.virtio.GsoSegmenter;
import io.netfabric.wire.virtio.Offload;
import io.netfabric.wire.virtio.VirtioNetHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code user} netdev: QEMU's {@code -netdev user}, a {@link UserStack} behind a net client.
 * The guest's frames arrive from the peer (usually a hub port) in {@link #receive}; the stack's
 * frames go to the peer padded to 60 octets, as QEMU's slirp backend pads them (behaviour notes
 * §1.6). One timer on the fabric's loop serves the stack's earliest deadline.
 */
public final class UserNetdev extends NetClient {
    private final UserStack stack;
    private final UserConfig config;
    private final Fabric fabric;
    private final SambaServer samba;
    private ScheduledFuture<?> timer;
    private long timerDeadline = Timed.NONE;
    private boolean guestBusy;
    private final java.util.ArrayDeque<Runnable> writableWaiters = new java.util.ArrayDeque<>();
    private final io.netfabric.core.SentCallback sentCallback = (client, len) -> guestDrained();

    /** {@code -Dnetfabric.user.tso=false}: always send the guest MSS-sized segments. */
    private static final boolean TSO = Boolean.parseBoolean(System.getProperty("netfabric.user.tso", "true"));

    UserNetdev(String name, Fabric fabric, UserConfig config, SambaServer samba) {
        super(name, "user");
        this.fabric = fabric;
        this.config = config;
        this.samba = samba;
        this.stack = new UserStack(config, new Router.Link() {
            @Override
            public void toGuest(ByteBuf frame) {
                if (frame.readableBytes() < 60) {
                    frame.writeZero(60 - frame.readableBytes());
                }
                if (sendAsync(frame, sentCallback) == 0) {
                    guestBusy = true;   // queued at a busy peer: bulk senders wait for the callback
                }
            }

            @Override
            public void toGuest(ByteBuf frame, long offload) {
                if (sendAsync(frame, offload, sentCallback) == 0) {
                    guestBusy = true;
                }
            }

            /** TSO toward the guest when the peer takes it whole (a tap with vnet_hdr, directly or on a hub). */
            @Override
            public boolean offloads() {
                NetClient p = peer();
                return TSO && p != null && p.acceptsOffload();
            }

            @Override
            public boolean busy() {
                return guestBusy;
            }

            @Override
            public void whenWritable(Runnable r) {
                if (!guestBusy) {
                    r.run();
                } else {
                    writableWaiters.add(r);
                }
            }

            @Override
            public ByteBufAllocator alloc() {
                return PooledByteBufAllocator.DEFAULT;
            }
        }, new NettyHostUdp(fabric, System::nanoTime, this::rearm), new NativeIcmp(fabric, System::nanoTime, this::rearm),
                new NettyHostTcp(fabric, System::nanoTime, this::rearm),
                io.netfabric.user.nat.UdpNat.DEFAULT_MAX_FLOWS, io.netfabric.user.nat.TcpNat.DEFAULT_MAX_FLOWS,
                io.netfabric.user.tcp.TcpConnection.Timers.DEFAULT);
        if (samba != null) {
            stack.serveSmb(String.join(" ", samba.command()));
        }
    }

    public UserStack stack() {
        return stack;
    }

    public UserConfig config() {
        return config;
    }

    /** The options with the addresses this netdev settled on: {@link UserConfig#stored}. */
    @Override
    public Netdev storedConfig() {
        Netdev given = creationOptions();
        return given != null && given.options() instanceof UserOptions o
                ? new Netdev(given.id(), config.stored(o)) : given;
    }

    /**
     * QMP {@code hostfwd_add} (HMP only in QEMU): adds a rule in {@code hostfwd=} syntax
     * (bracketed IPv6 allowed). QEMU's messages on failure. Loop thread.
     */
    public void addHostForward(String spec) {
        requireTcp();
        stack.hostForwards().add(spec);
    }

    /**
     * QMP {@code hostfwd_remove}: {@code [tcp|udp]:[hostaddr]:hostport}; answers HMP's line
     * ("host forwarding rule for S removed" / "not found" / "invalid format"). Loop thread.
     */
    public String removeHostForward(String spec) {
        requireTcp();
        return stack.hostForwards().remove(spec);
    }

    /**
     * For {@code query-netdev-stats}: what the stack dropped, by reason ({@code REASON-drops}),
     * and what its services did.
     */
    @Override
    public Map<String, Long> backendCounters() {
        StackCounters c = stack.counters();
        Map<String, Long> m = new LinkedHashMap<>();
        for (StackDrop r : StackDrop.values()) {
            m.put(r.name().toLowerCase(Locale.ROOT).replace('_', '-') + "-drops", c.drops(r));
        }
        m.put("nat-flows-opened", c.natFlowsOpened);
        m.put("nat-evictions", c.natEvictions);
        m.put("dns-queries-forwarded", c.dnsQueriesForwarded);
        m.put("dns-failovers", c.dnsFailovers);
        m.put("dns-local-answers", c.dnsLocalAnswers);
        m.put("dhcp-leases", c.dhcpLeases);
        m.put("tftp-transfers", c.tftpTransfers);
        return m;
    }

    /** The live host forwards. Loop thread. */
    public java.util.List<io.netfabric.user.forward.HostForwards.Info> hostForwards() {
        requireTcp();
        return stack.hostForwards().list();
    }

    /** The live TCP connections (QEMU's HMP {@code info usernet}, as data). Loop thread. */
    public java.util.List<io.netfabric.user.nat.TcpNat.FlowInfo> natFlows() {
        requireTcp();
        return stack.tcpNat().flows();
    }

    /** The live UDP NAT flows, least recently used first. Loop thread. */
    public java.util.List<io.netfabric.user.nat.UdpNat.FlowInfo> udpFlows() {
        return stack.udpNat().flows();
    }

    private void requireTcp() {
        if (stack.tcpNat() == null) {
            throw io.netfabric.core.FabricException.generic("TCP is not available on this netdev");
        }
    }

    @Override
    protected int receive(ByteBuf frame) {
        int len = frame.readableBytes();
        stack.input(frame, System.nanoTime());
        rearm();
        return len;
    }

    /**
     * Offloaded frames from a tap with TSO come whole: a TCP GSO frame is one large segment to
     * the stack (GRO's view, one pass instead of 40). A lone TCP segment with a partial checksum
     * goes in as it is (at MTU 65520 every bulk segment is one: summing 64 KiB to complete the
     * checksum and again to verify it was most of the stack's work per segment); any other
     * partial checksum is completed here.
     */
    @Override
    public boolean acceptsOffload() {
        return TSO;
    }

    @Override
    protected int receiveOffloaded(ByteBuf frame, long offload) {
        int len = frame.readableBytes();
        int gso = Offload.gsoProtocol(offload);
        int start = Offload.csumStart(offload);
        int offset = Offload.csumOffset(offload);
        boolean ok;
        boolean tcpPartial = Offload.needsCsum(offload) && offset == 16;
        // A UDP datagram whose checksum the guest's kernel left to the "hardware" (offset 6): as
        // for TCP, taken as it is rather than summed twice (completed, then verified).
        boolean udpPartial = Offload.needsCsum(offload) && offset == 6;
        if (gso == VirtioNetHeader.GSO_TCPV4 || gso == VirtioNetHeader.GSO_TCPV6
                || gso == VirtioNetHeader.GSO_NONE && tcpPartial) {
            // Its partial checksum must be the TCP header's (offset 16).
            ok = offset == 16 && start + 20 <= len;
            if (ok) {
                stack.inputOffloaded(frame, System.nanoTime());
            }
        } else if (gso == VirtioNetHeader.GSO_NONE && udpPartial) {
            ok = start + 8 <= len;
            if (ok) {
                stack.inputOffloaded(frame, System.nanoTime());
            }
        } else {
            ok = gso == VirtioNetHeader.GSO_NONE
                    && (!Offload.needsCsum(offload) || GsoSegmenter.completeChecksum(frame, start, offset));
            if (ok) {
                stack.input(frame, System.nanoTime());
            }
        }
        if (!ok) {
            frame.release();
            counters().drop(DropReason.MALFORMED);
            return len;
        }
        rearm();
        return len;
    }

    /** The peer took our queued frames: wake the senders that waited (TCP towards the guest). */
    private void guestDrained() {
        NetClient p = peer();
        if (!guestBusy || (p != null && p.queuedFrames() > 16)) {
            return;   // wake the senders once the backlog is nearly gone, not per frame
        }
        guestBusy = false;
        for (int n = writableWaiters.size(); n > 0 && !guestBusy; n--) {
            writableWaiters.poll().run();
        }
        rearm();
    }

    /**
     * Makes sure a timer fires by the stack's earliest deadline. A timer already set earlier is
     * kept (it fires, finds nothing due, and re-arms): cancelling and rescheduling on every frame
     * would cost more than the occasional early wake-up.
     */
    private void rearm() {
        long d = stack.nextDeadline();
        if (d == Timed.NONE || (timer != null && timerDeadline <= d)) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerDeadline = d;
        long delay = Math.max(0, d - System.nanoTime());
        timer = fabric.eventLoop().schedule(this::fire, delay, TimeUnit.NANOSECONDS);
    }

    private void fire() {
        timer = null;
        timerDeadline = Timed.NONE;
        stack.poll(System.nanoTime());
        rearm();
    }

    @Override
    protected void cleanup() {
        if (timer != null) {
            timer.cancel(false);
        }
        stack.close();
        if (samba != null) {
            samba.close();
        }
    }

    /** QEMU's info_str for the user backend: {@code net=10.0.2.0,restrict=off}. */
    @Override
    public String info() {
        return "net=" + config.net() + ",restrict=" + (config.restrict() ? "on" : "off");
    }
}
