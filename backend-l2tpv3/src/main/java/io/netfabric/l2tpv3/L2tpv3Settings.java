package io.netfabric.l2tpv3;

import io.netfabric.core.FabricException;
import io.netfabric.core.options.L2tpv3Options;
import io.netfabric.wire.l2tpv3.L2tpv3Layout;

/**
 * One l2tpv3 netdev's options checked and turned into what the data path needs, in the order and
 * with the messages of QEMU 7.2's net/l2tpv3.c {@code net_init_l2tpv3}. Address lookups and the
 * socket come later (the factory), as in QEMU.
 *
 * @param layout     the header both directions use (QEMU: one configuration for tx and rx)
 * @param pinCounter write 0 in the counter field (only with a counter; see the README's quirks)
 */
record L2tpv3Settings(
        L2tpv3Layout layout,
        boolean ipv6,
        long txSession,
        long rxSession,
        long txCookie,
        long rxCookie,
        boolean pinCounter) {

    static L2tpv3Settings of(L2tpv3Options o) {
        boolean ipv6 = Boolean.TRUE.equals(o.ipv6());
        long offset = o.offset() == null ? 0 : o.offset();
        if (offset > L2tpv3Layout.MAX_PADDING) {
            throw FabricException.generic("offset must be less than 256 bytes");
        }
        boolean cookie = o.txcookie() != null || o.rxcookie() != null;
        if (cookie && (o.txcookie() == null || o.rxcookie() == null)) {
            throw FabricException.generic("require both 'rxcookie' and 'txcookie' or neither");
        }
        // Quirk kept for interop: QEMU tests has_cookie64, so cookie64=off selects 64 bits too.
        boolean cookie64 = o.cookie64() != null;
        boolean udp = Boolean.TRUE.equals(o.udp());
        if (udp && (o.srcport() == null || o.dstport() == null)) {
            throw FabricException.generic("need both src and dst port for udp");
        }
        boolean counter = Boolean.TRUE.equals(o.counter());
        // Quirk kept for the wire: pincounter alone adds no counter field (QEMU only marks it present).
        boolean pin = Boolean.TRUE.equals(o.pincounter());
        int cookieLength = cookie ? (cookie64 ? 8 : 4) : 0;
        long txSession = o.txsession();
        long rxSession = o.rxsession() != null ? o.rxsession() : txSession;
        long txCookie = cookie ? o.txcookie() : 0;
        long rxCookie = cookie ? o.rxcookie() : 0;
        if (cookieLength == 4) {
            // Fixed: QEMU compares the 32 bits received with the whole 64-bit rxcookie, so an
            // rxcookie above 0xFFFFFFFF never matches; we compare the 32 bits that travel.
            rxCookie &= 0xFFFF_FFFFL;
            txCookie &= 0xFFFF_FFFFL;
        }
        return new L2tpv3Settings(new L2tpv3Layout(udp, cookieLength, counter, (int) offset), ipv6,
                txSession, rxSession, txCookie, rxCookie, pin && counter);
    }

    boolean udp() {
        return layout.udp();
    }
}
