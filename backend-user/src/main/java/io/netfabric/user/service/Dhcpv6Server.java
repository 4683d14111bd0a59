package io.netfabric.user.service;

import io.netfabric.user.ip.Router;
import io.netfabric.user.ip.StackDrop;
import io.netfabric.user.ip.UdpDatagram;
import io.netfabric.user.ip.UdpHandler;
import io.netfabric.wire.Ipv6Address;
import io.netfabric.wire.dhcp.Dhcpv6Packet;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Stateless DHCPv6 (RFC 8415 §6.1, as libslirp's dhcpv6.c): an INFORMATION-REQUEST gets a REPLY
 * with the server id (DUID-LL of the router's MAC), the client's id echoed, the DNS server and
 * the search list, and the boot file URL when asked for it (RFC 5970; libslirp's
 * {@code tftp://[fec0::2]/FILE}, or the bootfile itself when it is already a URL). A SOLICIT gets
 * an ADVERTISE saying no addresses are available (addresses come from SLAAC). Served on UDP 547
 * from fe80::2.
 */
public final class Dhcpv6Server implements UdpHandler {
    public static final int SERVER_PORT = 547;

    private final Router router;
    private final Ipv6Address dns6;
    private final byte[] domains;
    private final boolean restrict;
    private final byte[] bootUrl;
    private final Dhcpv6Packet in = new Dhcpv6Packet();

    /** @param bootfile the {@code bootfile} option, or null; {@code host6} serves it by TFTP */
    public Dhcpv6Server(Router router, Ipv6Address dns6, List<String> dnssearch, boolean restrict, Ipv6Address host6,
                        String bootfile) {
        this.router = router;
        this.dns6 = dns6;
        this.domains = dnssearch.isEmpty() ? null : DomainSearch.encodeUncompressed(dnssearch);
        this.restrict = restrict;
        this.bootUrl = bootfile == null || bootfile.isEmpty() ? null
                : (bootfile.contains("://") ? bootfile : "tftp://[" + host6 + "]/" + bootfile)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public boolean datagram(UdpDatagram d, long now) {
        if (!d.isIpv6()) {
            return false;
        }
        if (!in.wrapChecked(d.buf(), d.payloadOffset(), d.payloadLength())) {
            router.counters().drop(StackDrop.MALFORMED);
            return true;
        }
        int type = in.msgType();
        if (type != Dhcpv6Packet.INFORMATION_REQUEST && type != Dhcpv6Packet.SOLICIT) {
            router.counters().drop(StackDrop.SERVICE_REFUSED);
            return true;
        }
        ByteBuf out = router.alloc().buffer(256);
        try {
            out.writeInt(((type == Dhcpv6Packet.SOLICIT ? Dhcpv6Packet.ADVERTISE : Dhcpv6Packet.REPLY) << 24)
                    | in.transactionId());
            int cid = in.findOption(Dhcpv6Packet.OPT_CLIENTID);
            if (cid >= 0) {
                int n = d.buf().getUnsignedShort(cid);
                out.writeShort(Dhcpv6Packet.OPT_CLIENTID).writeShort(n).writeBytes(d.buf(), cid + 2, n);
            }
            // DUID-LL (RFC 8415 §11.4): type 3, hardware type 1 (Ethernet), the MAC.
            out.writeShort(Dhcpv6Packet.OPT_SERVERID).writeShort(10).writeShort(3).writeShort(1);
            out.writeBytes(router.mac().toBytes());
            if (type == Dhcpv6Packet.SOLICIT) {
                out.writeShort(Dhcpv6Packet.OPT_STATUS_CODE).writeShort(2).writeShort(Dhcpv6Packet.STATUS_NO_ADDRS_AVAIL);
            }
            if (!restrict) {
                out.writeShort(Dhcpv6Packet.OPT_DNS_SERVERS).writeShort(16).writeBytes(dns6.toBytes());
                if (domains != null) {
                    out.writeShort(Dhcpv6Packet.OPT_DOMAIN_LIST).writeShort(domains.length).writeBytes(domains);
                }
            }
            if (bootUrl != null && in.requests(Dhcpv6Packet.OPT_BOOTFILE_URL)) {
                out.writeShort(Dhcpv6Packet.OPT_BOOTFILE_URL).writeShort(bootUrl.length).writeBytes(bootUrl);
            }
            router.sendUdp(d.srcMac(), new InetSocketAddress(Router.inet(Router.LINK_LOCAL), SERVER_PORT), d.src(),
                    out, 0, out.writerIndex());
        } finally {
            out.release();
        }
        return true;
    }
}
