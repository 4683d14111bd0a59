package io.netfabric.tap;

/** The TUN/TAP ioctls and flags (Linux {@code include/uapi/linux/if_tun.h}; behaviour notes §4.1). */
final class TunIoctl {
    static final long TUNSETIFF = 0x400454caL;
    static final long TUNGETFEATURES = 0x800454cfL;
    static final long TUNSETOFFLOAD = 0x400454d0L;
    static final long TUNGETIFF = 0x800454d2L;
    static final long TUNSETSNDBUF = 0x400454d4L;
    static final long TUNGETVNETHDRSZ = 0x800454d7L;
    static final long TUNSETVNETHDRSZ = 0x400454d8L;

    static final int IFF_TAP = 0x0002;
    static final int IFF_MULTI_QUEUE = 0x0100;
    static final int IFF_NO_PI = 0x1000;
    static final int IFF_ONE_QUEUE = 0x2000;
    static final int IFF_VNET_HDR = 0x4000;

    static final int TUN_F_CSUM = 0x01;
    static final int TUN_F_TSO4 = 0x02;
    static final int TUN_F_TSO6 = 0x04;
    static final int TUN_F_TSO_ECN = 0x08;

    /** {@code linux/sockios.h}. */
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final long SIOCGIFMTU = 0x8921;
    static final long SIOCSIFMTU = 0x8922;
    static final long SIOCGIFINDEX = 0x8933;
    static final long SIOCBRADDIF = 0x89a2;
    static final int IFF_UP = 0x1;

    private TunIoctl() {
    }
}
