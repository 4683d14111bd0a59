package io.netfabric.core.options;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * QAPI {@code SocketAddress}: a flat union on {@code type} with the branches {@code inet},
 * {@code unix} and {@code fd}, the value of the {@code stream} netdev's {@code addr} and the
 * {@code dgram} netdev's {@code local}/{@code remote}. On the command line its members are
 * dotted keys ({@code addr.type=inet,addr.host=...}); in QMP a nested object. QEMU's
 * {@code vsock} branch is not modelled: no netdev here can use it.
 */
public sealed interface SocketAddressOptions
        permits SocketAddressOptions.Inet, SocketAddressOptions.Unix, SocketAddressOptions.Fd {

    /** {@code SocketAddressType} values this model knows, in the schema's order. */
    List<String> TYPES = List.of("inet", "unix", "fd");

    /** The discriminator: {@code inet}, {@code unix} or {@code fd}. */
    String type();

    /** QAPI {@code InetSocketAddress}: {@code port} is a string (a number or a service name). */
    record Inet(String host, String port, Boolean numeric, Integer to, Boolean ipv4, Boolean ipv6,
                Boolean keepAlive, Boolean mptcp) implements SocketAddressOptions {
        public static final List<QapiMember> MEMBERS = List.of(
                QapiMember.required("host", QapiType.STR),
                QapiMember.required("port", QapiType.STR),
                QapiMember.optional("numeric", QapiType.BOOL),
                QapiMember.optional("to", QapiType.UINT16),
                QapiMember.optional("ipv4", QapiType.BOOL),
                QapiMember.optional("ipv6", QapiType.BOOL),
                QapiMember.optional("keep-alive", QapiType.BOOL),
                QapiMember.optional("mptcp", QapiType.BOOL));

        public static Inet of(String host, int port) {
            return new Inet(host, Integer.toString(port), null, null, null, null, null, null);
        }

        @Override
        public String type() {
            return "inet";
        }
    }

    /** QAPI {@code UnixSocketAddress}; {@code abstract} is a Java keyword, hence {@code isAbstract}. */
    record Unix(String path, Boolean isAbstract, Boolean tight) implements SocketAddressOptions {
        public static final List<QapiMember> MEMBERS = List.of(
                QapiMember.required("path", QapiType.STR),
                QapiMember.optional("abstract", QapiType.BOOL),
                QapiMember.optional("tight", QapiType.BOOL));

        public static Unix of(String path) {
            return new Unix(path, null, null);
        }

        @Override
        public String type() {
            return "unix";
        }
    }

    /** QAPI {@code String} in the {@code fd} branch: a file descriptor number or monitor fd name. */
    record Fd(String str) implements SocketAddressOptions {
        public static final List<QapiMember> MEMBERS = List.of(QapiMember.required("str", QapiType.STR));

        @Override
        public String type() {
            return "fd";
        }
    }

    /** The members of a branch, in schema order. */
    static List<QapiMember> members(String type) {
        return switch (type) {
            case "inet" -> Inet.MEMBERS;
            case "unix" -> Unix.MEMBERS;
            case "fd" -> Fd.MEMBERS;
            default -> throw new IllegalArgumentException(type);
        };
    }

    /** Visits a {@code SocketAddress} as QEMU's generated visitor does: type, branch, leftovers. */
    static SocketAddressOptions read(MemberSource source) {
        QapiMember typeMember = new QapiMember("type", QapiType.ENUM, true, TYPES);
        Object[] t = source.readAll(List.of(typeMember));
        String type = (String) t[0];
        Object[] v = source.readAll(members(type));
        source.checkAllConsumed();
        return switch (type) {
            case "inet" -> new Inet((String) v[0], (String) v[1], (Boolean) v[2], (Integer) v[3], (Boolean) v[4],
                    (Boolean) v[5], (Boolean) v[6], (Boolean) v[7]);
            case "unix" -> new Unix((String) v[0], (Boolean) v[1], (Boolean) v[2]);
            default -> new Fd((String) v[0]);
        };
    }

    /** The reverse mapping: the QAPI object, absent optionals omitted. */
    static Map<String, Object> toQapi(SocketAddressOptions a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", a.type());
        List<Object> values;
        if (a instanceof Inet i) {
            values = Arrays.asList(i.host(), i.port(), i.numeric(), i.to(), i.ipv4(), i.ipv6(), i.keepAlive(), i.mptcp());
        } else if (a instanceof Unix u) {
            values = Arrays.asList(u.path(), u.isAbstract(), u.tight());
        } else {
            values = Arrays.asList(((Fd) a).str());
        }
        List<QapiMember> members = members(a.type());
        for (int i = 0; i < members.size(); i++) {
            if (values.get(i) != null) {
                m.put(members.get(i).name(), values.get(i));
            }
        }
        return m;
    }
}
