package io.netfabric.wire;

/**
 * Why a view refused a packet or a repr refused to parse it. A drop site counts the reason and
 * moves on; no exception is raised per packet (STYLE habit 2).
 */
public enum Malformed {
    /** The buffer is shorter than the fixed header or than a length the header claims. */
    TRUNCATED,
    /** The version field is not the one the view parses (IPv4: not 4). */
    BAD_VERSION,
    /** A header length field is below its minimum (IPv4 IHL &lt; 5). */
    BAD_HEADER_LENGTH,
    /** A total or datagram length field is smaller than the header it covers. */
    BAD_LENGTH,
    /** A checksum did not verify. */
    BAD_CHECKSUM,
    /** An option or record inside the packet runs past its region or has an impossible length (DHCP, NDP, TFTP). */
    BAD_OPTION,
    /** Well-formed, but a variant this view does not parse (ARP over a non-Ethernet/IPv4 pair). */
    UNSUPPORTED;

    /** Counter-friendly name, e.g. {@code bad_checksum}. */
    public String counterName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
