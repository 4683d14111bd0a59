package io.netfabric.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** B8 property (c): the RFC 1624 update equals a full recompute; the fast sum equals the naive one. */
class InetChecksumProperties {
    private static final BufferKind[] KINDS = BufferKind.values();

    private static byte[] randomBytes(SplittableRandom rng, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) rng.nextInt(256);
        }
        return b;
    }

    @Test
    void fastSumEqualsNaiveSumOnEveryBufferShape() {
        Seeded.check(3000, rng -> {
            byte[] data = randomBytes(rng, 1 + rng.nextInt(200));
            int from = rng.nextInt(data.length);
            int len = rng.nextInt(data.length - from + 1);
            try (BufferKind.Placed p = KINDS[rng.nextInt(KINDS.length)].place(data)) {
                assertThat(InetChecksum.sum(p.buf(), p.offset() + from, len)).isEqualTo(InetChecksum.sum(data, from, len));
            }
        });
    }

    @Test
    void incrementalUpdate16EqualsFullRecompute() {
        Seeded.check(5000, rng -> {
            int words = 10 + rng.nextInt(30);
            byte[] data = randomBytes(rng, words * 2);
            int csumAt = 2 * rng.nextInt(words);
            try (BufferKind.Placed p = KINDS[rng.nextInt(KINDS.length)].place(data)) {
                ByteBuf b = p.buf();
                int base = p.offset();
                b.setShort(base + csumAt, 0);
                int hc = InetChecksum.checksum(b, base, p.length());
                b.setShort(base + csumAt, hc);

                int fieldAt;
                do {
                    fieldAt = 2 * rng.nextInt(words);
                } while (fieldAt == csumAt);
                int m = b.getUnsignedShort(base + fieldAt);
                int m2 = rng.nextInt(4) == 0 ? m ^ 0xFFFF : rng.nextInt(0x10000);
                b.setShort(base + fieldAt, m2);
                int incremental = InetChecksum.update16(hc, m, m2);

                b.setShort(base + csumAt, 0);
                int full = InetChecksum.checksum(b, base, p.length());
                assertThat(incremental).as("HC=%04x m=%04x m'=%04x", hc, m, m2).isEqualTo(full);
            }
        });
    }

    @Test
    void incrementalUpdate32EqualsFullRecompute() {
        Seeded.check(5000, rng -> {
            // An IPv4-header-like block: the checksum at 10, a 32-bit address at 12 or 16.
            byte[] data = randomBytes(rng, 20 + 4 * rng.nextInt(10));
            try (BufferKind.Placed p = KINDS[rng.nextInt(KINDS.length)].place(data)) {
                ByteBuf b = p.buf();
                int base = p.offset();
                b.setShort(base + 10, 0);
                int hc = InetChecksum.checksum(b, base, p.length());
                b.setShort(base + 10, hc);

                int at = base + (rng.nextBoolean() ? 12 : 16);
                int old = b.getInt(at);
                int now = rng.nextInt();
                b.setInt(at, now);
                int incremental = InetChecksum.update32(hc, old, now);

                b.setShort(base + 10, 0);
                assertThat(incremental).isEqualTo(InetChecksum.checksum(b, base, p.length()));
                // And the rewritten block verifies with the incrementally updated field.
                b.setShort(base + 10, incremental);
                assertThat(InetChecksum.sum(b, base, p.length())).isEqualTo(0xFFFF);
            }
        });
    }
}
