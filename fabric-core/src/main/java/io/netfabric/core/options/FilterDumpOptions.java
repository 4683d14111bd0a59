package io.netfabric.core.options;

import io.netfabric.core.FabricException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pcap capture on a netdev: QOM type {@code filter-dump}, from
 * {@code -object filter-dump,id=ID,netdev=ID,file=PATH[,maxlen=N]} or QMP
 * {@code object-add {"qom-type":"filter-dump",...}}. QAPI {@code FilterDumpProperties}
 * (qapi/qom.json) over the netfilter base {@code NetfilterProperties}; in 7.2 both doors visit
 * that schema first, so a missing {@code file} is "Parameter 'file' is missing" (net/dump.c's
 * "dump filter needs 'file' property set!" cannot be reached), and then QOM's property setters
 * and {@code netfilter_complete()} (net/filter.c) add their own checks: {@code status},
 * {@code maxlen} 0, the {@code position} syntax. Whether {@code netdev} and a
 * {@code position=id=X} filter exist is for the fabric to check.
 *
 * @param queue    {@code all} (default), {@code rx} or {@code tx}; null when not given
 * @param status   {@code on} (default) or {@code off}
 * @param position {@code head}, {@code tail} (default) or {@code id=<filter>}
 * @param insert   {@code behind} (default) or {@code before}
 * @param maxlen   snap length, 1..2^32-1; null means QEMU's default 65536
 */
public record FilterDumpOptions(String id, String netdev, String queue, String status, String position,
                                String insert, String file, Long maxlen) {

    public static final String QOM_TYPE = "filter-dump";
    public static final long DEFAULT_MAXLEN = 65536;

    /** {@code NetfilterProperties} then {@code FilterDumpProperties}, in schema order. */
    public static final List<QapiMember> MEMBERS = List.of(
            QapiMember.required("netdev", QapiType.STR),
            QapiMember.optionalEnum("queue", "all", "rx", "tx"),
            QapiMember.optional("status", QapiType.STR),
            QapiMember.optional("position", QapiType.STR),
            QapiMember.optionalEnum("insert", "before", "behind"),
            QapiMember.required("file", QapiType.STR),
            QapiMember.optional("maxlen", QapiType.UINT32));

    public FilterDumpOptions {
        Objects.requireNonNull(netdev);
        Objects.requireNonNull(file);
    }

    /** A {@code -object} argument (7.2 parses it with QemuOpts, implied key {@code qom-type}). */
    public static FilterDumpOptions parseObject(String optarg) {
        return parseObjectSyntax(optarg).checked();
    }

    /** {@link #parseObject} without the property checks of {@link #checked()}. */
    public static FilterDumpOptions parseObjectSyntax(String optarg) {
        QemuOptsSyntax opts = QemuOptsSyntax.parse(optarg, "qom-type");
        if (opts.id() != null) {
            NetdevRules.checkId(opts.id(), true);
        }
        OptsSource source = new OptsSource(opts.opts(), w -> { });
        String qomType = source.take("qom-type");
        if (qomType == null) {
            throw QapiErrors.missing("qom-type");
        }
        checkQomType(qomType);
        if (opts.id() == null) {
            throw QapiErrors.missing("id");
        }
        Object[] v = source.readAll(MEMBERS);
        source.checkAllConsumed();
        return build(opts.id(), v);
    }

    /** The arguments of QMP {@code object-add} (see {@link NetdevQmpDecoder} for the value types). */
    public static FilterDumpOptions decodeObjectAdd(Map<String, Object> arguments) {
        QObjectSource source = new QObjectSource(arguments, "");
        checkQomType(source.readString("qom-type"));
        String id = source.readString("id");
        Object[] v = source.readAll(MEMBERS);
        source.checkAllConsumed();
        NetdevRules.checkId(id, false);   // qom/object_interfaces.c user_creatable_add_type()
        return build(id, v).checked();
    }

    private static void checkQomType(String qomType) {
        if (!qomType.equals(QOM_TYPE)) {
            throw QapiErrors.enumValue("qom-type", qomType);   // only filter-dump is modelled
        }
    }

    private static FilterDumpOptions build(String id, Object[] v) {
        return new FilterDumpOptions(id, (String) v[0], (String) v[1], (String) v[2], (String) v[3], (String) v[4],
                (String) v[5], (Long) v[6]);
    }

    /**
     * The checks QOM's property setters and {@code netfilter_complete()} make after the schema
     * visit. On the command line QEMU reports them without the {@code -object} location, so the
     * launcher runs them apart from {@link #parseObjectSyntax}. Answers this.
     */
    public FilterDumpOptions checked() {
        if (status != null && !status.equals("on") && !status.equals("off")) {
            throw FabricException.generic("Invalid value for netfilter status, should be 'on' or 'off'");   // netfilter_set_status()
        }
        if (maxlen != null && maxlen == 0) {
            throw FabricException.generic("Property 'filter-dump.maxlen' doesn't take value '0'");   // filter_dump_set_maxlen()
        }
        if (position != null && !position.equals("head") && !position.equals("tail") && !position.startsWith("id=")) {
            throw QapiErrors.expects("position", "'head', 'tail' or 'id=<id>'");   // netfilter_complete()
        }
        return this;
    }

    /** Whether the filter starts enabled ({@code status}, default on). */
    public boolean enabled() {
        return !"off".equals(status);
    }

    /** The snap length written to the pcap header and applied to each packet. */
    public long snapLength() {
        return maxlen == null ? DEFAULT_MAXLEN : maxlen;
    }

    /** The {@code object-add} arguments giving these options back, absent members omitted. */
    public Map<String, Object> toQapi() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("qom-type", QOM_TYPE);
        out.put("id", id);
        Object[] values = {netdev, queue, status, position, insert, file, maxlen};
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                out.put(MEMBERS.get(i).name(), values[i]);
            }
        }
        return out;
    }
}
