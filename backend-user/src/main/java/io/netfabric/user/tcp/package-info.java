/**
 * The guest-facing TCP of the user-mode stack (RFC 9293).
 *
 * <h2>Theory of operation</h2>
 * {@link io.netfabric.user.tcp.TcpConnection} is one connection as a pure state machine: segments
 * from the guest and events from the host go in with the time, segments to the guest and data to
 * the host come out through two small interfaces ({@code GuestSide}, {@code HostSide}), and
 * {@code nextDeadline()} names the next timer. Sequence numbers are unwrapped to 64-bit counters,
 * so no comparison is modular. The send buffer is a composite of the host's reads, cut into
 * segments when sent and dropped as the guest acknowledges; the receive side hands in-order data
 * straight to the host as retained slices of the guest's frames (no copy) and keeps
 * out-of-order segments, reported back as SACK blocks.
 *
 * <p>Opening from the guest holds the SYN in {@code LISTEN} until the host's connect() answers,
 * so the guest sees a RST when the host refuses (and an ICMP unreachable, sent by the NAT, when
 * there is no route) rather than a connection that resets later, as libslirp does. Opening
 * towards the guest (hostfwd) sends our SYN at once.
 *
 * <p>Back-pressure: the window offered to the guest is the receive buffer (4 MiB) less what the
 * host socket has not taken; the host is not read while the send buffer holds more than twice
 * the guest's window (at least 256 KiB); nothing is sent while the link to the guest is busy, and
 * the link's drain wakes the sender.
 */
package io.netfabric.user.tcp;
