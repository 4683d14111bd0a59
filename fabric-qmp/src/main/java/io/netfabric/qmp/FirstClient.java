package io.netfabric.qmp;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** QEMU's {@code wait=on}: start-up blocks until a server's first client has connected. */
final class FirstClient {
    private final CompletableFuture<Void> arrived = new CompletableFuture<>();

    void arrived() {
        arrived.complete(null);
    }

    void await() throws InterruptedException {
        try {
            arrived.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The server closed first: a waiter gets an IllegalStateException. */
    void serverClosed(String what) {
        arrived.completeExceptionally(new IllegalStateException(what + " closed while waiting for a client"));
    }
}
