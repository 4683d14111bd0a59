package io.netfabric.wire.ipv6;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfabric.wire.BufferKind;
import io.netfabric.wire.Hex;
import io.netfabric.wire.IpProtocol;
import io.netfabric.wire.Malformed;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class Ipv6FragmentHeaderTest {
    /**
     * Linux 6.18's second fragment of {@code ping -6 -s 3000} (captured on a tap): ICMPv6 next,
     * offset 181 units (1448 octets), more fragments, identification 0xd03194d1, then data.
     */
    private static final byte[] SECOND = Hex.bytes("3a00 05a9 d03194d1 0102 0304");
    /** The last fragment of the same datagram: offset 362 units, M clear. */
    private static final byte[] LAST = Hex.bytes("3a00 0b50 d03194d1");

    private final Ipv6FragmentHeader view = new Ipv6FragmentHeader();

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void deconstruct(BufferKind kind) {
        try (BufferKind.Placed p = kind.place(SECOND)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isTrue();
            assertThat(view.nextHeader()).isEqualTo(IpProtocol.ICMPV6);
            assertThat(view.fragmentOffset()).isEqualTo(181);
            assertThat(view.moreFragments()).isTrue();
            assertThat(view.identification()).isEqualTo(0xd03194d1);
            assertThat(view.dataOffset()).isEqualTo(p.offset() + 8);
            assertThat(view.dataLength()).isEqualTo(4);
            assertThat(view).hasToString("frag " + IpProtocol.ICMPV6 + ", offset 1448, more, id 0xd03194d1");
        }
        try (BufferKind.Placed p = kind.place(LAST)) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isTrue();
            assertThat(view.fragmentOffset()).isEqualTo(362);
            assertThat(view.moreFragments()).isFalse();
            assertThat(view.dataLength()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void emitWritesTheCapturedOctets(BufferKind kind) {
        byte[] blank = new byte[8];
        try (BufferKind.Placed p = kind.place(blank)) {
            view.wrap(p.buf(), p.offset(), p.length()).setHeader(IpProtocol.ICMPV6, 362, false, 0xd03194d1);
            assertThat(p.bytes()).isEqualTo(LAST);
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void shorterThanEightOctetsIsTruncated(BufferKind kind) {
        try (BufferKind.Placed p = kind.place(Hex.bytes("3a00 05a9 d031"))) {
            assertThat(view.wrapChecked(p.buf(), p.offset(), p.length())).isFalse();
            assertThat(view.malformed()).isEqualTo(Malformed.TRUNCATED);
        }
    }
}
