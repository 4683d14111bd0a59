package io.netfabric.wire;

import io.netfabric.wire.arp.ArpOperation;
import io.netfabric.wire.arp.ArpRepr;
import io.netfabric.wire.ethernet.EtherType;
import io.netfabric.wire.ethernet.EthernetRepr;
import io.netfabric.wire.ipv4.Ipv4Repr;
import io.netfabric.wire.udp.UdpRepr;
import java.util.SplittableRandom;

/** Seeded generators of valid values and reprs for the round-trip properties. */
public final class Arbitrary {
    private static final EtherType[] TYPES = {EtherType.IPV4, EtherType.ARP, EtherType.RARP, EtherType.IPV6};

    private Arbitrary() {
    }

    public static MacAddress mac(SplittableRandom rng) {
        return MacAddress.fromLong(rng.nextLong() & 0xFFFF_FFFF_FFFFL);
    }

    public static Ipv4Address ipv4(SplittableRandom rng) {
        return Ipv4Address.fromInt(rng.nextInt());
    }

    public static Ipv6Address ipv6(SplittableRandom rng) {
        return Ipv6Address.of(rng.nextLong(), rng.nextLong());
    }

    public static EthernetRepr ethernet(SplittableRandom rng) {
        int tci = rng.nextBoolean() ? EthernetRepr.UNTAGGED : rng.nextInt(0x10000);
        EtherType type;
        if (rng.nextInt(4) == 0) {
            int v;
            do {
                v = rng.nextInt(0x10000);
            } while (tci == EthernetRepr.UNTAGGED && v == EtherType.VLAN.value());
            type = EtherType.valueOf(v);
        } else {
            type = TYPES[rng.nextInt(TYPES.length)];
        }
        return new EthernetRepr(mac(rng), mac(rng), type, tci);
    }

    public static ArpRepr arp(SplittableRandom rng) {
        ArpOperation op = ArpOperation.valueOf(rng.nextInt(5) == 0 ? rng.nextInt(0x10000) : 1 + rng.nextInt(4));
        return new ArpRepr(op, mac(rng), ipv4(rng), mac(rng), ipv4(rng));
    }

    public static Ipv4Repr ipv4Repr(SplittableRandom rng, int payloadLength) {
        return new Ipv4Repr(ipv4(rng), ipv4(rng), IpProtocol.valueOf(rng.nextInt(256)), payloadLength,
                rng.nextInt(256), rng.nextInt(64), rng.nextInt(4), rng.nextInt(0x10000), rng.nextBoolean(),
                rng.nextBoolean(), rng.nextInt(0x2000));
    }

    public static UdpRepr udp(SplittableRandom rng, int payloadLength) {
        return new UdpRepr(rng.nextInt(0x10000), rng.nextInt(0x10000), payloadLength);
    }

    public static byte[] bytes(SplittableRandom rng, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) rng.nextInt(256);
        }
        return b;
    }
}
