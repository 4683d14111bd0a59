package io.netfabric.wire;

/**
 * Real frames, written out octet by octet. Checksums were computed independently of this module
 * (a few lines of Python over the same octets) and are part of the fixture.
 */
public final class GoldenFrames {
    private GoldenFrames() {
    }

    /** A QEMU guest (52:54:00:12:34:56, 10.0.2.15) asking for the slirp gateway 10.0.2.2. 42 octets, unpadded. */
    public static final byte[] ARP_REQUEST = Hex.bytes(""
            + "ffffffffffff | 525400123456 | 0806"          // Ethernet: broadcast <- guest, ARP
            + "0001 0800 06 04 0001"                          // hrd Ethernet, pro IPv4, hln 6, pln 4, op request
            + "525400123456 0a00020f"                         // sha, spa 10.0.2.15
            + "000000000000 0a000202");                       // tha unknown, tpa 10.0.2.2

    /** The slirp gateway's reply (52:55:0a:00:02:02 is-at), padded to the 60-octet minimum. */
    public static final byte[] ARP_REPLY_PADDED = Hex.bytes(""
            + "525400123456 | 52550a000202 | 0806"
            + "0001 0800 06 04 0002"
            + "52550a000202 0a000202"
            + "525400123456 0a00020f"
            + "000000000000000000000000000000000000");          // 18 octets of padding

    /** QEMU's announce-self: RARP request, sender = target = the NIC's MAC, addresses zero. */
    public static final byte[] RARP_ANNOUNCE = Hex.bytes(""
            + "ffffffffffff | 525400123456 | 8035"
            + "0001 0800 06 04 0003"
            + "525400123456 00000000"
            + "525400123456 00000000"
            + "000000000000000000000000000000000000");

    /** udhcpc's DHCPDISCOVER as a frame: Ethernet, IPv4 (tos 0, id 0, no DF, ttl 64), UDP 68 -> 67, 300-octet BOOTP. */
    public static final byte[] DHCP_DISCOVER = Hex.bytes(""
            + "ffffffffffff | 525400123456 | 0800"
            // IPv4: ver/ihl 45, tos 00, total 328, id 0, frag 0, ttl 64, proto 17, csum 79a6
            + "4500 0148 0000 0000 4011 79a6 00000000 ffffffff"
            // UDP: 68 > 67, length 308, checksum 8aa6
            + "0044 0043 0134 8aa6"
            // BOOTP: op 1, htype 1, hlen 6, hops 0, xid, secs 0, flags 0, ciaddr/yiaddr/siaddr/giaddr 0
            + "01 01 06 00 3903f326 0000 0000 00000000 00000000 00000000 00000000"
            + "525400123456 00000000000000000000"                              // chaddr
            + "00".repeat(64) + "00".repeat(128)                               // sname, file
            + "63825363"                                                       // magic cookie
            + "350101"                                                         // 53: DHCPDISCOVER
            + "3d0701525400123456"                                             // 61: client id
            + "39020240"                                                       // 57: max size 576
            + "3707010306 0c0f1c2a"                                            // 55: parameter list
            + "3c0c" + "756468637020312e33362e31"                              // 60: "udhcp 1.36.1"
            + "ff"                                                             // end
            + "00".repeat(20));                                                // udhcpc pads BOOTP to 300

    public static final int DHCP_DISCOVER_IP_OFFSET = 14;
    public static final int DHCP_DISCOVER_UDP_OFFSET = 34;

    /**
     * A tagged frame: VLAN 100, PCP 5, carrying IPv4 (header only the first 4 octets shown; the
     * Ethernet tests do not read past the EtherType).
     */
    public static final byte[] VLAN_TAGGED = Hex.bytes(""
            + "525400abcdef | 525400123456 | 8100 a064 | 0800"
            + "45000014");
}
