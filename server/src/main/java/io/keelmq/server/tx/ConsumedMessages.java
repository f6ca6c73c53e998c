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
    };

    void acknowledge();

    void release();

    boolean isEmpty();
}
