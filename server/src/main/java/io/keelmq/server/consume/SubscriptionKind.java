package io.keelmq.server.consume;

/** The JMS shape of a subscription. */
public enum SubscriptionKind {
    /** A JMS queue's implicit subscription: every consumer of the queue competes on it. */
    QUEUE,
    /** A topic consumer's own subscription, from the tail, gone with the consumer. */
    NON_DURABLE,
    /** A shared non-durable topic subscription, gone with its last consumer. */
    SHARED,
    /** A durable topic subscription of one client id, one active consumer at a time. */
    DURABLE,
    /** A shared durable topic subscription. */
    SHARED_DURABLE;

    public boolean isDurable() {
        return this == DURABLE || this == SHARED_DURABLE;
    }

    /** Several consumers compete on it. */
    public boolean isShared() {
        return this == QUEUE || this == SHARED || this == SHARED_DURABLE;
    }
}
