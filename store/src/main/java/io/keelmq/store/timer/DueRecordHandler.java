package io.keelmq.store.timer;

import java.util.concurrent.CompletableFuture;

/** Writes a due record to where it belongs: the part of delayed delivery that knows what a record means. */
@FunctionalInterface
public interface DueRecordHandler {
    /**
     * Delivers the delayed record at {@code commitLogOffset}. The future completes once the delivery is
     * durable (the timer records its progress only then) or fails, in which case the timer retries.
     *
     * @param maybeDelivered true when a crash, a stop or a failed attempt may have let this record be
     *                       delivered already: the handler should check (e.g. by message id) and not
     *                       deliver it twice
     */
    CompletableFuture<?> deliver(long commitLogOffset, int size, boolean maybeDelivered);
}
