package io.netfabric.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * QAPI {@code RxFilterInfo}: one NIC's receive filter as {@code query-rx-filter} reports it.
 * Components are the schema's members in schema order. MACs are lower-case
 * {@code xx:xx:xx:xx:xx:xx}; the list orders and the meaning of {@code broadcastAllowed} are the
 * reporting NIC's (QEMU's virtio-net reverses its tables and reports the NOBCAST flag there).
 */
public record RxFilterInfo(
        String name,
        boolean promiscuous,
        RxState multicast,
        RxState unicast,
        RxState vlan,
        boolean broadcastAllowed,
        boolean multicastOverflow,
        boolean unicastOverflow,
        String mainMac,
        List<Integer> vlanTable,
        List<String> unicastTable,
        List<String> multicastTable) {

    public RxFilterInfo {
        vlanTable = List.copyOf(vlanTable);
        unicastTable = List.copyOf(unicastTable);
        multicastTable = List.copyOf(multicastTable);
    }

    /** The QMP return object: QAPI member names, JSON-ready values, schema order. */
    public Map<String, Object> toQmp() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("promiscuous", promiscuous);
        m.put("multicast", multicast.qapiName());
        m.put("unicast", unicast.qapiName());
        m.put("vlan", vlan.qapiName());
        m.put("broadcast-allowed", broadcastAllowed);
        m.put("multicast-overflow", multicastOverflow);
        m.put("unicast-overflow", unicastOverflow);
        m.put("main-mac", mainMac);
        m.put("vlan-table", vlanTable);
        m.put("unicast-table", unicastTable);
        m.put("multicast-table", multicastTable);
        return m;
    }
}
