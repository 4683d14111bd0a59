package io.netfabric.nic;

import io.netfabric.core.DropReason;
import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.RxFilterInfo;
import io.netfabric.wire.MacAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A NIC frontend: the net client an emulator's device model attaches to (QEMU's {@code NICState}
 * with one queue). Frames the guest sends go out with {@link #send}/{@link #sendAsync}; frames
 * from the fabric pass the model's {@link RxFilter} and go to the {@link GuestPort}.
 *
 * <h2>Back-pressure</h2>
 * Guest to fabric: {@link #sendAsync} answers 0 when the peer is busy and the frame was queued;
 * the emulator then stops taking frames from the guest's TX ring until the callback fires.
 * Fabric to guest: the port answers 0 or {@link GuestPort#canReceive()} says false; frames wait
 * in this NIC's queue until the emulator calls {@link #flushQueued()}.
 *
 * <h2>Events</h2>
 * Every filter change raises {@code NIC_RX_FILTER_CHANGED} once, then not again until
 * {@code query-rx-filter} reports this NIC (QEMU virtio-net {@code rxfilter_notify}); we do it
 * for every model. {@code path} is the QOM path QEMU shows for a {@code -device} NIC:
 * {@code /machine/peripheral/<id>/virtio-backend} for virtio-net (the virtio device inside the
 * PCI proxy), {@code /machine/peripheral/<id>} for e1000 and rtl8139, and
 * {@code /machine/peripheral-anon/<name>} (no {@code name} member) for a NIC without id.
 *
 * <h2>Threading</h2>
 * Everything runs on the fabric's event loop, register writes included: an emulator thread
 * posts them with {@link Fabric#run} or {@link Fabric#execute}.
 */
public final class Nic extends NetClient {
    private final NicModel nicModel;
    private final String deviceId;
    private final MacAddress mac;
    private final boolean failover;
    private final RxFilter filter;
    private final GuestPort guest;
    private final Fabric owner;
    private boolean rxFilterNotify = true;
    private long acceptedFrames;
    /** A zeroed 60-octet scratch to judge frames shorter than the model's minimum. */
    private final ByteBuf shortFrame = Unpooled.wrappedBuffer(new byte[64]);

    private Nic(Fabric fabric, NicModel model, String name, String deviceId, MacAddress mac, boolean failover,
            GuestPort guest) {
        super(name, "nic");
        this.owner = fabric;
        this.nicModel = model;
        this.deviceId = deviceId;
        this.mac = mac;
        this.failover = failover;
        this.guest = Objects.requireNonNull(guest);
        this.filter = model.newFilter(mac);
        this.filter.onChange(this::rxFilterChanged);
    }

    /**
     * Creates the NIC, peers it with {@code config.netdev()} and adds it to the fabric (QEMU's
     * {@code -device MODEL,netdev=ID,id=ID,mac=MAC}). Any thread. Refused with qdev's messages:
     * {@code Property 'e1000.netdev' can't find value 'X'}, {@code ... can't take value 'X',
     * it's in use}, {@code Duplicate ID 'X' for device}.
     */
    public static Nic attach(Fabric fabric, NicConfig config, GuestPort guest) {
        return fabric.call(() -> {
            NicModel model = config.model();
            String prop = "Property '" + model.propertyOwner() + ".netdev' ";
            NetClient backend = null;
            if (config.netdev() != null) {
                backend = fabric.findNetdev(config.netdev());
                if (backend == null) {
                    throw FabricException.generic(prop + "can't find value '" + config.netdev() + "'");
                }
                if (backend.peer() != null) {
                    throw FabricException.generic(prop + "can't take value '" + config.netdev() + "', it's in use");
                }
            }
            if (config.id() != null && findDevice(fabric, config.id()) != null) {
                throw FabricException.generic("Duplicate ID '" + config.id() + "' for device");
            }
            String name = config.id() != null ? config.id() : defaultName(fabric, model);
            MacAddress mac = config.mac() != null ? config.mac() : DefaultMacs.next(fabric);
            Nic nic = new Nic(fabric, model, name, config.id(), mac, config.failover(), guest);
            if (backend != null) {
                NetClient.connect(nic, backend);
            }
            fabric.addClient(nic);
            return nic;
        });
    }

    /** The NIC whose device id is {@code id} on {@code fabric}, or null. Loop thread. */
    public static Nic findDevice(Fabric fabric, String id) {
        for (NetClient c : fabric.clients()) {
            if (c instanceof Nic n && id.equals(n.deviceId)) {
                return n;
            }
        }
        return null;
    }

    /** QEMU's name for a NIC without id: {@code <type>.<n>}, n = NICs of that type already there. */
    private static String defaultName(Fabric fabric, NicModel model) {
        int n = 0;
        for (NetClient c : fabric.clients()) {
            if (c instanceof Nic other && other.nicModel == model) {
                n++;
            }
        }
        return model.typeName() + "." + n;
    }

    public NicModel nicModel() {
        return nicModel;
    }

    /** The device id, or null when none was given. */
    public String deviceId() {
        return deviceId;
    }

    /** The configured MAC (what announce-self sends; the guest may filter on another). */
    public MacAddress mac() {
        return mac;
    }

    /** The model's filter registers; write them on the loop thread. */
    public RxFilter filter() {
        return filter;
    }

    /** The filter as the model's own type, e.g. {@code nic.filter(E1000RxFilter.class)}. */
    public <T extends RxFilter> T filter(Class<T> type) {
        return type.cast(filter);
    }

    /** Frames that passed the filter and the guest took. */
    public long acceptedFrames() {
        return acceptedFrames;
    }

    /** Frames the receive filter refused ({@link DropReason#RX_FILTER}). */
    public long filteredFrames() {
        return counters().drops(DropReason.RX_FILTER);
    }

    /**
     * virtio-net: the guest acknowledged {@code features} (QEMU {@code virtio_net_set_features}).
     * Resets the VLAN table as the filter says and, with {@code failover=on} and STANDBY acked,
     * raises {@code FAILOVER_NEGOTIATED} with this device's id.
     */
    public void virtioFeaturesAcked(long features) {
        VirtioNetRxFilter f = filter(VirtioNetRxFilter.class);
        f.setFeatures(features);
        if (failover && f.hasFeature(VirtioNetRxFilter.F_STANDBY)) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("device-id", deviceId != null ? deviceId : name());
            owner.emit("FAILOVER_NEGOTIATED", data);
        }
    }

    /** A register reset of the device (guest driver reset): the filter's reset state. */
    public void resetFilter() {
        filter.reset(mac);
    }

    // ---------------------------------------------------------------- NetClient hooks

    @Override
    protected int receive(ByteBuf frame) {
        int len = frame.readableBytes();
        int min = filter.minimumLength();
        boolean accepted;
        if (len >= min) {
            accepted = filter.accepts(frame);
        } else if (min == 14) {
            // virtio-net hands the guest frames as they are; one without an Ethernet header is junk.
            counters().drop(DropReason.MALFORMED);
            frame.release();
            return len;
        } else {
            // e1000 and rtl8139 pad short frames to 60 octets before filtering (QEMU *_receive).
            shortFrame.clear().writeBytes(frame, frame.readerIndex(), len).writeZero(min - len);
            accepted = filter.accepts(shortFrame);
        }
        if (!accepted) {
            // QEMU answers "consumed" for a filtered frame: the sender must not retry it.
            counters().drop(DropReason.RX_FILTER);
            frame.release();
            return len;
        }
        ByteBuf toGuest = frame;
        if (len < min) {
            toGuest = frame.alloc().directBuffer(min).writeBytes(frame, frame.readerIndex(), len).writeZero(min - len);
        }
        int ret = guest.receive(toGuest);
        if (ret == 0) {
            if (toGuest != frame) {
                toGuest.release();
            }
            return 0;
        }
        if (toGuest != frame) {
            frame.release();
        }
        if (ret > 0) {
            acceptedFrames++;
            return len;
        }
        return ret;
    }

    @Override
    protected boolean canReceive() {
        return guest.canReceive();
    }

    @Override
    protected void linkStatusChanged() {
        guest.linkChanged(!linkDown());
    }

    @Override
    protected RxFilterInfo queryRxFilter() {
        rxFilterNotify = true;
        return filter.info(name());
    }

    @Override
    public MacAddress announceMac() {
        return mac;
    }

    /** virtio-net's {@code virtio_net_announce}: only with GUEST_ANNOUNCE and CTRL_VQ acked. */
    @Override
    protected void announce() {
        if (filter instanceof VirtioNetRxFilter v && v.hasFeature(VirtioNetRxFilter.F_GUEST_ANNOUNCE)
                && v.hasFeature(VirtioNetRxFilter.F_CTRL_VQ)) {
            guest.announceRequested();
        }
    }

    @Override
    public boolean isNic() {
        return true;
    }

    /** QEMU's NIC {@code info_str}. */
    @Override
    public String info() {
        return "model=" + nicModel.typeName() + ",macaddr=" + RxFilter.macString(mac.toLong());
    }

    @Override
    protected void cleanup() {
        if (guest instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // Closing the guest side is best effort; the NIC is gone either way.
            }
        }
    }

    private void rxFilterChanged() {
        if (!rxFilterNotify) {
            return;
        }
        rxFilterNotify = false;
        Map<String, Object> data = new LinkedHashMap<>();
        String path;
        if (deviceId != null) {
            data.put("name", deviceId);
            path = "/machine/peripheral/" + deviceId + (nicModel == NicModel.VIRTIO_NET ? "/virtio-backend" : "");
        } else {
            path = "/machine/peripheral-anon/" + name();
        }
        data.put("path", path);
        owner.emit("NIC_RX_FILTER_CHANGED", data);
    }
}
