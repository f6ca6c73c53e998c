package io.keelmq.server.send;

import io.keelmq.store.AppendResult;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Sends appended but perhaps not yet in the store's message-id index, which the dispatcher
 * fills only after the flush. A client whose send timed out retries (retry=true) while the
 * original may still await its flush; looked up in the index alone, the retry would be stored
 * a second time. A retry found here is answered as its original is.
 *
 * <p>An entry lives until its append is dispatched (then the index answers) or failed (then
 * nothing was stored), so this holds no more than the sends in flight. Sends run on many
 * threads: the methods are synchronized, and {@link #lockFor} serializes the sends of one
 * message id (an original and its retry) from the lookup to {@link #add}.
 */
final class RecentAppends {
    private record Entry(String key, CompletableFuture<AppendResult> append,
                         CompletableFuture<Map<String, String>> answer) {
    }

    private final LongSupplier dispatchedOffset;
    /**
     * In the order of the calls to add, nearly commit-log order (appends on other threads may cross):
     * an entry out of order only waits a little longer for the prune, none is forgotten too early.
     */
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final Map<String, Entry> byKey = new HashMap<>();
    private final Object[] stripes = new Object[64];

    RecentAppends(LongSupplier dispatchedOffset) {
        this.dispatchedOffset = dispatchedOffset;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
    }

    /** Remembers the append of the message {@code messageId} (the first of a batch) to {@code destination}. */
    synchronized void add(String destination, String messageId, CompletableFuture<AppendResult> append,
             CompletableFuture<Map<String, String>> answer) {
        prune();
        Entry entry = new Entry(key(destination, messageId), append, answer);
        entries.addLast(entry);
        byKey.put(entry.key(), entry);
    }

    /**
     * The answer of a recent append of that message, for its retry; null when the index must be
     * asked instead (no such append, already dispatched) or the original stored nothing.
     */
    synchronized CompletableFuture<Map<String, String>> answerOf(String destination, String messageId) {
        prune();
        Entry entry = byKey.get(key(destination, messageId));
        if (entry == null || entry.answer().isCompletedExceptionally()) {
            return null;
        }
        // Still pending: the retry shares the original's outcome, stored or not.
        return entry.answer();
    }

    /** The lock under which a send of {@code messageId} is looked up, stored and remembered. */
    Object lockFor(String destination, String messageId) {
        // Hashed from the parts: no key string built for every send only to pick a lock.
        return stripes[Math.floorMod(31 * destination.hashCode() + messageId.hashCode(), stripes.length)];
    }

    /** Forgets, oldest first, appends the index now knows and appends that stored nothing. */
    private void prune() {
        long dispatched = dispatchedOffset.getAsLong();
        Entry head;
        while ((head = entries.peekFirst()) != null && head.append().isDone()) {
            AppendResult result = head.append().isCompletedExceptionally() ? null : head.append().join();
            boolean storedNothing = result == null || result.records().isEmpty();
            if (!storedNothing && result.endOffset() > dispatched) {
                return;
            }
            entries.pollFirst();
            byKey.remove(head.key(), head);
        }
    }

    private static String key(String destination, String messageId) {
        return destination + '\u0000' + messageId;
    }
}
