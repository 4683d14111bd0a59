package io.netfabric.user.service;

import io.netfabric.user.ip.Router;
import io.netfabric.user.ip.StackDrop;
import io.netfabric.wire.ethernet.EtherType;
import io.netty.buffer.ByteBuf;

/**
 * The NC-SI responder of libslirp's ncsi.c: a BMC guest (QEMU's Aspeed machines, whose ftgmac100
 * talks NC-SI, DMTF DSP0222) finds a network controller on the user network that completes every
 * command it knows, reports the link up (Get Link Status), unlimited capabilities (Get
 * Capabilities) and no filters (Get Parameters). Without it such a guest's network never comes
 * up. The answers are libslirp 4.7's byte for byte: broadcast from the broadcast address, the
 * response type (command + 0x80), the payload length of the type, a zero-filled payload but for
 * those three, and the DSP0222 checksum (the 16-bit words' sum, negated) after the payload. A
 * command type libslirp does not know is answered "unavailable, unknown command" with a payload
 * of four octets (libslirp writes the checksum over those two fields).
 */
public final class NcsiResponder implements Router.FrameHandler {
    /** The NC-SI header: MC id, revision, reserved, instance id, type, channel, length, 8 reserved. */
    static final int HEADER_LEN = 16;
    private static final int REVISION = 0x01;
    private static final int CODE_COMPLETED = 0x0000;
    private static final int CODE_UNAVAILABLE = 0x0002;
    private static final int REASON_UNKNOWN = 0x7FFF;
    private static final int GET_LINK_STATUS = 0x0A;
    private static final int GET_CAPABILITIES = 0x16;

    private final Router router;

    public NcsiResponder(Router router) {
        this.router = router;
    }

    /**
     * The response payload length (from the response code on) of command {@code type}, as
     * ncsi.c's table has it; -1 for a type it does not answer.
     */
    static int payloadLength(int type) {
        return switch (type) {
            case 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E,
                    0x10, 0x11, 0x12, 0x13, 0x14 -> 4;
            case GET_LINK_STATUS -> 16;
            case 0x15 -> 40;   // Get Version ID
            case GET_CAPABILITIES -> 32;
            case 0x17 -> 40;   // Get Parameters: no MAC or VLAN filters, all zero
            case 0x18, 0x19, 0x1A -> 172;   // statistics, all zero
            case 0x1B -> 8;   // Get Package Status
            case 0x50, 0x51 -> 0;   // OEM, PLDM
            case 0x52 -> 20;   // Get Package UUID
            default -> -1;
        };
    }

    @Override
    public void frame(ByteBuf frame, int offset, int length) {
        if (length < HEADER_LEN) {
            router.counters().drop(StackDrop.MALFORMED);
            return;
        }
        int type = frame.getUnsignedByte(offset + 4);
        int payload = payloadLength(type);
        boolean known = payload >= 0;
        int body = HEADER_LEN + (known ? payload : 4);
        int frameLen = Math.max(60, 14 + body + 4);
        ByteBuf out = router.alloc().buffer(frameLen);
        out.writeZero(frameLen);
        for (int i = 0; i < 12; i++) {
            out.setByte(i, 0xFF);   // libslirp: to and from the broadcast address
        }
        out.setShort(12, EtherType.NCSI.value());
        int r = 14;
        out.setByte(r, frame.getUnsignedByte(offset));   // MC id
        out.setByte(r + 1, REVISION);
        out.setByte(r + 3, frame.getUnsignedByte(offset + 3));   // instance id
        out.setByte(r + 4, type + 0x80);
        out.setByte(r + 5, frame.getUnsignedByte(offset + 5));   // channel
        out.setShort(r + 6, known ? payload : 4);
        out.setShort(r + 16, known ? CODE_COMPLETED : CODE_UNAVAILABLE);
        out.setShort(r + 18, known ? 0 : REASON_UNKNOWN);
        if (type == GET_LINK_STATUS) {
            out.setInt(r + 20, 1);   // link up
        } else if (type == GET_CAPABILITIES) {
            for (int i = 0; i < 5; i++) {
                out.setInt(r + 20 + 4 * i, 0xFFFF_FFFF);   // capabilities, broadcast, multicast, buffering, AEN
            }
            out.setByte(r + 43, 2);   // unicast filter count
            out.setByte(r + 46, 0xFF);   // VLAN mode
        }
        out.setInt(r + body, checksum(out, r, body));
        router.sendFrame(out);
    }

    /** DSP0222 §8.2.2.3: the two's complement of the 32-bit sum of the 16-bit words. */
    static int checksum(ByteBuf b, int from, int len) {
        int sum = 0;
        for (int i = 0; i < len; i += 2) {
            sum += b.getUnsignedShort(from + i);
        }
        return ~sum + 1;
    }
}
