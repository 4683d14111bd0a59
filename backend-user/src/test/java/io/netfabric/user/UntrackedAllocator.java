package io.netfabric.user;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Heap buffers the leak detector does not wrap: the paranoid detector records a stack trace on
 * every access, which makes a 100 MB simulation take minutes. Only the bulk lossy-link test uses
 * it; the protocol tests keep the tracked allocator and so the leak check.
 */
final class UntrackedAllocator extends AbstractByteBufAllocator {
    static final UntrackedAllocator INSTANCE = new UntrackedAllocator();

    private UntrackedAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return Unpooled.wrappedBuffer(new byte[Math.max(initialCapacity, 64)]).clear();
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public CompositeByteBuf compositeBuffer(int maxNumComponents) {
        return new CompositeByteBuf(this, false, maxNumComponents);
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        return compositeBuffer(maxNumComponents);
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        return compositeBuffer(maxNumComponents);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }
}
