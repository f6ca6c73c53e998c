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

    /**
     * The force failure that made durability unknowable, or null. Once set it stays set:
     * after an fsync error the kernel may have dropped dirty pages, so a later successful
     * force proves nothing until recovery has verified the log.
     */
    java.io.IOException failure();

    /** Commit-log forces made so far (the benchmark reports records per force). */
    long forces();

    /** Flushes what is written and stops. */
    void shutdown() throws InterruptedException;
}
