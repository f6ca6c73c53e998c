package io.keelmq.store.flush;

import java.util.concurrent.CompletableFuture;

/** Makes appended records durable, by group commit or on an interval. */
public interface FlushService {

    void start();

    /**
     * Completes when the commit log is durable up to {@code endOffset}: at once for
     * ASYNC_FLUSH (the caller does not wait for the disk), after a covering force for
     * SYNC_FLUSH. Completes exceptionally if the force failed.
     */
    CompletableFuture<Void> awaitDurable(long endOffset);

    /** Flushes what is written and stops. */
    void shutdown() throws InterruptedException;
}
