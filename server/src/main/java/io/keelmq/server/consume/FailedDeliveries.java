package io.keelmq.server.consume;

/**
 * What happens to a message whose delivery failed (released with a delivery-count increment: recover,
 * rollback, a listener's exception, a consumer or connection that went away) when it is not simply
 * redelivered at once: the broker's redelivery policy (io.keelmq.server.redelivery) takes it over.
 */
public interface FailedDeliveries {
    /**
     * Called under the subscription's lock, so it must only decide and hand work to another thread. When it
     * returns true the message stays parked (delivered to nobody) until the handler calls
     * {@link Subscription#settleParked}.
     *
     * @param failures the deliveries the message has had so far, all failed
     */
    boolean takeOver(Subscription subscription, int partition, long offset, int failures);
}
