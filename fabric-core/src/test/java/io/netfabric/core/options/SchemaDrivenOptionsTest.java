package io.netfabric.core.options;

import io.netfabric.testkit.json.JsonishReader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Generated from the schema file itself (../schema/net-schema.qapi from the module directory):
 * for every branch of the {@code Netdev} union and every member of its struct, a valid value per
 * QAPI type (both booleans, each integer type's minimum and maximum, sizes with and without a
 * suffix, two-element lists, strings with an escaped comma) goes through the command line and
 * through QMP; both must give the same record, holding the expected Java values, and the
 * reverse mapping must give the QMP map back. A schema member the model lacks fails here.
 */
class SchemaDrivenOptionsTest {
    private static final Path SCHEMA = Path.of("..", "schema", "net-schema.qapi");

    /** One valid value in the three forms: command-line text, QMP JSON value, Java value. */
    private record Sample(String cli, Object qmp, Object java) {
    }

    private record SchemaMember(String name, QapiType type, boolean required) {
    }

    private static final BigInteger U64_MAX = new BigInteger("18446744073709551615");

    private static List<Sample> samples(QapiType type) {
        return switch (type) {
            case STR -> List.of(new Sample("a,,b=c", "a,b=c", "a,b=c"), new Sample("", "", ""));
            case BOOL -> List.of(new Sample("on", true, true), new Sample("off", false, false));
            case INT -> List.of(new Sample("-9223372036854775808", Long.MIN_VALUE, Long.MIN_VALUE),
                    new Sample("9223372036854775807", Long.MAX_VALUE, Long.MAX_VALUE));
            case INT32 -> List.of(new Sample("-2147483648", Integer.MIN_VALUE, Integer.MIN_VALUE),
                    new Sample("2147483647", Integer.MAX_VALUE, Integer.MAX_VALUE));
            case UINT16 -> List.of(new Sample("0", 0, 0), new Sample("65535", 65535, 65535));
            case UINT32 -> List.of(new Sample("0", 0L, 0L), new Sample("4294967295", 4294967295L, 4294967295L));
            case UINT64 -> List.of(new Sample("0", 0L, 0L), new Sample("18446744073709551615", U64_MAX, -1L));
            case SIZE -> List.of(new Sample("1k", 1024L, 1024L), new Sample("18446744073709551615", U64_MAX, -1L),
                    new Sample("15E", new BigInteger("17293822569102704640"), 15L << 60));
            case STR_LIST -> List.of(new Sample(null, List.of(Map.of("str", "x,1"), Map.of("str", "y")), List.of("x,1", "y")));
            case ENUM -> throw new IllegalStateException("no enum member in Netdev");
            // Nested: the command-line text is the dotted keys after "member.", comma-separated.
            case SOCKET_ADDRESS -> List.of(
                    new Sample("type=inet,host=127.0.0.1,port=5000,numeric=on,to=65535,ipv4=on,ipv6=off,keep-alive=on,mptcp=off",
                            orderedMap("type", "inet", "host", "127.0.0.1", "port", "5000", "numeric", true, "to", 65535,
                                    "ipv4", true, "ipv6", false, "keep-alive", true, "mptcp", false),
                            new SocketAddressOptions.Inet("127.0.0.1", "5000", true, 65535, true, false, true, false)),
                    new Sample("type=unix,path=/tmp/n0.sock,abstract=off,tight=on",
                            orderedMap("type", "unix", "path", "/tmp/n0.sock", "abstract", false, "tight", true),
                            new SocketAddressOptions.Unix("/tmp/n0.sock", false, true)),
                    new Sample("type=fd,str=3", orderedMap("type", "fd", "str", "3"), new SocketAddressOptions.Fd("3")));
        };
    }

    private static Map<String, Object> orderedMap(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Branch name -> members, read from the schema file. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<SchemaMember>> schemaBranches() throws IOException {
        if (!Files.isRegularFile(SCHEMA)) {
            fail("schema file %s not found (working directory %s): the test runs from the fabric-core module",
                    SCHEMA, Path.of("").toAbsolutePath());
        }
        Map<String, Map<String, Object>> structs = new LinkedHashMap<>();
        Map<String, Object> netdevUnion = null;
        for (Object expr : JsonishReader.readAll(Files.readString(SCHEMA))) {
            Map<String, Object> e = (Map<String, Object>) expr;
            if (e.containsKey("struct")) {
                structs.put((String) e.get("struct"), (Map<String, Object>) e.get("data"));
            }
            if ("Netdev".equals(e.get("union"))) {
                netdevUnion = e;
            }
        }
        assertThat(netdevUnion).as("union Netdev in the schema").isNotNull();
        Map<String, List<SchemaMember>> out = new LinkedHashMap<>();
        ((Map<String, Object>) netdevUnion.get("data")).forEach((branch, structName) -> {
            Map<String, Object> data = structs.get(structName);
            assertThat(data).as("struct %s of branch %s", structName, branch).isNotNull();
            List<SchemaMember> members = new ArrayList<>();
            data.forEach((key, t) -> {
                String spelling = t instanceof List<?> l ? "['" + l.get(0) + "']" : (String) t;
                QapiType type = QapiType.fromSchema(spelling);
                assertThat(type).as("QAPI type %s of %s.%s is unknown to the model", spelling, structName, key).isNotNull();
                boolean optional = key.startsWith("*");
                members.add(new SchemaMember(optional ? key.substring(1) : key, type, !optional));
            });
            out.put(branch, members);
        });
        return out;
    }

    @Test
    void everySchemaBranchHasARecordWithExactlyItsMembers() throws IOException {
        Map<String, List<SchemaMember>> schema = schemaBranches();
        assertThat(NetdevBranch.all().stream().map(NetdevBranch::type)).containsExactlyElementsOf(schema.keySet());
        schema.forEach((type, members) -> {
            NetdevBranch branch = NetdevBranch.forType(type);
            List<SchemaMember> ours = branch.members().stream()
                    .map(m -> new SchemaMember(m.name(), m.type(), m.required())).collect(Collectors.toList());
            assertThat(ours).as("members of %s", type).containsExactlyElementsOf(members);
            RecordComponent[] components = branch.recordClass().getRecordComponents();
            for (int i = 0; i < components.length; i++) {
                assertThat(components[i].getName()).isEqualTo(lowerCamel(members.get(i).name()));
            }
            assertThat(NetdevBranch.of(instanceWithNulls(branch)).type()).isEqualTo(type);
        });
    }

    /** The {@code SocketAddress} union of the schema and our nested model agree branch by branch. */
    @Test
    @SuppressWarnings("unchecked")
    void socketAddressBranchesMatchTheSchema() throws IOException {
        Map<String, Map<String, Object>> structs = new LinkedHashMap<>();
        Map<String, Object> union = null;
        for (Object expr : JsonishReader.readAll(Files.readString(SCHEMA))) {
            Map<String, Object> e = (Map<String, Object>) expr;
            if (e.containsKey("struct")) {
                structs.put((String) e.get("struct"), (Map<String, Object>) e.get("data"));
            }
            if ("SocketAddress".equals(e.get("union"))) {
                union = e;
            }
        }
        assertThat(union).as("union SocketAddress in the schema").isNotNull();
        structs.put("String", Map.of("str", "str"));   // common.json's String
        Map<String, Object> branches = (Map<String, Object>) union.get("data");
        assertThat(branches.keySet()).containsExactlyElementsOf(SocketAddressOptions.TYPES);
        branches.forEach((type, structName) -> {
            List<SchemaMember> members = new ArrayList<>();
            structs.get(structName).forEach((key, t) -> {
                boolean optional = key.startsWith("*");
                members.add(new SchemaMember(optional ? key.substring(1) : key, QapiType.fromSchema((String) t), !optional));
            });
            List<SchemaMember> ours = SocketAddressOptions.members(type).stream()
                    .map(m -> new SchemaMember(m.name(), m.type(), m.required())).collect(Collectors.toList());
            assertThat(ours).as("members of SocketAddress branch %s", type).containsExactlyElementsOf(members);
        });
    }

    private static NetdevOptions instanceWithNulls(NetdevBranch branch) {
        return branch.create(new Object[branch.members().size()]);
    }

    /** {@code vnet_hdr} -> vnetHdr, {@code poll-us} -> pollUs. */
    private static String lowerCamel(String qapi) {
        String[] parts = qapi.split("[-_]");
        StringBuilder b = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            b.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
        }
        return b.toString();
    }

    @TestFactory
    Stream<DynamicTest> bothDoorsAgreeOnEveryMemberValue() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        schemaBranches().forEach((type, members) -> {
            // round -1: required members only; rounds 0..2: every member with its n-th sample
            for (int round = -1; round < 3; round++) {
                int r = round;
                tests.add(DynamicTest.dynamicTest(type + " round " + r, () -> roundTrip(type, members, r)));
            }
        });
        return tests.stream();
    }

    private static void roundTrip(String type, List<SchemaMember> members, int round) {
        StringBuilder cli = new StringBuilder(type).append(",id=n0");
        Map<String, Object> qmp = new LinkedHashMap<>();
        qmp.put("id", "n0");
        qmp.put("type", type);
        List<Object> expected = new ArrayList<>();
        for (SchemaMember m : members) {
            if (round < 0 && !m.required()) {
                expected.add(null);
                continue;
            }
            List<Sample> s = samples(m.type());
            Sample sample = s.get(Math.max(round, 0) % s.size());
            if (m.type() == QapiType.SOCKET_ADDRESS) {
                for (String kv : sample.cli().split(",")) {
                    cli.append(',').append(m.name()).append('.').append(kv);
                }
            } else if (m.type() == QapiType.STR_LIST) {
                for (Object e : (List<?>) sample.java()) {
                    cli.append(',').append(m.name()).append('=').append(((String) e).replace(",", ",,"));
                }
            } else {
                cli.append(',').append(m.name()).append('=').append(sample.cli());
            }
            qmp.put(m.name(), sample.qmp());
            expected.add(sample.java());
        }
        Set<String> available = Set.of(type);
        Netdev fromCli;
        NetdevOptions fromQmp;
        if (type.equals("nic")) {
            // nic is a frontend: QEMU takes it from -net only and refuses it on netdev_add.
            fromCli = NetdevOptionParser.parseLegacyNet(cli.toString(), available).orElseThrow();
            fromQmp = NetdevQmpDecoder.visit(qmp).options();
        } else {
            fromCli = NetdevOptionParser.parseNetdev(cli.toString(), available);
            fromQmp = NetdevQmpDecoder.decode(qmp, available).options();
        }
        assertThat(fromCli.id()).isEqualTo("n0");
        assertThat(fromCli.options()).as("command line %s", cli).isEqualTo(fromQmp);
        assertThat(NetdevBranch.of(fromCli.options()).values(fromCli.options())).containsExactlyElementsOf(expected);
        assertThat(fromCli.toQapi()).isEqualTo(qmp);
    }
}
