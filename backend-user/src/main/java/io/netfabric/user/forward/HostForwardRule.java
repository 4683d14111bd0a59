package io.netfabric.user.forward;

import io.netfabric.core.FabricException;
import io.netfabric.wire.Ipv4Address;

/**
 * One {@code hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport} rule, parsed with the
 * steps and failure reasons of QEMU 7.2's net/slirp.c {@code slirp_hostfwd()}. The listeners
 * that carry it are part 2 of the user-mode work.
 *
 * @param udp       true for {@code udp:}, false for {@code tcp:} or an empty protocol
 * @param hostAddr  the host address to bind, {@link Ipv4Address#ANY} when empty
 * @param guestAddr the guest address, {@link Ipv4Address#ANY} when empty (libslirp: the first DHCP address)
 */
public record HostForwardRule(String text, boolean udp, Ipv4Address hostAddr, int hostPort,
                              Ipv4Address guestAddr, int guestPort) {

    public static HostForwardRule parse(String rule) {
        Fields f = new Fields(rule);
        String proto = f.next(':');
        if (proto == null) {
            throw syntax(rule, "No : separators");
        }
        boolean udp;
        if (proto.equals("tcp") || proto.isEmpty()) {
            udp = false;
        } else if (proto.equals("udp")) {
            udp = true;
        } else {
            throw syntax(rule, "Bad protocol name");
        }
        String hostAddr = f.next(':');
        if (hostAddr == null) {
            throw syntax(rule, "Missing : separator");
        }
        Integer ha = hostAddr.isEmpty() ? Integer.valueOf(0) : CText.inetAton(hostAddr);
        if (ha == null) {
            throw syntax(rule, "Bad host address");
        }
        String hostPort = f.next('-');
        if (hostPort == null) {
            throw syntax(rule, "Bad host port separator");
        }
        Integer hp = CText.strtoiWhole(hostPort, 0);
        if (hp == null || hp < 0 || hp > 65535) {
            throw syntax(rule, "Bad host port");
        }
        String guestAddr = f.next(':');
        if (guestAddr == null) {
            throw syntax(rule, "Missing guest address");
        }
        Integer ga = guestAddr.isEmpty() ? Integer.valueOf(0) : CText.inetAton(guestAddr);
        if (ga == null) {
            throw syntax(rule, "Bad guest address");
        }
        Integer gp = CText.strtoiWhole(f.rest(), 0);
        if (gp == null || gp < 1 || gp > 65535) {
            throw syntax(rule, "Bad guest port");
        }
        return new HostForwardRule(rule, udp, Ipv4Address.fromInt(ha), hp, Ipv4Address.fromInt(ga), gp);
    }

    private static FabricException syntax(String rule, String reason) {
        return FabricException.generic("Invalid host forwarding rule '" + rule + "' (" + reason + ")");
    }
}
