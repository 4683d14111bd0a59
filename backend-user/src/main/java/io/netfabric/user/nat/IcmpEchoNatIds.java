package io.netfabric.user.nat;

/** Numbers the echo NAT and its native adapter share. */
public final class IcmpEchoNatIds {
    /** The echo identifier on a raw socket: replies carrying another are some other program's. */
    public static final int RAW_ID = 0x4e46;

    private IcmpEchoNatIds() {
    }
}
