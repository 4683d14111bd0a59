package io.netfabric.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * The buffer shapes every wire test runs over (Netty's TestsuitePermutation idea): absolute-index
 * bugs show up in the offset and composite cases. Every {@link Placed} must be closed.
 */
public enum BufferKind {
    HEAP {
        @Override
        ByteBuf allocate(byte[] bytes) {
            return Unpooled.wrappedBuffer(bytes.clone());
        }
    },
    DIRECT {
        @Override
        ByteBuf allocate(byte[] bytes) {
            return Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        }
    },
    POOLED_DIRECT {
        @Override
        ByteBuf allocate(byte[] bytes) {
            ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length, bytes.length);
            return b.writeBytes(bytes);
        }
    },
    COMPOSITE {
        @Override
        ByteBuf allocate(byte[] bytes) {
            int cut = bytes.length / 3;
            return Unpooled.wrappedBuffer(
                    Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, 0, cut)),
                    Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, cut, bytes.length)));
        }
    },
    /** The packet at offset 7 of a larger buffer surrounded by 0xA5, reader index left at 0. */
    OFFSET {
        @Override
        int offset() {
            return 7;
        }

        @Override
        ByteBuf allocate(byte[] bytes) {
            byte[] big = new byte[bytes.length + 7 + 5];
            Arrays.fill(big, (byte) 0xA5);
            System.arraycopy(bytes, 0, big, 7, bytes.length);
            return Unpooled.wrappedBuffer(big);
        }
    };

    abstract ByteBuf allocate(byte[] bytes);

    int offset() {
        return 0;
    }

    /** A buffer holding {@code bytes} at {@link Placed#offset()}. */
    public Placed place(byte[] bytes) {
        return new Placed(allocate(bytes), offset(), bytes.length);
    }

    /** An emission target of {@code length} octets pre-filled with 0xA5. */
    public Placed blank(int length) {
        byte[] fill = new byte[length];
        Arrays.fill(fill, (byte) 0xA5);
        return place(fill);
    }

    /** A region of a buffer; closing releases the buffer. */
    public record Placed(ByteBuf buf, int offset, int length) implements AutoCloseable {
        public byte[] bytes() {
            byte[] out = new byte[length];
            buf.getBytes(offset, out);
            return out;
        }

        @Override
        public void close() {
            buf.release();
        }
    }
}
