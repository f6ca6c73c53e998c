package io.keelmq.store;

/**
 * Told when messages become visible in a consume queue, so that held (long-polling)
 * pulls can be answered without polling. Called on the dispatcher thread: keep it short.
 */
@FunctionalInterface
public interface MessageArrivalListener {
    void arrived(String destination, int partition, long maxQueueOffset);
}
