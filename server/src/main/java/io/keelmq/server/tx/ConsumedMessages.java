package io.keelmq.server.tx;

/**
 * The messages a session consumed in one part of an XA branch, as the connection layer resolved them at XA_END:
 * acknowledged when the branch commits, released with a delivery-count increment (redelivery levels, DLQ) when it
 * rolls back.
 */
public interface ConsumedMessages {
    ConsumedMessages NONE = new ConsumedMessages() {
        @Override
        public void acknowledge() {
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

    void acknowledge();

    void release();

    boolean isEmpty();

    /** Whether this part consumed that message of that consumer (compared by identity: ids are per connection). */
    boolean holds(Object consumer, int partition, long queueOffset);
}
