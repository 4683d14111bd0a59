package io.netfabric.hubport;

import io.netfabric.core.Fabric;
import io.netfabric.core.NetClient;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The hubs of one fabric, created on first use of an id (QEMU {@code net_hub_find_or_create}). */
public final class Hubs {
    /** In creation order: QEMU lists hubs newest first ({@link #newestFirst}). */
    private final Map<Integer, Hub> hubs = new LinkedHashMap<>();

    /** The hub table of {@code fabric}; call on its event loop. */
    public static Hubs of(Fabric fabric) {
        return fabric.attachment(Hubs.class, Hubs::new);
    }

    public Hub hub(int id) {
        return hubs.computeIfAbsent(id, Hub::new);
    }

    /** The hubs by id. */
    public Collection<Hub> all() {
        return Collections.unmodifiableCollection(new TreeMap<>(hubs).values());
    }

    /** The hubs newest first, as QEMU's list of hubs (QLIST_INSERT_HEAD) has them. */
    public List<Hub> newestFirst() {
        List<Hub> l = new ArrayList<>(hubs.values());
        Collections.reverse(l);
        return l;
    }

    /**
     * {@code net_hub_add_port}: a new port on hub {@code hubId}, named {@code name} or
     * {@code hub<id>port<k>}, peered with {@code peer} when given. Not yet registered with the
     * fabric.
     */
    public HubPort newPort(int hubId, String name, NetClient peer) {
        Hub hub = hub(hubId);
        String portName = name != null ? name : hub.nextPortName();
        if (name != null) {
            hub.nextPortName(); // QEMU counts every port, named or not.
        }
        HubPort port = new HubPort(portName, hub);
        if (peer != null) {
            NetClient.connect(port, peer);
        }
        hub.attach(port);
        return port;
    }

    /**
     * Whether hub {@code to} is {@code from} or is joined to it through hub ports peered with
     * ports of other hubs: a new such pair between them would close a loop.
     */
    boolean reaches(int from, int to) {
        Set<Integer> seen = new HashSet<>();
        ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(from));
        while (!todo.isEmpty()) {
            int id = todo.poll();
            if (id == to) {
                return true;
            }
            Hub h = hubs.get(id);
            if (!seen.add(id) || h == null) {
                continue;
            }
            for (HubPort p : h.ports()) {
                if (p.peer() instanceof HubPort q) {
                    todo.add(q.hub().id());
                }
            }
        }
        return false;
    }
}
