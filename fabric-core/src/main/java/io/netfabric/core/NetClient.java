package io.netfabric.core;

import io.netfabric.wire.MacAddress;
import io.netfabric.wire.virtio.GsoSegmenter;
import io.netfabric.wire.virtio.Offload;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One endpoint of the fabric, QEMU's {@code NetClientState}: a backend (netdev), a hub port or a
 * NIC. Each client has at most one {@linkplain #peer() peer}; frames a client sends go to its
 * peer's incoming queue and from there to the peer's {@link #receive(ByteBuf)}.
 *
 * <h2>Frame ownership</h2>
 * A frame is a {@link ByteBuf} holding one Ethernet frame without FCS, readable from
 * {@code readerIndex} to {@code writerIndex}. {@link #send} and {@link #sendAsync} take one
 * reference; {@link #receive} is handed one reference and must forward or release it on every
 * path, except when it answers 0 (busy): then the reference stays with the fabric, which queues
 * the frame and delivers it again after the receiver calls {@link #flushQueued()}.
 *
 * <h2>Offloads</h2>
 * A sender that has a frame whose checksum is partial or that is a TCP GSO frame of up to
 * 64 KiB (a tap read with a virtio-net header) sends it with its {@link Offload} descriptor,
 * a {@code long} beside the frame: {@link #sendAsync(ByteBuf, long, SentCallback)}. The frame
 * stays a plain {@code ByteBuf}; the descriptor is queued with it and never allocates.
 * <ul>
 *   <li>A peer that {@link #acceptsOffload()} gets the frame whole through
 *       {@link #receiveOffloaded} (a tap with a header writes it with one {@code writev}).</li>
 *   <li>Any other peer never sees one: the sender completes the checksum or cuts the frame into
 *       segments ({@link GsoSegmenter}) before delivery, and sends those as ordinary frames.</li>
 * </ul>
 * The decision is taken per peer at send time, so a hub port decides per destination. QEMU has
 * the same split as a negotiation between two peers ({@code qemu_has_vnet_hdr},
 * {@code qemu_set_offload} in net/net.c); ours is per frame so that a hub can mix both kinds.
 *
 * <h2>Threading</h2>
 * Every method runs on the owning {@link Fabric}'s event loop. Subclasses never block it.
 */
public abstract class NetClient {
    /** QEMU's {@code NET_BUFSIZE}: the largest frame anywhere in the net layer (64 KiB GSO + 4 KiB). */
    public static final int MAX_FRAME = 4096 + 65536;

    private static final NetFilter[] NO_FILTERS = new NetFilter[0];

    private final String name;
    private final String model;
    private final IncomingQueue incoming = new IncomingQueue(this);
    final ClientCounters counters = new ClientCounters();
    private NetClient peer;
    private boolean linkDown;
    boolean receiveDisabled;
    private NetFilter[] filters = NO_FILTERS;
    Fabric fabric;
    boolean netdev;
    io.netfabric.core.options.Netdev creationOptions;
    /** See {@link #deletedPeerLines()}. */
    String deletedPeerLines;
    String deletedPeerModel;

    /**
     * @param name  the id (QEMU: the client's name; hub ports without an id get hubNportK)
     * @param model QEMU's driver string: {@code socket}, {@code tap}, {@code user}, {@code hub}...
     */
    protected NetClient(String name, String model) {
        this.name = Objects.requireNonNull(name);
        this.model = Objects.requireNonNull(model);
    }

    public final String name() {
        return name;
    }

    public final String model() {
        return model;
    }

    public final NetClient peer() {
        return peer;
    }

    /**
     * HMP {@code info network}'s lines for this client, without its filters (net.c
     * {@code print_net_client}): {@code NAME: index=0,type=TYPE,INFO}, one per queue, each
     * {@code index=0} as QEMU 7.2 prints them; a hub port's type is {@code hubport}.
     */
    public final String infoNetworkLines() {
        StringBuilder out = new StringBuilder();
        for (int q = 0; q < queueCount(); q++) {
            out.append(name).append(": index=0,type=").append(model.equals("hub") ? "hubport" : model)
                    .append(',').append(queueInfo(q)).append('\n');
        }
        return out.toString();
    }

    /**
     * For a NIC whose backend {@code netdev_del} removed: that backend's {@link #infoNetworkLines}
     * as they were, else null. QEMU 7.2 (net.c {@code qemu_del_net_client}) cleans such a backend
     * up and takes its id back, but keeps it as the NIC's peer until the NIC goes, so
     * {@code info network} still lists it under the NIC (its filters already gone).
     */
    public final String deletedPeerLines() {
        return deletedPeerLines;
    }

    /** The {@link #model()} of the backend {@link #deletedPeerLines()} shows, or null. */
    public final String deletedPeerModel() {
        return deletedPeerModel;
    }

    public final boolean linkDown() {
        return linkDown;
    }

    /** True when created by -netdev or netdev_add (QEMU's {@code is_netdev}). */
    public final boolean isNetdev() {
        return netdev;
    }

    /**
     * The options this client was created from by {@code -netdev}, {@code -net} or
     * {@code netdev_add}, or null for clients made otherwise (NICs, hub ports of legacy
     * {@code -net}); {@code query-netdev} reports them.
     */
    public final io.netfabric.core.options.Netdev creationOptions() {
        return creationOptions;
    }

    /**
     * What {@code query-netdev} reports for this netdev: QEMU 6.0-rc's {@code stored_config}
     * (reference §10), the creation options with what the backend settled filled in, such as the
     * user netdev's addresses, a tap's interface name and scripts, a socket's descriptor. This
     * default is {@link #creationOptions()}; backends that settle something override it.
     */
    public io.netfabric.core.options.Netdev storedConfig() {
        return creationOptions;
    }

    public final ClientCounters counters() {
        return counters;
    }

    /**
     * What a backend counts beyond {@link #counters()}, for {@code query-netdev-stats}: QAPI
     * member names (dashes) to counts, or null when it counts nothing more. Loop thread.
     */
    public java.util.Map<String, Long> backendCounters() {
        return null;
    }

    /** The fabric this client was added to, or null before. */
    public final Fabric fabric() {
        return fabric;
    }

    /** True for a NIC frontend: NIC names live outside the netdev namespace (QEMU). */
    public boolean isNic() {
        return false;
    }

    /**
     * The hub this client is a port of, else the hub its peer is a port of, else -1 (QEMU's
     * {@code net_hub_id_for_client}, which HMP's {@code info usernet} prints).
     */
    public int hubId() {
        NetClient p = peer;
        return p != null && p.isHubPort() ? p.hubId() : -1;
    }

    /** How many queues this client stands for (QEMU has a client per queue of a multiqueue tap). */
    public int queueCount() {
        return 1;
    }

    /** True for a port of a hub (backend-hubport's {@code HubPort}, which answers {@link #hubId}). */
    protected boolean isHubPort() {
        return false;
    }

    /** Frames waiting for this client to become ready. */
    public final int queuedFrames() {
        return incoming.size();
    }

    // ---------------------------------------------------------------- receiver side

    /**
     * Takes one frame sent by this client's peer. Answers the number of bytes consumed (> 0),
     * 0 when busy (the frame is NOT consumed; this client must later call
     * {@link #flushQueued()}), or a negative number for an error (the frame was released).
     */
    protected abstract int receive(ByteBuf frame);

    /**
     * True when this client takes offloaded frames whole ({@link #receiveOffloaded}); false
     * (the default) makes senders complete and segment them first. Must not change while frames
     * are queued for this client. A hub port answers for the other members of its hub.
     */
    public boolean acceptsOffload() {
        return false;
    }

    /**
     * Takes a frame with an offload descriptor other than {@link Offload#NONE}: a partial
     * checksum to finish ({@link Offload#needsCsum}) and/or a GSO frame to cut
     * ({@link Offload#isGso}). Called only when {@link #acceptsOffload()}; ownership and answers
     * as {@link #receive}. The default refuses (releases, answers -1): a client that accepts
     * offloads overrides both.
     */
    protected int receiveOffloaded(ByteBuf frame, long offload) {
        frame.release();
        return -1;
    }

    /** QEMU's {@code can_receive}: false holds frames in this client's queue. */
    protected boolean canReceive() {
        return true;
    }

    /** Releases what the client holds: sockets, fds, timers. Called once, on the event loop. */
    protected void cleanup() {
    }

    /** Told after {@code set_link} changed this client's link (QEMU's {@code link_status_changed}). */
    protected void linkStatusChanged() {
    }

    /**
     * Told when this client's peer flushed its queue, i.e. became ready to receive again. A hub
     * port answers by flushing the other ports of its hub (QEMU's {@code net_hub_flush}).
     */
    protected boolean peerFlushed() {
        return false;
    }

    /**
     * QEMU's {@code query_rx_filter}: this NIC's receive filter, or null when the client cannot
     * report one. A NIC also re-arms its {@code NIC_RX_FILTER_CHANGED} event here (QEMU
     * virtio-net {@code virtio_net_query_rxfilter}).
     */
    protected RxFilterInfo queryRxFilter() {
        return null;
    }

    /**
     * The MAC a NIC announces for {@code announce-self} (QEMU: the configured {@code mac}, not a
     * guest-changed one), or null for a client that is not a NIC.
     */
    public MacAddress announceMac() {
        return null;
    }

    /**
     * QEMU's {@code announce} hook, called after the fabric sent this NIC's RARP: a NIC that can
     * ask its guest to announce itself (virtio-net with GUEST_ANNOUNCE) does so here.
     */
    protected void announce() {
    }

    /**
     * The {@link #info()} of queue {@code queue}: QEMU has a client per queue of a multiqueue tap,
     * each with its own text (its own descriptor, or {@code script=no} after the first).
     */
    public String queueInfo(int queue) {
        return info();
    }

    /** QEMU's {@code info_str}: what this client is connected to, for humans. */
    public String info() {
        return "";
    }

    // ---------------------------------------------------------------- sender side

    /** {@code qemu_send_packet}: send with no completion callback. */
    public final int send(ByteBuf frame) {
        return sendAsync(frame, null);
    }

    /**
     * {@code qemu_send_packet_async}. Takes the frame's reference. Answers its length when it was
     * delivered or dropped (a dropped frame "was sent", as in QEMU), -1 for an empty or oversized
     * frame (dropped, counted as BAD_LENGTH), or 0 when it was queued for a busy peer: a sender
     * with a callback then stops producing until the callback fires.
     */
    public final int sendAsync(ByteBuf frame, SentCallback sentCallback) {
        return sendAsync(frame, Offload.NONE, sentCallback);
    }

    /**
     * {@link #sendAsync(ByteBuf, SentCallback)} for a frame with an {@link Offload} descriptor
     * ({@link Offload#NONE} for an ordinary one). When the peer does not
     * {@linkplain #acceptsOffload() accept offloads}, the checksum is completed here (in place
     * when nothing else shares the frame's memory, else in a copy) or the GSO frame is cut into
     * segments, each sent as an ordinary frame (counted, filtered and queued one by one); the
     * callback then goes with the last segment, which is queued whenever an earlier one was.
     * A descriptor the frame does not fit drops it ({@link DropReason#MALFORMED}).
     */
    public final int sendAsync(ByteBuf frame, long offload, SentCallback sentCallback) {
        int len = frame.readableBytes();
        if (linkDown) {
            return drop(frame, DropReason.SENDER_LINK_DOWN, len);
        }
        NetClient p = peer;
        if (p == null) {
            return drop(frame, DropReason.NO_PEER, len);
        }
        if (len == 0 || len > MAX_FRAME) {
            // QEMU drops oversized iov sends; an empty frame would stall a QEMU receiver (§1.5).
            // Answer -1 (refused), never 0, which a sender would read as "queued, wait".
            drop(frame, DropReason.BAD_LENGTH, len);
            return -1;
        }
        if (offload != Offload.NONE && !p.acceptsOffload()) {
            return sendResolved(frame, offload, sentCallback, len);
        }
        if (filters.length != 0 && runFilters(frame, NetFilter.Direction.TX)) {
            return len;
        }
        counters.txFrames++;
        counters.txBytes += len;
        return p.incoming.send(this, frame, offload, sentCallback);
    }

    /** The frame as a peer without offloads must get it: checksums complete, segments of gso_size. */
    private int sendResolved(ByteBuf frame, long offload, SentCallback sentCallback, int len) {
        if (!Offload.isGso(offload)) {
            ByteBuf f = frame;
            // Another holder (a hub's duplicate for an offloading port) must still see the partial
            // sum. A derived buffer (Netty's retained duplicate) counts its references apart from
            // the memory it shares, so only an underived buffer with one reference is ours alone.
            if (frame.unwrap() != null || frame.refCnt() != 1) {
                f = frame.alloc().directBuffer(len).writeBytes(frame, frame.readerIndex(), len);
                frame.release();
            }
            if (!GsoSegmenter.completeChecksum(f, Offload.csumStart(offload), Offload.csumOffset(offload))) {
                return drop(f, DropReason.MALFORMED, len);
            }
            return sendAsync(f, Offload.NONE, sentCallback);
        }
        List<ByteBuf> segments = new ArrayList<>(len / Math.max(Offload.gsoSize(offload), 1) + 1);
        boolean ok = GsoSegmenter.segment(frame, offload, frame.alloc(), segments);
        frame.release();
        if (!ok) {
            segments.forEach(ByteBuf::release);
            counters.drop(DropReason.MALFORMED);
            return len;
        }
        int last = segments.size() - 1;
        for (int i = 0; i < last; i++) {
            sendAsync(segments.get(i), Offload.NONE, null);
        }
        return sendAsync(segments.get(last), Offload.NONE, sentCallback) == 0 ? 0 : len;
    }

    private int drop(ByteBuf frame, DropReason reason, int len) {
        counters.drop(reason);
        frame.release();
        return len;
    }

    /** {@code qemu_can_send_packet}: the peer would take a frame now (or there is none). */
    public final boolean canSend() {
        NetClient p = peer;
        return p == null || (!p.receiveDisabled && p.canReceive());
    }

    /**
     * {@code qemu_flush_queued_packets}: this client is ready again. Clears the busy mark,
     * delivers this client's backlog in order, then lets a hub retry its other ports.
     */
    public final boolean flushQueued() {
        receiveDisabled = false;
        // Own backlog first, then the hub's: QEMU (net.c qemu_flush_or_purge_queued_packets)
        // flushes the hub first, so a frame the hub releases is delivered straight away, ahead of
        // older frames still queued here. Flushing ours first keeps a flow in order.
        incoming.flush();
        NetClient p = peer;
        if (p != null) {
            p.peerFlushed();
        }
        return incoming.flush();
    }

    /**
     * Delivers this client's backlog without clearing its busy mark or telling its peer: what a
     * hub does to its other ports when one of its members became ready ({@code net_hub_flush}).
     */
    protected final boolean flushIncoming() {
        return incoming.flush();
    }

    /** {@code qemu_purge_queued_packets}: forget what this client queued at its peer. */
    public final void purgeQueued() {
        NetClient p = peer;
        if (p != null) {
            p.incoming.purge(this);
        }
    }

    // ---------------------------------------------------------------- filters

    boolean filterRx(ByteBuf frame) {
        return filters.length != 0 && runFilters(frame, NetFilter.Direction.RX);
    }

    private boolean runFilters(ByteBuf frame, NetFilter.Direction d) {
        NetFilter[] fs = filters;
        // QEMU net/filter.c: tx-direction filters in list order, rx-direction in reverse.
        if (d == NetFilter.Direction.TX) {
            for (NetFilter f : fs) {
                if (f.direction().covers(d) && f.filter(this, frame, d)) {
                    return true;
                }
            }
        } else {
            for (int i = fs.length - 1; i >= 0; i--) {
                if (fs[i].direction().covers(d) && fs[i].filter(this, frame, d)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Inserts {@code f} at {@code index} of this netdev's filter list (0 = head). */
    final void addFilter(NetFilter f, int index) {
        NetFilter[] fs = new NetFilter[filters.length + 1];
        System.arraycopy(filters, 0, fs, 0, index);
        fs[index] = f;
        System.arraycopy(filters, index, fs, index + 1, filters.length - index);
        filters = fs;
    }

    final int filterIndex(NetFilter f) {
        for (int i = 0; i < filters.length; i++) {
            if (filters[i] == f) {
                return i;
            }
        }
        return -1;
    }

    final boolean removeFilter(NetFilter f) {
        for (int i = 0; i < filters.length; i++) {
            if (filters[i] == f) {
                NetFilter[] fs = new NetFilter[filters.length - 1];
                System.arraycopy(filters, 0, fs, 0, i);
                System.arraycopy(filters, i + 1, fs, i, fs.length - i);
                filters = fs;
                return true;
            }
        }
        return false;
    }

    final NetFilter[] filters() {
        return filters;
    }

    /** The filters on this client, in QEMU's list order ({@code info network} prints them). */
    public final java.util.List<NetFilter> filterList() {
        return java.util.List.of(filters);
    }

    // ---------------------------------------------------------------- peering and link

    /**
     * Makes {@code a} and {@code b} peers. Both must be unpeered: QEMU asserts here, we refuse.
     */
    public static void connect(NetClient a, NetClient b) {
        if (a.peer != null || b.peer != null) {
            NetClient busy = a.peer != null ? a : b;
            throw FabricException.generic("netdev '" + busy.name + "' is already connected to '"
                    + busy.peer.name + "'");
        }
        a.peer = b;
        b.peer = a;
    }

    /** Unpeers this client, dropping what each side had queued for the other. */
    final void disconnect() {
        NetClient p = peer;
        if (p != null) {
            p.incoming.purge(this);
            incoming.purge(p);
            p.peer = null;
            peer = null;
        }
    }

    final void setLinkDown(boolean down) {
        linkDown = down;
    }

    final void dispose() {
        incoming.clear();
        for (NetFilter f : filters) {
            f.close();
        }
        filters = NO_FILTERS;
    }

    @Override
    public String toString() {
        return name + ": index=0,type=" + model + "," + info();
    }
}
