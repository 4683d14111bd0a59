/**
 * The classic libpcap file format: {@link io.netfabric.wire.pcap.PcapWriter} for captures
 * ({@code filter-dump}), {@link io.netfabric.wire.pcap.PcapReader} for tests and tools.
 *
 * <h2>Theory of operation</h2>
 * The writer matches QEMU's {@code net/dump.c}: host byte order, microsecond timestamps, linktype
 * Ethernet, records truncated to snaplen with the original length kept. It takes the capture time
 * from its caller and copies each frame into one reused staging buffer, so capture on the data
 * loop allocates nothing per frame. The reader accepts both byte orders and the nanosecond magic.
 * pcapng is not supported.
 */
package io.netfabric.wire.pcap;
