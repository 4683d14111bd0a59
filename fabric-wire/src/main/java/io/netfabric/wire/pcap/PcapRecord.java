package io.netfabric.wire.pcap;

/**
 * One record of a pcap file.
 *
 * @param timestampNanos capture time in nanoseconds since the Unix epoch
 * @param originalLength the frame's length on the wire ({@code len})
 * @param data the captured octets ({@code caplen} of them)
 */
public record PcapRecord(long timestampNanos, int originalLength, byte[] data) {
    public int capturedLength() {
        return data.length;
    }

    public long timestampMicros() {
        return Math.floorDiv(timestampNanos, 1000L);
    }
}
