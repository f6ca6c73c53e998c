package io.keelmq.server.send;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Holds a send's answer until the store's dispatcher has put the message in its consume queue,
 * so that whatever a client does once send() returned (a BROWSE, a receiveNoWait, another
 * session's consumer) sees the message. The store answers an append when it is durable (or
 * written, under ASYNC_FLUSH) and dispatches right after; without this gate a browse issued
 * the moment send() returned could miss the message.
 *
 * <p>{@link #dispatched()} is called from the store's arrival notice, after the dispatched
 * offset has moved; waiters are registered under the same lock, so none is missed.
 *
 * <p>While the dispatcher's writes fail ({@link #stalled()}: a full disk, until space is freed) the gate lets every
 * answer through at once: the message is durable, and will be visible once a retry works; holding the answer
 * would leave the sender with no answer at all, which tells it nothing.
 */
final class DispatchGate {
    private record Waiter(long endOffset, CompletableFuture<Void> visible) {
    }

    private final LongSupplier dispatchedOffset;
    private final PriorityQueue<Waiter> waiting = new PriorityQueue<>((a, b) -> Long.compare(a.endOffset, b.endOffset));
    /** The dispatcher's last try failed (under {@code this}). */
    private boolean stalled;

    DispatchGate(LongSupplier dispatchedOffset) {
        this.dispatchedOffset = dispatchedOffset;
    }

    /** Completes once the commit log up to {@code endOffset} is dispatched (at once if it is). */
    CompletableFuture<Void> whenDispatched(long endOffset) {
        synchronized (this) {
            if (!stalled && dispatchedOffset.getAsLong() < endOffset) {
                CompletableFuture<Void> visible = new CompletableFuture<>();
                waiting.add(new Waiter(endOffset, visible));
                return visible;
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    /** The dispatcher moved on: release the waiters it passed (on the dispatcher's thread; they only answer). */
    void dispatched() {
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        synchronized (this) {
            stalled = false;
            long offset = dispatchedOffset.getAsLong();
            while (!waiting.isEmpty() && waiting.peek().endOffset() <= offset) {
                ready.add(waiting.poll().visible());
            }
        }
        ready.forEach(visible -> visible.complete(null));
    }

    /** The dispatcher's writes fail: release every waiter, and let answers through until it moves on again. */
    void stalled() {
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        synchronized (this) {
            stalled = true;
            while (!waiting.isEmpty()) {
                ready.add(waiting.poll().visible());
            }
        }
        ready.forEach(visible -> visible.complete(null));
    }
}
