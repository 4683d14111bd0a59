package io.netfabric.wire.pcap;

/**
 * Constants of the classic libpcap file format (draft-ietf-opsawg-pcap, "PCAP Capture File
 * Format"; tcpdump.org linktypes).
 *
 * <pre>
 * File header, 24 octets, in the writer's byte order:
 *   magic 0xA1B2C3D4 (µs) or 0xA1B23C4D (ns) | version 2.4 (u16, u16) | thiszone (i32, 0)
 *   sigfigs (u32, 0) | snaplen (u32) | linktype (u32, 1 = Ethernet)
 * Record header, 16 octets, then caplen octets of frame:
 *   ts_sec (u32) | ts_usec or ts_nsec (u32) | caplen (u32) = min(len, snaplen) | len (u32)
 * </pre>
 */
public final class PcapFormat {
    public static final int MAGIC_MICROS = 0xA1B2C3D4;
    public static final int MAGIC_NANOS = 0xA1B23C4D;
    public static final int VERSION_MAJOR = 2;
    public static final int VERSION_MINOR = 4;
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int FILE_HEADER_LEN = 24;
    public static final int RECORD_HEADER_LEN = 16;
    /** QEMU filter-dump's default {@code maxlen}. */
    public static final int DEFAULT_SNAPLEN = 65536;

    private PcapFormat() {
    }
}
