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
     * Like {@link #awaitDurable}, for a caller that will soon call {@link #commitWaiting()} itself (a network
     * I/O thread, once it has handled its read batch): under SYNC_FLUSH the flush thread is not woken for it,
     * and forces it only if nobody did within a short grace period.
     */
    default CompletableFuture<Void> awaitDurableCommittedByCaller(long endOffset) {
        return awaitDurable(endOffset);
    }

    /**
     * Under SYNC_FLUSH: forces, on the calling thread, for every append waiting for a force, and completes
     * them (after the after-force action); nothing when none waits. Otherwise nothing.
     */
    default void commitWaiting() {
    }

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
