package io.netfabric.user.ip;

/** Why the user-mode stack dropped something a guest sent; each has its own counter. */
public enum StackDrop {
    /** A header that did not parse: bad lengths, version, options. */
    MALFORMED,
    /** An IPv4 header, UDP, ICMP or ICMPv6 checksum that did not verify. */
    BAD_CHECKSUM,
    /** Not addressed to us and not something we route (other MACs, unknown EtherTypes). */
    NOT_FOR_US,
    /** A protocol the stack does not serve yet (TCP before part 2, IPv6 extension headers). */
    UNSUPPORTED_PROTOCOL,
    /** A fragment that overlapped another, or a reassembly that would exceed 65535 octets. */
    BAD_FRAGMENT,
    /** Reassembly state full or timed out. */
    REASSEMBLY_LIMIT,
    /** Longer than the link MTU. */
    TOO_BIG,
    /** restrict=on forbids the destination. */
    RESTRICTED,
    /** A service refused the request (bad DHCP, bad DNS query, bad TFTP packet). */
    SERVICE_REFUSED,
    /** A bounded table (DNS queries, NAT flows, TFTP transfers) was full. */
    TABLE_FULL,
    /** No neighbour entry for the guest address a reply was for. */
    NO_NEIGHBOUR;

    static final StackDrop[] VALUES = values();
}
