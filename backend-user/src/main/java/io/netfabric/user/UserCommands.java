package io.netfabric.user;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.spi.FabricCommand;
import io.netfabric.user.forward.HostForwards;
import io.netfabric.user.nat.TcpNat;
import io.netfabric.user.nat.UdpNat;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The user network's QMP commands, which QEMU offers only in HMP ({@code hostfwd_add},
 * {@code hostfwd_remove}, {@code info usernet}): {@code hostfwd_add {"netdev", "rule"}},
 * {@code hostfwd_remove {"netdev", "rule"}}, {@code query-hostfwd {"netdev"}} and
 * {@code query-usernet {"netdev"}} (live TCP and UDP NAT flows with both ends, state and bytes
 * each way).
 * Found by the QMP dispatcher through {@link FabricCommand}'s service file.
 */
public final class UserCommands {
    private UserCommands() {
    }

    /** One command: its name, its members, and what it does with the named user netdev. */
    abstract static class Command implements FabricCommand {
        private final String name;
        private final Set<String> members;
        private final BiFunction<UserNetdev, Map<String, Object>, Object> run;

        Command(String name, Set<String> members, BiFunction<UserNetdev, Map<String, Object>, Object> run) {
            this.name = name;
            this.members = members;
            this.run = run;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Object execute(Fabric fabric, Map<String, Object> args) {
            for (String k : args.keySet()) {
                if (!members.contains(k)) {
                    throw FabricException.generic("Parameter '" + k + "' is unexpected");
                }
            }
            String id = string(args, "netdev");
            return fabric.call(() -> {
                NetClient c = fabric.findNetdev(id);
                if (c == null) {
                    throw FabricException.deviceNotFound(id);
                }
                if (!(c instanceof UserNetdev user)) {
                    throw FabricException.generic("netdev '" + id + "' is not a user netdev");
                }
                return run.apply(user, args);
            });
        }
    }

    private static String string(Map<String, Object> args, String name) {
        Object v = args.get(name);
        if (v == null) {
            throw FabricException.generic("Parameter '" + name + "' is missing");
        }
        if (!(v instanceof String s)) {
            throw FabricException.generic("Invalid parameter type for '" + name + "', expected: string");
        }
        return s;
    }

    public static final class HostfwdAdd extends Command {
        public HostfwdAdd() {
            super("hostfwd_add", Set.of("netdev", "rule"), (u, a) -> {
            u.addHostForward(string(a, "rule"));
            return null;
        });
        }
    }

    public static final class HostfwdRemove extends Command {
        public HostfwdRemove() {
            super("hostfwd_remove", Set.of("netdev", "rule"), (u, a) -> {
            String line = u.removeHostForward(string(a, "rule"));
            // HMP prints a line either way; QMP refuses what was not removed.
            if (!line.endsWith(" removed")) {
                throw FabricException.generic(line);
            }
            return null;
        });
        }
    }

    public static final class QueryHostfwd extends Command {
        public QueryHostfwd() {
            super("query-hostfwd", Set.of("netdev"), (u, a) -> {
            List<Object> out = new ArrayList<>();
            for (HostForwards.Info f : u.hostForwards()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("rule", f.rule());
                m.put("protocol", f.protocol());
                m.put("host", address(f.host()));
                m.put("guest", address(f.guest()));
                out.add(m);
            }
            return out;
        });
        }
    }

    public static final class QueryUsernet extends Command {
        public QueryUsernet() {
            super("query-usernet", Set.of("netdev"), (u, a) -> {
            List<Object> out = new ArrayList<>();
            for (TcpNat.FlowInfo f : u.natFlows()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("protocol", f.protocol());
                m.put("kind", f.kind());
                m.put("guest", address(f.guest()));
                m.put("remote", address(f.remote()));
                m.put("host", f.host());
                m.put("state", f.state());
                m.put("bytes-from-guest", f.bytesFromGuest());
                m.put("bytes-to-guest", f.bytesToGuest());
                out.add(m);
            }
            // UDP flows, most recently used first as in info usernet; a socket per guest
            // address:port, so the remote is where the guest sent last.
            List<UdpNat.FlowInfo> udp = new ArrayList<>(u.udpFlows());
            java.util.Collections.reverse(udp);
            for (UdpNat.FlowInfo f : udp) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("protocol", "udp");
                m.put("kind", "nat");
                m.put("guest", address(f.guest()));
                m.put("remote", address(f.lastDestination()));
                m.put("host", NetUtil.toSocketAddressString(f.hostDestination()));
                m.put("state", "open");
                m.put("bytes-from-guest", f.bytesFromGuest());
                m.put("bytes-to-guest", f.bytesToGuest());
                out.add(m);
            }
            return out;
        });
        }
    }

    private static Object address(InetSocketAddress a) {
        if (a == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", a.getAddress() != null ? NetUtil.toAddressString(a.getAddress()) : a.getHostString());
        m.put("port", (long) a.getPort());
        return m;
    }
}
