package io.netfabric.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class LeakCheckExtensionTest {
    @Test
    void reportsABufferThatWasNeverReleased() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        leaked.writeInt(42);
        leaked = null;
        assertThat(LeakCheckExtension.collect()).anySatisfy(l -> assertThat(l).startsWith("LEAK: ByteBuf"));
    }

    @Test
    void staysQuietWhenEverythingIsReleased() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        b.release();
        assertThat(LeakCheckExtension.collect()).isEmpty();
    }
}
