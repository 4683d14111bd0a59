package io.netfabric.user.service;

import io.netfabric.user.ip.Router;
import io.netfabric.user.ip.Timed;
import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Ipv6Address;
import io.netfabric.wire.MacAddress;
import io.netfabric.wire.ethernet.EthernetPacket;
import io.netfabric.wire.icmpv6.Icmpv6Packet;
import io.netfabric.wire.ipv6.Ipv6Packet;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Router advertisements (RFC 4861 §6.2.3) from fe80::2 to all nodes, as libslirp's ndp_send_ra
 * sends them: the prefix for SLAAC (on-link and autonomous, RFC 4862), the MTU option, RDNSS and
 * DNSSL (RFC 8106), and the O flag so that the guest asks stateless DHCPv6 for the rest (RFC 8415
 * §6.1). One answers each router solicitation; from the guest's first frame on, unsolicited
 * ones follow at random intervals of 200 to 600 s (RFC 4861 §6.2.4 with §6.2.1's default
 * MaxRtrAdvInterval, libslirp's ra_timer), so that the guest's default route (1800 s), DNS
 * server (1800 s) and address lifetimes are renewed for as long as it runs.
 */
public final class RouterAdvertiser implements Router.Icmpv6Handler, Timed {
    /** libslirp NDP_AdvDefaultLifetime / valid and preferred lifetimes (ndp_table.c, ip6_icmp.h). */
    static final int ROUTER_LIFETIME = 1800;
    static final int VALID_LIFETIME = 86400;
    static final int PREFERRED_LIFETIME = 14400;
    static final int DNS_LIFETIME = 1800;
    /** libslirp NDP_MinRtrAdvInterval and NDP_MaxRtrAdvInterval (ip6_icmp.h): 200 and 600 s. */
    static final long MIN_INTERVAL_NANOS = 200_000_000_000L;
    static final long MAX_INTERVAL_NANOS = 600_000_000_000L;

    private final Router router;
    private final Ipv6Address prefix;
    private final int prefixLen;
    private final Ipv6Address dns6;
    private final int mtu;
    private final byte[] dnssl;
    private final boolean restrict;
    private long nextUnsolicited = NONE;

    public RouterAdvertiser(Router router, Ipv6Address prefix, int prefixLen, Ipv6Address dns6, int mtu,
                            List<String> dnssearch, boolean restrict) {
        this.router = router;
        this.prefix = prefix;
        this.prefixLen = prefixLen;
        this.dns6 = dns6;
        this.mtu = mtu;
        this.dnssl = dnssearch.isEmpty() ? null : DomainSearch.encodeUncompressed(dnssearch);
        this.restrict = restrict;
    }

    @Override
    public void icmpv6(MacAddress srcMac, Ipv6Address src, Ipv6Address dst, Icmpv6Packet msg, long now) {
        advertise();
        heard(now);
    }

    /**
     * The guest sent a frame: from the first one on, unsolicited advertisements are due. Not from
     * start-up (libslirp's timer starts with it), because no clock is known then; and not only
     * after a solicitation, which a guest sends at boot and not to a helper restarted under it.
     */
    public void heard(long now) {
        if (nextUnsolicited == NONE) {
            nextUnsolicited = now + interval();
        }
    }

    @Override
    public long nextDeadline() {
        return nextUnsolicited;
    }

    @Override
    public void poll(long now) {
        if (now >= nextUnsolicited) {
            advertise();
            nextUnsolicited = now + interval();
        }
    }

    private static long interval() {
        return ThreadLocalRandom.current().nextLong(MIN_INTERVAL_NANOS, MAX_INTERVAL_NANOS + 1);
    }

    /** Sends one RA to all nodes. */
    private void advertise() {
        int dnsslLen = dnssl == null ? 0 : (8 + dnssl.length + 7) / 8 * 8;
        int len = Icmpv6Packet.RA_LEN + 8 /* source LL */ + 8 /* MTU */ + 32 /* prefix */
                + (restrict ? 0 : 24 /* RDNSS with one address */) + (restrict ? 0 : dnsslLen);
        ByteBuf out = router.newIpv6Frame(MacAddress.fromLong(0x3333_0000_0001L), Router.LINK_LOCAL, Router.ALL_NODES,
                IpProtocol.ICMPV6, len, 255);
        int at = EthernetPacket.HEADER_LEN + Ipv6Packet.HEADER_LEN;
        int p = at;
        out.setByte(p, Icmpv6Packet.TYPE_ROUTER_ADVERTISEMENT);
        out.setByte(p + 4, 64);                       // cur hop limit
        out.setByte(p + 5, 0x40);                     // O: other configuration by DHCPv6
        out.setShort(p + 6, restrict ? 0 : ROUTER_LIFETIME);   // restrict: not a default router
        p += Icmpv6Packet.RA_LEN;
        out.setByte(p, Icmpv6Packet.OPT_SOURCE_LINK_ADDR);
        out.setByte(p + 1, 1);
        Router.macFor6(Router.LINK_LOCAL).write(out, p + 2);   // what the frame comes from (libslirp: 52:56:00:00:00:02)
        p += 8;
        out.setByte(p, Icmpv6Packet.OPT_MTU);
        out.setByte(p + 1, 1);
        out.setInt(p + 4, mtu);
        p += 8;
        out.setByte(p, Icmpv6Packet.OPT_PREFIX_INFO);
        out.setByte(p + 1, 4);
        out.setByte(p + 2, prefixLen);
        out.setByte(p + 3, 0xC0);                     // L and A
        out.setInt(p + 4, VALID_LIFETIME);
        out.setInt(p + 8, PREFERRED_LIFETIME);
        prefix.write(out, p + 16);
        p += 32;
        if (!restrict) {
            out.setByte(p, Icmpv6Packet.OPT_RDNSS);
            out.setByte(p + 1, 3);
            out.setInt(p + 4, DNS_LIFETIME);
            dns6.write(out, p + 8);
            p += 24;
            if (dnssl != null) {
                out.setByte(p, Icmpv6Packet.OPT_DNSSL);
                out.setByte(p + 1, dnsslLen / 8);
                out.setInt(p + 4, DNS_LIFETIME);
                out.setBytes(p + 8, dnssl);
            }
        }
        new Icmpv6Packet().wrap(out, at, len).fillChecksum(Router.LINK_LOCAL, Router.ALL_NODES);
        router.sendFrame(out);
    }
}
