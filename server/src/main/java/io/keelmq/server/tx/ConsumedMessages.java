package io.keelmq.server.tx;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The messages a session consumed in one part of an XA branch, as the connection layer resolved them at XA_END:
 * acknowledged when the branch commits, released with a delivery-count increment (redelivery levels, DLQ) when it
 * rolls back. A branch recovered at start-up gets the ones its XA_PREPARE record lists back from a
 * {@link Restorer}.
 */
public interface ConsumedMessages {
    ConsumedMessages NONE = new ConsumedMessages() {
        @Override
        public CompletableFuture<Void> acknowledge() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void release() {
        }

        @Override
        public boolean isEmpty() {
            return true;
        }

        @Override
        public boolean holds(Object consumer, int partition, long queueOffset) {
            return false;
        }
    };

    /** Completes once they are acknowledged (in memory; the caller writes the positions). */
    CompletableFuture<Void> acknowledge();

    void release();

    boolean isEmpty();

    /** Whether this part consumed that message of that consumer (compared by identity: ids are per connection). */
    boolean holds(Object consumer, int partition, long queueOffset);

    /**
     * The messages of persisted subscriptions among these, with their delivery counts now (they are in flight): what
     * a prepare writes down so that the branch still holds them after a restart. Messages of non-durable
     * subscriptions are left out: those subscriptions do not outlive the broker.
     */
    default List<HeldMessage> held() {
        return List.of();
    }

    /** Locks again, at start-up, the messages a recovered prepared branch held before the restart. */
    interface Restorer {
        ConsumedMessages restore(List<HeldMessage> held);
    }
}
