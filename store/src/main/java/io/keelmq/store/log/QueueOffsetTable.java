package io.keelmq.store.log;

import java.util.HashMap;
import java.util.Map;

/**
 * The next queue offset of every (destination, partition). Assigned under the commit
 * log's append lock so that queue order is commit-log order; restored at recovery
 * from the consume queues.
 */
final class QueueOffsetTable {
    private final Map<String, Long> next = new HashMap<>();

    static String key(String destination, int partition) {
        return destination + '\u0000' + partition;
    }

    long assign(String destination, int partition) {
        return next.merge(key(destination, partition), 1L, Long::sum) - 1;
    }

    void set(String destination, int partition, long nextOffset) {
        next.put(key(destination, partition), nextOffset);
    }

    /** Puts back an offset handed out by an append that then failed. */
    void release(String destination, int partition) {
        next.merge(key(destination, partition), -1L, Long::sum);
    }
}
