package io.keelmq.store;

/**
 * Told when messages become visible in a consume queue, so that held (long-polling)
 * pulls can be answered without polling. Called on the thread that dispatches: the dispatcher's,
 * or under SYNC_FLUSH the group-commit thread once it has completed the sends of its force, whose
 * next force waits meanwhile. Keep it short and never block: a claim or two, then hand any further
 * work to another executor.
 */
@FunctionalInterface
public interface MessageArrivalListener {
    void arrived(String destination, int partition, long maxQueueOffset);

    /**
     * Told after each failed try to write consume queues or index (a full disk): records confirmed since stay
     * invisible until a retry works, when {@link #arrived} follows. Whoever waits for a record to become visible
     * should stop waiting: it is stored (durable under SYNC_FLUSH), only not yet visible.
     */
    default void dispatchFailing() {
    }
}
