package io.netfabric.wire.dhcp;

import io.netfabric.wire.Malformed;
import io.netty.buffer.ByteBuf;

/**
 * Flyweight view of a DHCPv6 client/server message (RFC 8415 §8, options §21).
 *
 * <pre>
 * +---------------+-----------------------------------------------+
 * |  msg-type (1) |              transaction-id (3)               |
 * +---------------+-----------------------------------------------+
 * |  option-code (2)              |  option-len (2)               |
 * |  option-data (option-len) ... then the next option            |
 * +---------------------------------------------------------------+
 * </pre>
 */
public final class Dhcpv6Packet {
    public static final int HEADER_LEN = 4;
    public static final int SOLICIT = 1;
    public static final int ADVERTISE = 2;
    public static final int REQUEST = 3;
    public static final int REPLY = 7;
    public static final int INFORMATION_REQUEST = 11;
    public static final int OPT_CLIENTID = 1;
    public static final int OPT_SERVERID = 2;
    public static final int OPT_ORO = 6;
    public static final int OPT_STATUS_CODE = 13;
    public static final int OPT_DNS_SERVERS = 23;
    public static final int OPT_DOMAIN_LIST = 24;
    /** RFC 5970 §3.1: the boot file as a URL. */
    public static final int OPT_BOOTFILE_URL = 59;
    public static final int STATUS_NO_ADDRS_AVAIL = 2;

    private ByteBuf buf;
    private int offset;
    private int length;
    private Malformed malformed;

    /** Wraps after checking the header and that every option stays inside the region. */
    public boolean wrapChecked(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.offset = offset;
        this.length = length;
        malformed = check();
        return malformed == null;
    }

    private Malformed check() {
        if (offset < 0 || length < HEADER_LEN || (long) offset + length > buf.capacity()) {
            return Malformed.TRUNCATED;
        }
        int at = HEADER_LEN;
        while (at < length) {
            if (at + 4 > length || at + 4 + buf.getUnsignedShort(offset + at + 2) > length) {
                return Malformed.BAD_OPTION;
            }
            at += 4 + buf.getUnsignedShort(offset + at + 2);
        }
        return null;
    }

    public Malformed malformed() {
        return malformed;
    }

    public int msgType() {
        return buf.getUnsignedByte(offset);
    }

    public int transactionId() {
        return buf.getInt(offset) & 0xFFFFFF;
    }

    /** Absolute index of the option-len field of the first option {@code code}, or -1. */
    public int findOption(int code) {
        int at = HEADER_LEN;
        while (at + 4 <= length) {
            int len = buf.getUnsignedShort(offset + at + 2);
            if (buf.getUnsignedShort(offset + at) == code) {
                return offset + at + 2;
            }
            at += 4 + len;
        }
        return -1;
    }

    /** True when the Option Request option lists {@code code} (RFC 8415 §21.7). */
    public boolean requests(int code) {
        int at = findOption(OPT_ORO);
        if (at < 0) {
            return false;
        }
        int len = buf.getUnsignedShort(at);
        for (int i = 2; i + 1 < 2 + len; i += 2) {
            if (buf.getUnsignedShort(at + i) == code) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return buf == null || check() != null ? "Dhcpv6Packet(malformed)"
                : "DHCPv6 type " + msgType() + " xid 0x" + Integer.toHexString(transactionId());
    }
}
