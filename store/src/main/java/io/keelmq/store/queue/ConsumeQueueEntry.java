package io.keelmq.store.queue;

/** One fixed-width consume-queue entry: where the message at a logical offset lives. */
public record ConsumeQueueEntry(long queueOffset, long physicalOffset, int size, long tagHash) {
}
