package io.netfabric.wire.dhcp;

import io.netfabric.wire.Ipv4Address;
import io.netfabric.wire.MacAddress;
import io.netfabric.wire.Malformed;
import io.netfabric.wire.WireView;
import io.netty.buffer.ByteBuf;

/**
 * Flyweight view of a BOOTP/DHCP message (RFC 2131 §2, RFC 951; options RFC 2132).
 *
 * <pre>
 *  0                   1                   2                   3
 * +---------------+---------------+---------------+---------------+
 * |     op (1)    |   htype (1)   |   hlen (1)    |   hops (1)    |
 * +---------------+---------------+---------------+---------------+
 * |                            xid (4)                            |
 * +-------------------------------+-------------------------------+
 * |           secs (2)            |           flags (2)           |
 * +-------------------------------+-------------------------------+
 * |  ciaddr (4) | yiaddr (4) | siaddr (4) | giaddr (4)            |
 * +---------------------------------------------------------------+
 * |  chaddr (16) | sname (64) | file (128)                        |
 * +---------------------------------------------------------------+
 * |  magic cookie 99.130.83.99 (4) | options (variable)           |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Options are type-length-value with pad (0) and end (255) as single octets. Borrows its
 * buffer; not thread safe.
 */
public final class DhcpPacket extends WireView<DhcpPacket> {
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;
    public static final int FIXED_LEN = 236;
    public static final int COOKIE = 0x63825363;
    /** Fixed part plus the cookie: where options start. */
    public static final int OPTIONS = FIXED_LEN + 4;
    /** RFC 2131 §2: the smallest message a client must accept carries 312 octets of options. */
    public static final int MIN_LEN = 300;
    public static final int SNAME = 44;
    public static final int FILE = 108;
    public static final int FLAG_BROADCAST = 0x8000;

    public static final int OPT_PAD = 0;
    public static final int OPT_SUBNET_MASK = 1;
    public static final int OPT_ROUTER = 3;
    public static final int OPT_DNS = 6;
    public static final int OPT_HOSTNAME = 12;
    public static final int OPT_DOMAIN_NAME = 15;
    public static final int OPT_MTU = 26;
    public static final int OPT_REQUESTED_IP = 50;
    public static final int OPT_LEASE_TIME = 51;
    public static final int OPT_MESSAGE_TYPE = 53;
    public static final int OPT_SERVER_ID = 54;
    public static final int OPT_PARAMETER_LIST = 55;
    /** RFC 2132 §9.9: a text message, e.g. why a DHCPNAK was sent. */
    public static final int OPT_MESSAGE = 56;
    public static final int OPT_MAX_MESSAGE_SIZE = 57;
    /** Vendor class identifier (RFC 2132 §9.13). */
    public static final int OPT_VENDOR_CLASS_ID = 60;
    public static final int OPT_CLIENT_ID = 61;
    public static final int OPT_TFTP_SERVER_NAME = 66;
    public static final int OPT_BOOTFILE_NAME = 67;
    public static final int OPT_DOMAIN_SEARCH = 119;
    public static final int OPT_END = 255;

    public static final int DISCOVER = 1;
    public static final int OFFER = 2;
    public static final int REQUEST = 3;
    public static final int DECLINE = 4;
    public static final int ACK = 5;
    public static final int NAK = 6;
    public static final int RELEASE = 7;
    public static final int INFORM = 8;

    /**
     * Wraps {@code length} octets (the UDP payload) after checking the fixed part fits and that
     * every option stays inside the region. A message without the magic cookie (or too short for
     * it) is plain BOOTP whose vendor area is not RFC 1497's: valid, with no options (libslirp's
     * dhcp_decode takes it so too, and answers it).
     */
    @Override
    protected Malformed check() {
        if (!regionHolds(FIXED_LEN)) {
            return Malformed.TRUNCATED;
        }
        if (!hasCookie()) {
            return null;
        }
        // Every step advances at least one octet, so this walk ends on any input.
        int at = offset + OPTIONS;
        int end = offset + length;
        while (at < end) {
            int code = buf.getUnsignedByte(at);
            if (code == OPT_END) {
                return null;
            }
            if (code == OPT_PAD) {
                at++;
                continue;
            }
            if (at + 2 > end || at + 2 + buf.getUnsignedByte(at + 1) > end) {
                return Malformed.BAD_OPTION;
            }
            at += 2 + buf.getUnsignedByte(at + 1);
        }
        return null;
    }

    public int length() {
        return length;
    }

    public int op() {
        return buf.getUnsignedByte(offset);
    }

    public int htype() {
        return buf.getUnsignedByte(offset + 1);
    }

    public int hlen() {
        return buf.getUnsignedByte(offset + 2);
    }

    public int xid() {
        return buf.getInt(offset + 4);
    }

    public int flags() {
        return buf.getUnsignedShort(offset + 10);
    }

    public Ipv4Address ciaddr() {
        return Ipv4Address.read(buf, offset + 12);
    }

    public Ipv4Address yiaddr() {
        return Ipv4Address.read(buf, offset + 16);
    }

    public Ipv4Address siaddr() {
        return Ipv4Address.read(buf, offset + 20);
    }

    public Ipv4Address giaddr() {
        return Ipv4Address.read(buf, offset + 24);
    }

    /** The first six octets of chaddr: the client's Ethernet address. */
    public MacAddress chaddr() {
        return MacAddress.read(buf, offset + 28);
    }

    /**
     * Absolute index of the first option {@code code}'s length octet, or -1. Valid only after
     * {@link #wrapChecked} succeeded.
     */
    public int findOption(int code) {
        if (!hasCookie()) {
            return -1;
        }
        int at = offset + OPTIONS;
        int end = offset + length;
        while (at < end) {
            int c = buf.getUnsignedByte(at);
            if (c == OPT_END) {
                return -1;
            }
            if (c == OPT_PAD) {
                at++;
                continue;
            }
            if (c == code) {
                return at + 1;
            }
            at += 2 + buf.getUnsignedByte(at + 1);
        }
        return -1;
    }

    /** True when the vendor area starts with the RFC 1497 magic cookie: options follow. */
    public boolean hasCookie() {
        return length >= OPTIONS && buf.getInt(offset + FIXED_LEN) == COOKIE;
    }

    /** The DHCP message type (option 53), or 0 for plain BOOTP. */
    public int messageType() {
        int at = findOption(OPT_MESSAGE_TYPE);
        return at < 0 || buf.getUnsignedByte(at) < 1 ? 0 : buf.getUnsignedByte(at + 1);
    }

    /** An option whose value is one IPv4 address (50, 54), or null when absent or of another length. */
    public Ipv4Address addressOption(int code) {
        int at = findOption(code);
        return at < 0 || buf.getUnsignedByte(at) != 4 ? null : Ipv4Address.read(buf, at + 1);
    }

    /** Option 57, or 0 when absent or malformed. */
    public int maxMessageSize() {
        int at = findOption(OPT_MAX_MESSAGE_SIZE);
        return at < 0 || buf.getUnsignedByte(at) != 2 ? 0 : buf.getUnsignedShort(at + 1);
    }

    /** The option codes of option 55, or an empty array. */
    public byte[] parameterRequestList() {
        int at = findOption(OPT_PARAMETER_LIST);
        if (at < 0) {
            return new byte[0];
        }
        byte[] out = new byte[buf.getUnsignedByte(at)];
        buf.getBytes(at + 1, out);
        return out;
    }

    // ---------------------------------------------------------------- emission

    /** Zeroes the fixed part and writes the reply fields and the cookie; options follow at {@link #OPTIONS}. */
    public void setReplyHeader(int xid, int flags, Ipv4Address ciaddr, Ipv4Address yiaddr, Ipv4Address siaddr,
                               MacAddress chaddr) {
        buf.setZero(offset, OPTIONS);
        buf.setByte(offset, OP_REPLY);
        buf.setByte(offset + 1, 1);
        buf.setByte(offset + 2, MacAddress.LENGTH);
        buf.setInt(offset + 4, xid);
        buf.setShort(offset + 10, flags);
        ciaddr.write(buf, offset + 12);
        yiaddr.write(buf, offset + 16);
        siaddr.write(buf, offset + 20);
        chaddr.write(buf, offset + 28);
        buf.setInt(offset + FIXED_LEN, COOKIE);
    }

    /** Writes {@code name} (at most 127 octets, NUL-terminated) into the BOOTP file field. */
    public void setFile(byte[] name) {
        int n = Math.min(name.length, 127);
        buf.setBytes(offset + FILE, name, 0, n);
        buf.setByte(offset + FILE + n, 0);
    }

    @Override
    public String toString() {
        if (buf == null || check() != null) {
            return "DhcpPacket(unwrapped or malformed)";
        }
        return "DHCP op " + op() + " type " + messageType() + " xid 0x" + Integer.toHexString(xid())
                + " chaddr " + chaddr();
    }
}
