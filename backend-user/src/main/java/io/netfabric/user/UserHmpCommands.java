package io.netfabric.user;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.spi.HmpCommand;
import io.netfabric.user.forward.HostForwards;
import io.netfabric.user.nat.IcmpEchoNat;
import io.netfabric.user.nat.TcpNat;
import io.netfabric.user.nat.UdpNat;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The user network's HMP commands, as QEMU 7.2's net/slirp.c answers them through
 * {@code human-monitor-command}: {@code hostfwd_add}, {@code hostfwd_remove} and
 * {@code info usernet} (libslirp's {@code slirp_connection_info} table). Found by fabric-qmp
 * through {@link HmpCommand}'s service file.
 */
public final class UserHmpCommands {
    private UserHmpCommands() {
    }

    /** net/slirp.c slirp_lookup(): the named user netdev, or the first one; null after printing why not. */
    private static UserNetdev lookup(Fabric fabric, String id, StringBuilder out) {
        if (id != null) {
            NetClient c = fabric.findNetdev(id);
            if (c == null) {
                out.append("unrecognized netdev id '").append(id).append("'\n");
                return null;
            }
            if (!(c instanceof UserNetdev u)) {
                out.append("invalid device specified\n");
                return null;
            }
            return u;
        }
        for (NetClient c : fabric.clients()) {
            if (c instanceof UserNetdev u) {
                return u;
            }
        }
        out.append("user mode network stack not in use\n");
        return null;
    }

    /**
     * A command on one user netdev: {@code [netdev_id] ARG}, the netdev looked up as
     * slirp_lookup() does; {@code action} prints into the output.
     */
    private abstract static class OnNetdev extends HmpCommand.Described {
        OnNetdev(String name, String params, String text) {
            super(name, params, text, 1, 2);
        }

        abstract void apply(UserNetdev u, String arg, StringBuilder out);

        @Override
        public final String run(Fabric fabric, List<String> args) {
            return fabric.call(() -> {
                StringBuilder out = new StringBuilder();
                UserNetdev u = lookup(fabric, args.size() == 2 ? args.get(0) : null, out);
                if (u != null) {
                    apply(u, args.get(args.size() - 1), out);
                }
                return out.toString();
            });
        }
    }

    /** {@code hostfwd_add [netdev_id] RULE}: silent when added, else the error's text (error_report_err). */
    public static final class HostfwdAdd extends OnNetdev {
        public HostfwdAdd() {
            super("hostfwd_add", "[netdev_id] [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport",
                    "redirect TCP or UDP connections from host to guest (requires -net user)");
        }

        @Override
        void apply(UserNetdev u, String rule, StringBuilder out) {
            try {
                u.addHostForward(rule);
            } catch (FabricException e) {
                out.append(e.getMessage()).append('\n');
            }
        }
    }

    /** {@code hostfwd_remove [netdev_id] RULE}: one line, removed / not found / invalid format. */
    public static final class HostfwdRemove extends OnNetdev {
        public HostfwdRemove() {
            super("hostfwd_remove", "[netdev_id] [tcp|udp]:[hostaddr]:hostport",
                    "remove host-to-guest TCP or UDP redirection");
        }

        @Override
        void apply(UserNetdev u, String rule, StringBuilder out) {
            out.append(u.removeHostForward(rule)).append('\n');
        }
    }

    /**
     * {@code info usernet}: per user netdev, {@code Hub N (id):} and libslirp's table: host
     * forwards and TCP connections, then UDP forwards and flows ({@code UDP[SECONDS sec]} left),
     * with the host socket's descriptor in FD and, for TCP, what waits each way in RecvQ (from
     * the host, not yet acknowledged by the guest) and SendQ (from the guest, not yet taken by
     * the host), then the ICMP echoes waiting for a reply ({@code ICMP[SECONDS sec]}, ports as
     * "-"; libslirp keeps a socket per echo until its reply, ours share one per family, so FD
     * repeats). Unlike libslirp 4.7 (IPv4 only) IPv6 flows are listed too.
     */
    public static final class InfoUsernet extends HmpCommand.Described {
        private static final String HEADER =
                "  Protocol[State]    FD  Source Address  Port   Dest. Address  Port RecvQ SendQ\n";

        public InfoUsernet() {
            super("info usernet", "", "show user network stack connection states", 0, 0);
        }

        @Override
        public String run(Fabric fabric, List<String> args) {
            return fabric.call(() -> {
                long now = System.nanoTime();
                StringBuilder out = new StringBuilder();
                for (NetClient c : fabric.clients()) {
                    if (c instanceof UserNetdev u) {
                        out.append("Hub ").append(u.hubId()).append(" (").append(u.name()).append("):\n").append(HEADER);
                        table(u, now, out);
                    }
                }
                return out.toString();
            });
        }

        private static void table(UserNetdev u, long now, StringBuilder out) {
            // libslirp inserts each socket at the head of its list: newest first.
            List<HostForwards.Info> forwards = new java.util.ArrayList<>(u.stack().tcpNat() == null ? List.of() : u.hostForwards());
            java.util.Collections.reverse(forwards);
            for (HostForwards.Info f : forwards) {
                if (f.protocol().equals("tcp")) {
                    row(out, "  TCP[HOST_FORWARD]", f.fd(), f.host(), f.guest(), 0, 0);
                }
            }
            if (u.stack().tcpNat() != null) {
                for (TcpNat.FlowInfo f : u.natFlows()) {
                    String state = "  TCP[" + libslirpState(f.state()) + "]";
                    if (f.hostLocal() != null) {
                        row(out, state, f.fd(), f.hostLocal(), f.guest(), f.recvQ(), f.sendQ());   // SS_INCOMING
                    } else {
                        row(out, state, f.fd(), f.guest(), f.remote(), f.recvQ(), f.sendQ());
                    }
                }
            }
            for (HostForwards.Info f : forwards) {
                if (f.protocol().equals("udp")) {
                    row(out, "  UDP[HOST_FORWARD]", f.fd(), f.host(), f.guest(), 0, 0);
                }
            }
            if (u.stack().udpNat() != null) {
                List<UdpNat.FlowInfo> flows = new java.util.ArrayList<>(u.stack().udpNat().flows());
                java.util.Collections.reverse(flows);   // most recently used first
                for (UdpNat.FlowInfo f : flows) {
                    long seconds = Math.max(0, (f.expires() - now) / 1_000_000_000L);
                    row(out, "  UDP[" + seconds + " sec]", f.fd(), f.guest(), f.lastDestination(), 0, 0);
                }
            }
            List<IcmpEchoNat.EchoInfo> echoes = new java.util.ArrayList<>(u.stack().echoNat().outstanding());
            java.util.Collections.reverse(echoes);   // newest first, as libslirp's list
            for (IcmpEchoNat.EchoInfo e : echoes) {
                icmpRow(out, Math.max(0, (e.expires() - now) / 1_000_000_000L), e.fd(), e.guest(), e.dst());
            }
        }

        /** libslirp's echo row: {@code "%-19s %3d %15s  -    "} then {@code "%15s  -    %5d %5d\n"}. */
        static void icmpRow(StringBuilder out, long seconds, int fd, InetAddress guest, InetAddress dst) {
            out.append(String.format("%-19s %3d %15s  -    ", "  ICMP[" + seconds + " sec]", fd,
                    address(new InetSocketAddress(guest, 0), true)));
            out.append(String.format("%15s  -    %5d %5d", address(new InetSocketAddress(dst, 0), false), 0, 0)).append('\n');
        }

        /** libslirp's names for the states (tcpstates[]): SYN_RECEIVED is SYN_RCVD. */
        private static String libslirpState(String state) {
            return state.equals("SYN_RECEIVED") ? "SYN_RCVD" : state;
        }

        /** {@code "%-19s %3d %15s %5d %15s %5d %5d %5d\n"}, the unspecified source address as "*". */
        private static void row(StringBuilder out, String what, int fd, InetSocketAddress src, InetSocketAddress dst,
                                long recvQ, long sendQ) {
            String label = what.length() > 19 ? what.substring(0, 19) : what;
            out.append(String.format("%-19s %3d %15s %5d ", label, fd, address(src, true), src == null ? 0 : src.getPort()));
            out.append(String.format("%15s %5d %5d %5d", address(dst, false), dst == null ? 0 : dst.getPort(), recvQ, sendQ))
                    .append('\n');
        }

        private static String address(InetSocketAddress a, boolean starForAny) {
            if (a == null) {
                return starForAny ? "*" : "0.0.0.0";
            }
            InetAddress ip = a.getAddress();
            if (starForAny && (ip == null || ip.isAnyLocalAddress())) {
                return "*";
            }
            return ip == null ? a.getHostString() : ip.getHostAddress();
        }
    }
}
