/**
 * TFTP (RFC 1350, options RFC 2347/2348/2349, windowsize RFC 7440): {@link io.netfabric.wire.tftp.TftpRepr}.
 *
 * <h2>Theory of operation</h2>
 * TFTP packets are small and mostly strings, so there is only the repr face: {@code parse}
 * reads the opcode and the NUL-terminated strings (a request whose last string lacks its NUL
 * is refused, and at most 34 strings are read), and DATA stays in the caller's buffer.
 */
package io.netfabric.wire.tftp;
