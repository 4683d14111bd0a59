package io.netfabric.user.nat;

import io.netfabric.user.ip.Router;
import io.netfabric.user.ip.StackDrop;
import io.netfabric.wire.MacAddress;
import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ICMP echo to addresses other than the router's. The router answers its own addresses itself;
 * everything else would need a host ping socket (SOCK_DGRAM/IPPROTO_ICMP, allowed by
 * {@code net.ipv4.ping_group_range}) or a raw socket. Until those are wired (see the module
 * README), requests are dropped and counted with one log line: never a forged reply from an
 * address that did not answer.
 */
public final class IcmpEchoNat implements Router.EchoHandler {
    private static final Logger log = LoggerFactory.getLogger(IcmpEchoNat.class);

    private final Router router;
    private final boolean restrict;
    private boolean logged;

    public IcmpEchoNat(Router router, boolean restrict) {
        this.router = router;
        this.restrict = restrict;
    }

    @Override
    public void echo(MacAddress srcMac, InetAddress src, InetAddress dst, int id, int seq, ByteBuf buf, int dataOffset,
                     int dataLength, int ttl, long now) {
        if (restrict) {
            router.counters().drop(StackDrop.RESTRICTED);
            return;
        }
        if (!logged) {
            logged = true;
            log.info("user netdev: ICMP echo is answered for the virtual host and DNS addresses only; "
                    + "echo to {} and other outside addresses is not forwarded (no ping socket support yet)", dst.getHostAddress());
        }
        router.counters().drop(StackDrop.UNSUPPORTED_PROTOCOL);
    }
}
