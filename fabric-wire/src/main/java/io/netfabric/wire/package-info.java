/**
 * Wire formats: the values every protocol shares (addresses, {@link io.netfabric.wire.IpProtocol}),
 * the Internet checksum, and the parse-result vocabulary. The per-protocol views and reprs live in
 * the sub-packages.
 *
 * <h2>Theory of operation</h2>
 * Every protocol has two faces, after smoltcp. A <em>view</em> ({@code XxxPacket}) is a reusable
 * flyweight over a Netty {@code ByteBuf} at an offset: {@code wrapChecked(buf, offset, len)}
 * validates every length once and returns false with a {@link io.netfabric.wire.Malformed} reason
 * instead of throwing; after it returns true no accessor can fail. Views index absolutely, never
 * move reader or writer indices, never retain or release, and allocate nothing themselves, so one
 * instance per handler serves every frame. A <em>repr</em> ({@code XxxRepr}) is an immutable
 * record read from a checked view by {@code parse} (semantic failures such as a bad checksum come
 * back as a {@link io.netfabric.wire.ParseResult}) and written into a view by {@code emit},
 * header by header, front to back, checksums last.
 *
 * <p>Non-goals: I/O, buffer ownership, reassembly, any protocol state. This module depends on
 * netty-buffer only. Nothing here is thread safe; values (addresses, wire numbers, reprs) are
 * immutable and may be shared.
 */
package io.netfabric.wire;
