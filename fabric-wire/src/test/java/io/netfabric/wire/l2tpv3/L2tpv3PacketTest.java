package io.netfabric.wire.l2tpv3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfabric.wire.Malformed;
import io.netfabric.wire.ParseResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class L2tpv3PacketTest {
    private static ByteBuf hex(String s) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(s.replace(" ", "")));
    }

    @Test
    void layoutsAreQemus() {
        // net_init_l2tpv3: UDP + 32-bit cookie + counter = 16 octets (behaviour notes §5.1).
        assertThat(new L2tpv3Layout(true, 4, true, 0).headerLength()).isEqualTo(16);
        assertThat(new L2tpv3Layout(false, 0, false, 0).headerLength()).isEqualTo(4);
        L2tpv3Layout l = new L2tpv3Layout(true, 8, true, 3);
        assertThat(l.sessionOffset()).isEqualTo(4);
        assertThat(l.cookieOffset()).isEqualTo(8);
        assertThat(l.counterOffset()).isEqualTo(16);
        assertThat(l.paddingOffset()).isEqualTo(20);
        assertThat(l.headerLength()).isEqualTo(23);
        assertThat(new L2tpv3Layout(false, 0, false, 256).headerLength()).isEqualTo(260);
        assertThatThrownBy(() -> new L2tpv3Layout(true, 2, false, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new L2tpv3Layout(true, 0, false, 257)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsQemusUdpHeaderWithA32BitCookieAndCounter() {
        // Recipe C of the behaviour notes: what QEMU sends for its first frame.
        ByteBuf b = hex("00030000 11111111 deadbeef 00000001 aabbcc");
        L2tpv3Packet p = new L2tpv3Packet();
        assertThat(p.wrapChecked(b, 0, b.readableBytes(), new L2tpv3Layout(true, 4, true, 0))).isTrue();
        assertThat(p.flagsVersion()).isEqualTo(L2tpv3Layout.DATA_FLAGS_VERSION);
        assertThat(p.isControl()).isFalse();
        assertThat(p.sessionId()).isEqualTo(0x11111111L);
        assertThat(p.cookie()).isEqualTo(0xdeadbeefL);
        assertThat(p.counter()).isEqualTo(1);
        assertThat(p.payloadOffset()).isEqualTo(16);
        assertThat(p.payloadLength()).isEqualTo(3);
        assertThat(p).hasToString("L2TPv3 session 0x11111111 cookie 0xdeadbeef counter 1, length 3");
    }

    @Test
    void readsAnIpHeaderWithA64BitCookieAndPadding() {
        ByteBuf b = hex("fffffffe 8000000000000001 0000 55");
        L2tpv3Packet p = new L2tpv3Packet();
        assertThat(p.wrapChecked(b, 0, b.readableBytes(), new L2tpv3Layout(false, 8, false, 2))).isTrue();
        assertThat(p.flagsVersion()).isZero();
        assertThat(p.sessionId()).isEqualTo(0xfffffffeL);
        assertThat(p.cookie()).isEqualTo(0x8000000000000001L);
        assertThat(p.counter()).isZero();
        assertThat(b.getByte(p.payloadOffset())).isEqualTo((byte) 0x55);
    }

    @Test
    void refusesAShortHeaderAndAControlMessage() {
        L2tpv3Packet p = new L2tpv3Packet();
        ByteBuf shortOne = hex("00030000 1111");
        assertThat(p.wrapChecked(shortOne, 0, 6, new L2tpv3Layout(true, 0, false, 0))).isFalse();
        assertThat(p.malformed()).isEqualTo(Malformed.TRUNCATED);
        assertThat(p).hasToString("L2tpv3Packet(TRUNCATED, length 6)");
        ByteBuf control = hex("c8030000 00000001");
        assertThat(p.wrapChecked(control, 0, 8, new L2tpv3Layout(true, 0, false, 0))).isTrue();
        assertThat(L2tpv3Repr.parse(p).reason()).isEqualTo(Malformed.UNSUPPORTED);
    }

    @Test
    void emitsWhatItParses() {
        L2tpv3Layout layout = new L2tpv3Layout(true, 8, true, 4);
        L2tpv3Repr repr = new L2tpv3Repr(layout, 0x22222222L, 0xcafef00d12345678L, 7, 2);
        ByteBuf b = Unpooled.buffer(layout.headerLength() + 2);
        b.writeZero(layout.headerLength() + 2);
        b.setByte(layout.paddingOffset(), 0x77); // padding must come out as zeros
        L2tpv3Packet p = new L2tpv3Packet().wrap(b, 0, b.readableBytes(), layout);
        repr.emit(p);
        assertThat(ByteBufUtil.hexDump(b, 0, layout.headerLength()))
                .isEqualTo("00030000" + "22222222" + "cafef00d12345678" + "00000007" + "00000000");
        assertThat(p.wrapChecked(b, 0, b.readableBytes(), layout)).isTrue();
        ParseResult<L2tpv3Repr> back = L2tpv3Repr.parse(p);
        assertThat(back.value()).isEqualTo(repr);
    }

    @Test
    void a32BitCookieIsTheLowHalfOnTheWire() {
        L2tpv3Layout layout = new L2tpv3Layout(false, 4, false, 0);
        ByteBuf b = Unpooled.buffer(8).writeZero(8);
        new L2tpv3Repr(layout, 1, 0x1_2345_6789L, 0, 0).emit(new L2tpv3Packet().wrap(b, 0, 8, layout));
        assertThat(ByteBufUtil.hexDump(b)).isEqualTo("00000001" + "23456789");
    }
}
