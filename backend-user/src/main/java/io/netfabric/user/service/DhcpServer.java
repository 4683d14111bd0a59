package io.netfabric.user.service;

import io.netfabric.user.ip.Router;
import io.netfabric.user.ip.StackDrop;
import io.netfabric.user.ip.UdpDatagram;
import io.netfabric.user.ip.UdpHandler;
import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.MacAddress;
import io.netfabric.wire.dhcp.DhcpPacket;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The DHCPv4/BOOTP server on UDP port 67 (RFC 2131, options RFC 2132), with libslirp's lease
 * model (bootp.c): {@link #LEASES} addresses from {@code dhcpstart}, one per client MAC, kept
 * until released.
 *
 * <p>Messages: DISCOVER gets an OFFER of the MAC's lease (or the first free one); REQUEST gets
 * an ACK when it asks for the MAC's lease (option 50 or ciaddr) and a NAK when it asks for
 * another address of ours that is not its own (RFC 2131 §4.3.2; with the server id RFC 2131
 * requires and libslirp's message option 56, "requested address not available"); RELEASE frees the lease;
 * INFORM gets an ACK without an address or lease time (§4.3.5). Options honour the parameter
 * request list (55) and the client's maximum message size (57); with {@code restrict=on} the
 * router (3) and DNS (6) options are left out, as libslirp does.
 */
public final class DhcpServer implements UdpHandler {
    public static final int LEASES = 16;
    /** libslirp's lease time: 24 hours (bootp.c LEASE_TIME). */
    public static final int LEASE_SECONDS = 24 * 3600;
    static final int SERVER_PORT = 67;
    private static final byte[] NAK_MESSAGE = "requested address not available".getBytes(StandardCharsets.US_ASCII);
    /** Option 60 for an http:// bootfile: what UEFI HTTP boot asks of the server. */
    private static final byte[] HTTP_CLIENT = "HTTPClient".getBytes(StandardCharsets.US_ASCII);
    static final int CLIENT_PORT = 68;

    /** Everything the server announces. */
    public record Settings(Ipv4Address net, int prefixLen, Ipv4Address host, Ipv4Address dns, Ipv4Address start,
                           boolean restrict, String hostname, String domainname, List<String> dnssearch,
                           String tftpServerName, String bootfile, int mtu) {
    }

    private final Router router;
    private final Settings s;
    private final MacAddress[] leases = new MacAddress[LEASES];
    private final byte[] searchOption;
    private final DhcpPacket in = new DhcpPacket();

    public DhcpServer(Router router, Settings settings) {
        this.router = router;
        this.s = settings;
        this.searchOption = settings.dnssearch().isEmpty() ? null : DomainSearch.encode(settings.dnssearch());
    }

    /** The lease of {@code mac}, or null. */
    public Ipv4Address leaseOf(MacAddress mac) {
        int i = find(mac);
        return i < 0 ? null : address(i);
    }

    /** The address of the first lease taken, or null: what the guest's hostname resolves to. */
    public Ipv4Address firstLease() {
        for (int i = 0; i < LEASES; i++) {
            if (leases[i] != null) {
                return address(i);
            }
        }
        return null;
    }

    private Ipv4Address address(int i) {
        return Ipv4Address.fromInt(s.start().toInt() + i);
    }

    private int find(MacAddress mac) {
        for (int i = 0; i < LEASES; i++) {
            if (mac.equals(leases[i])) {
                return i;
            }
        }
        return -1;
    }

    private int allocate(MacAddress mac) {
        int i = find(mac);
        if (i >= 0) {
            return i;
        }
        for (i = 0; i < LEASES; i++) {
            if (leases[i] == null) {
                leases[i] = mac;
                router.counters().dhcpLeases++;
                return i;
            }
        }
        return -1;
    }

    /**
     * Gives lease {@code i} to {@code mac} when it is free or already that client's, freeing the
     * client's other lease; -1 (and nothing changed) when {@code i} is -1 or another client's.
     */
    private int take(int i, MacAddress mac) {
        if (i < 0 || (leases[i] != null && !leases[i].equals(mac))) {
            return -1;
        }
        int own = find(mac);
        if (own >= 0 && own != i) {
            leases[own] = null;
        }
        if (leases[i] == null) {
            router.counters().dhcpLeases++;
        }
        leases[i] = mac;
        return i;
    }

    private int indexOf(Ipv4Address a) {
        long i = (a.toInt() & 0xFFFF_FFFFL) - (s.start().toInt() & 0xFFFF_FFFFL);
        return i >= 0 && i < LEASES ? (int) i : -1;
    }

    @Override
    public boolean datagram(UdpDatagram d, long now) {
        if (d.isIpv6()) {
            return false;
        }
        if (!in.wrapChecked(d.buf(), d.payloadOffset(), d.payloadLength())) {
            router.counters().drop(StackDrop.MALFORMED);
            return true;
        }
        if (in.op() != DhcpPacket.OP_REQUEST || in.htype() != 1 || in.hlen() != 6) {
            router.counters().drop(StackDrop.SERVICE_REFUSED);
            return true;
        }
        MacAddress mac = in.chaddr();
        int type = in.messageType();
        switch (type) {
            case DhcpPacket.DISCOVER, 0 -> {
                // type 0: plain BOOTP (RFC 951), answered like a DISCOVER with a BOOTREPLY.
                // RFC 2131 §4.3.1 and libslirp's request_addr(): a requested address of the pool
                // that is free, or this client's, is the one offered.
                Ipv4Address want = type == 0 ? null : in.addressOption(DhcpPacket.OPT_REQUESTED_IP);
                int i = want == null ? -1 : take(indexOf(want), mac);
                if (i < 0) {
                    i = allocate(mac);
                }
                if (i < 0) {
                    router.counters().drop(StackDrop.TABLE_FULL);
                    return true;
                }
                reply(type == 0 ? 0 : DhcpPacket.OFFER, address(i), mac, d);
            }
            case DhcpPacket.REQUEST -> {
                Ipv4Address want = in.addressOption(DhcpPacket.OPT_REQUESTED_IP);
                if (want == null) {
                    want = in.ciaddr();
                }
                Ipv4Address serverId = in.addressOption(DhcpPacket.OPT_SERVER_ID);
                if (serverId != null && !serverId.equals(s.host())) {
                    return true;   // §4.3.2: the client chose another server
                }
                int own = find(mac);
                if (take(indexOf(want), mac) >= 0) {
                    reply(DhcpPacket.ACK, want, mac, d);
                } else if (want.isUnspecified() && (own >= 0 || (own = allocate(mac)) >= 0)) {
                    // No address asked for: the client's lease, or a new one for a client that
                    // remembers an address we never gave (libslirp's "windows fix" in bootp.c).
                    reply(DhcpPacket.ACK, address(own), mac, d);
                } else {
                    reply(DhcpPacket.NAK, Ipv4Address.ANY, mac, d);
                }
            }
            case DhcpPacket.RELEASE, DhcpPacket.DECLINE -> {
                int own = find(mac);
                if (own >= 0) {
                    leases[own] = null;
                }
            }
            case DhcpPacket.INFORM -> reply(DhcpPacket.ACK, null, mac, d);
            default -> router.counters().drop(StackDrop.SERVICE_REFUSED);
        }
        return true;
    }

    /** {@code yiaddr} null: an INFORM answer (no address, no lease time). */
    private void reply(int type, Ipv4Address yiaddr, MacAddress mac, UdpDatagram d) {
        int max = Math.max(576, in.maxMessageSize()) - 20 - 8;
        ByteBuf out = router.alloc().buffer(Math.max(DhcpPacket.MIN_LEN, 548));
        try {
            out.writeZero(DhcpPacket.OPTIONS);
            DhcpPacket p = new DhcpPacket().wrap(out, 0, DhcpPacket.OPTIONS);
            boolean inform = yiaddr == null;
            Ipv4Address ciaddr = inform ? in.ciaddr() : Ipv4Address.ANY;
            p.setReplyHeader(in.xid(), in.flags(), ciaddr, inform ? Ipv4Address.ANY : yiaddr, s.host(), mac);
            if (s.bootfile() != null && type != DhcpPacket.NAK) {
                p.setFile(s.bootfile().getBytes(StandardCharsets.UTF_8));
            }
            if (type != 0) {
                option(out, DhcpPacket.OPT_MESSAGE_TYPE, new byte[] {(byte) type});
                option(out, DhcpPacket.OPT_SERVER_ID, s.host().toBytes());
            }
            if (type == DhcpPacket.NAK) {
                // libslirp's reason (bootp.c), which clients such as dhclient print.
                option(out, DhcpPacket.OPT_MESSAGE, NAK_MESSAGE);
            } else {
                byte[] prl = in.parameterRequestList();
                // RFC 2131 §4.3.1: the server's own order when no list is given; ours is libslirp's.
                int[] order = {DhcpPacket.OPT_SUBNET_MASK, DhcpPacket.OPT_ROUTER, DhcpPacket.OPT_DNS,
                        DhcpPacket.OPT_LEASE_TIME, DhcpPacket.OPT_HOSTNAME, DhcpPacket.OPT_DOMAIN_NAME,
                        DhcpPacket.OPT_MTU, DhcpPacket.OPT_TFTP_SERVER_NAME, DhcpPacket.OPT_BOOTFILE_NAME,
                        DhcpPacket.OPT_DOMAIN_SEARCH, DhcpPacket.OPT_VENDOR_CLASS_ID};
                for (int code : order) {
                    if (prl.length > 0 && !contains(prl, code) && !alwaysSent(code)) {
                        continue;
                    }
                    byte[] v = value(code, inform);
                    if (v != null && out.writerIndex() + 2 + v.length + 1 <= max) {
                        option(out, code, v);
                    }
                }
            }
            out.writeByte(DhcpPacket.OPT_END);
            if (out.writerIndex() < DhcpPacket.MIN_LEN) {
                out.writeZero(DhcpPacket.MIN_LEN - out.writerIndex());
            }
            // RFC 2131 §4.1: broadcast when the client asked for it or has no address yet.
            boolean broadcast = (in.flags() & DhcpPacket.FLAG_BROADCAST) != 0 || type == DhcpPacket.NAK
                    || (yiaddr != null && in.ciaddr().isUnspecified());
            Ipv4Address to = broadcast ? Ipv4Address.BROADCAST : yiaddr != null ? yiaddr : in.ciaddr();
            MacAddress toMac = broadcast ? MacAddress.BROADCAST : mac;
            router.sendUdp(toMac, new InetSocketAddress(Router.inet(s.host()), SERVER_PORT),
                    new InetSocketAddress(Router.inet(to), CLIENT_PORT), out, 0, out.writerIndex());
        } finally {
            out.release();
        }
    }

    /** Options a client gets whether or not it asked (libslirp sends these unconditionally). */
    private static boolean alwaysSent(int code) {
        return code == DhcpPacket.OPT_SUBNET_MASK || code == DhcpPacket.OPT_LEASE_TIME
                || code == DhcpPacket.OPT_VENDOR_CLASS_ID;
    }

    private byte[] value(int code, boolean inform) {
        switch (code) {
            case DhcpPacket.OPT_SUBNET_MASK:
                return Ipv4Address.fromInt(Ipv4Address.netmask(s.prefixLen())).toBytes();
            case DhcpPacket.OPT_ROUTER:
                return s.restrict() ? null : s.host().toBytes();
            case DhcpPacket.OPT_DNS:
                return s.restrict() ? null : s.dns().toBytes();
            case DhcpPacket.OPT_LEASE_TIME:
                return inform ? null : new byte[] {0, 1, 0x51, (byte) 0x80};
            case DhcpPacket.OPT_HOSTNAME:
                return bytes(s.hostname());
            case DhcpPacket.OPT_DOMAIN_NAME:
                return bytes(s.domainname());
            case DhcpPacket.OPT_MTU:
                return new byte[] {(byte) (s.mtu() >>> 8), (byte) s.mtu()};
            case DhcpPacket.OPT_TFTP_SERVER_NAME:
                return bytes(s.tftpServerName());
            case DhcpPacket.OPT_BOOTFILE_NAME:
                return bytes(s.bootfile());
            case DhcpPacket.OPT_DOMAIN_SEARCH:
                return searchOption;
            case DhcpPacket.OPT_VENDOR_CLASS_ID:
                // UEFI HTTP boot: the server answers an HTTP boot client with class "HTTPClient"
                // (UEFI 2.x §24.7); libslirp 4.7 sends it whenever the bootfile is an http:// URL.
                return s.bootfile() != null && s.bootfile().startsWith("http://") ? HTTP_CLIENT : null;
            default:
                return null;
        }
    }

    private static byte[] bytes(String v) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        return b.length > 255 ? java.util.Arrays.copyOf(b, 255) : b;
    }

    /** Writes one option; values over 255 octets are split into several (RFC 3396), as 119 may need. */
    private static void option(ByteBuf out, int code, byte[] v) {
        int at = 0;
        do {
            int n = Math.min(255, v.length - at);
            out.writeByte(code).writeByte(n).writeBytes(v, at, n);
            at += n;
        } while (at < v.length);
    }

    private static boolean contains(byte[] list, int code) {
        for (byte b : list) {
            if ((b & 0xFF) == code) {
                return true;
            }
        }
        return false;
    }
}
