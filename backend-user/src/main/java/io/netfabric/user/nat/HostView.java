package io.netfabric.user.nat;

import io.netfabric.user.ip.Router;
import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.Ipv6Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * How the NATs translate addresses between the guest's side and the host's, as libslirp 4.7's
 * {@code sotranslate_out4/out6}, {@code sotranslate_in} and {@code sotranslate_accept} do: the
 * host address and the limited broadcast (255.255.255.255) are the host's IPv4 loopback, and so
 * here is the network's own broadcast (10.0.2.255), which libslirp sends to the host's network
 * as it stands (a guest's NetBIOS or discovery broadcasts would leave the machine); every
 * address of the IPv6 prefix is ::1. Other IPv4 addresses, 10.0.2.x included, are the host's
 * own destinations, as in QEMU 7.2. An answer from loopback shows as the IPv6 address the guest
 * wrote to, else as the host address. The service addresses (DNS, SMB, guestfwd targets) are
 * the router's own and never reach a NAT.
 */
public final class HostView {
    private static final InetAddress LOOPBACK4 = InetAddress.getLoopbackAddress();
    private static final InetAddress LOOPBACK6 = Router.inet(Ipv6Address.of(0, 1));

    private final int net;
    private final int mask;
    private final InetAddress host4;
    private final byte[] prefix6;
    private final int prefix6Len;
    private final InetAddress host6;

    public HostView(Ipv4Address net, int prefixLen, Ipv4Address host, Ipv6Address prefix6, int prefix6Len,
                    Ipv6Address host6) {
        this.mask = Ipv4Address.netmask(prefixLen);
        this.net = net.toInt() & mask;
        this.host4 = Router.inet(host);
        this.prefix6 = prefix6.toBytes();
        this.prefix6Len = prefix6Len;
        this.host6 = Router.inet(host6);
    }

    /** The host address (10.0.2.2). */
    public InetAddress host4() {
        return host4;
    }

    /** The IPv6 host address (fec0::2). */
    public InetAddress host6() {
        return host6;
    }

    /** True for an address of the IPv6 prefix. */
    private boolean inPrefix6(byte[] b) {
        int full = prefix6Len / 8;
        for (int i = 0; i < full; i++) {
            if (b[i] != prefix6[i]) {
                return false;
            }
        }
        int rest = prefix6Len % 8;
        return rest == 0 || ((b[full] ^ prefix6[full]) & (0xFF << (8 - rest)) & 0xFF) == 0;
    }

    /** The limited broadcast or the virtual network's own. */
    public boolean isBroadcast(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length != 4) {
            return false;
        }
        int v = Ipv4Address.fromBytes(b).toInt();
        return v == -1 || ((v & mask) == net && (v | mask) == -1);
    }

    /** sotranslate_out: where a host socket sends what the guest addressed to {@code dst}. */
    public InetAddress toHost(InetAddress dst) {
        if (dst instanceof Inet6Address) {
            return inPrefix6(dst.getAddress()) ? LOOPBACK6 : dst;
        }
        return dst.equals(host4) || isBroadcast(dst) ? LOOPBACK4 : dst;
    }

    /** sotranslate_accept: a host client as the guest sees it (loopback or unspecified is the host address). */
    public InetAddress toGuest(InetAddress src) {
        if (src instanceof Inet6Address) {
            return src.isLoopbackAddress() || src.isAnyLocalAddress() ? host6 : src;
        }
        return src.isLoopbackAddress() || src.isAnyLocalAddress() ? host4 : src;
    }

    /**
     * sotranslate_in: the source the guest sees on an answer from {@code from}, to a flow whose
     * datagrams went to {@code addressed}: from loopback it is the IPv6 address the guest wrote
     * to when that was one of the prefix's, else the host address (an answer to a broadcast too).
     */
    public InetAddress replySource(InetAddress from, InetAddress addressed) {
        if (!from.isLoopbackAddress()) {
            return from;
        }
        // The host address first: the usual answer, and no copy of the address to compare.
        if (addressed instanceof Inet6Address && from instanceof Inet6Address
                && (addressed.equals(host6) || inPrefix6(addressed.getAddress()))) {
            return addressed;
        }
        return toGuest(from);
    }
}
