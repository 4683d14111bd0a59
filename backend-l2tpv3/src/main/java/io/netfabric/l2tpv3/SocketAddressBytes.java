package io.netfabric.l2tpv3;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A {@code struct sockaddr_in} or {@code sockaddr_in6} exactly as getaddrinfo returned it, so a
 * raw socket binds and sends to what QEMU would, and a Netty channel gets the same address.
 */
record SocketAddressBytes(int family, byte[] bytes) {
    SocketAddressBytes {
        bytes = bytes.clone();
    }

    /** The address with its port (sin_port is big-endian at offset 2; 0 for raw sockets). */
    InetSocketAddress toInetSocketAddress() {
        int port = ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
        byte[] ip = family == Libc.AF_INET ? Arrays.copyOfRange(bytes, 4, 8) : Arrays.copyOfRange(bytes, 8, 24);
        try {
            InetAddress a = family == Libc.AF_INET6
                    ? java.net.Inet6Address.getByAddress(null, ip, scopeId())
                    : InetAddress.getByAddress(ip);
            return new InetSocketAddress(a, port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // only for a wrong length, which getaddrinfo never gives
        }
    }

    private int scopeId() {
        return bytes.length >= 28
                ? (bytes[24] & 0xff) | (bytes[25] & 0xff) << 8 | (bytes[26] & 0xff) << 16 | (bytes[27] & 0xff) << 24
                : 0;
    }

    /** A native copy for bind/sendto; the caller keeps it as long as it uses it. */
    Pointer toNative() {
        Pointer p = Memory.allocateDirect(Libc.Holder.RUNTIME, bytes.length, true);
        p.put(0, bytes, 0, bytes.length);
        return p;
    }

    /**
     * QEMU's lookups in net_init_l2tpv3: getaddrinfo with the family from {@code ipv6}, the
     * socket type from {@code udp}, and {@code port} as the service (null over IP). Answers the
     * first result; throws {@link LookupFailure} carrying gai_strerror's text.
     */
    static SocketAddressBytes lookup(String host, String port, boolean ipv6, boolean udp) {
        Libc libc = Libc.Holder.LIBC;
        Pointer hints = Memory.allocateDirect(Libc.Holder.RUNTIME, 48, true);
        // struct addrinfo (x86-64/aarch64): flags@0, family@4, socktype@8, protocol@12,
        // addrlen@16, addr@24, canonname@32, next@40.
        hints.putInt(4, ipv6 ? Libc.AF_INET6 : Libc.AF_INET);
        hints.putInt(8, udp ? Libc.SOCK_DGRAM : Libc.SOCK_RAW);
        hints.putInt(12, udp ? 0 : Libc.IPPROTO_L2TP);
        jnr.ffi.byref.PointerByReference res = new jnr.ffi.byref.PointerByReference();
        int rc = libc.getaddrinfo(host, udp ? port : null, hints, res);
        // res is only written on success: never read or free it otherwise.
        Pointer first = rc == 0 ? res.getValue() : null;
        if (first == null) {
            throw new LookupFailure(libc.gai_strerror(rc));
        }
        try {
            int family = first.getInt(4);
            int len = first.getInt(16);
            byte[] sa = new byte[len];
            first.getPointer(24).get(0, sa, 0, len);
            return new SocketAddressBytes(family, sa);
        } finally {
            libc.freeaddrinfo(first);
        }
    }

    /** getaddrinfo refused; the message is gai_strerror's. */
    static final class LookupFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LookupFailure(String gaiMessage) {
            super(gaiMessage, null, false, false);
        }
    }
}
