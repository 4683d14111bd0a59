/**
 * The virtio-net header ({@link io.netfabric.wire.virtio.VirtioNetHeader}) that taps with
 * {@code IFF_VNET_HDR} and virtio-net NICs exchange before each frame.
 *
 * <h2>Theory of operation</h2>
 * The header says how the frame that follows was offloaded: a partial checksum to complete
 * ({@code NEEDS_CSUM}, {@code csum_start}/{@code csum_offset}) and, for a GSO frame, the segment
 * size and protocol the receiver must cut it into. A reader that cannot take offloaded frames
 * completes the checksum and segments the frame itself; a writer with nothing offloaded sends an
 * all-zero header (QEMU net/tap.c {@code tap_receive} for a peer without a header).
 */
package io.netfabric.wire.virtio;
