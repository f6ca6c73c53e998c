package io.keelmq.jms.provider;

/**
 * A message the client received from the broker but never handed to the application. Listing it in CLOSE_CONSUMER,
 * RECOVER or CLOSE_SESSION lets the broker release it without counting a delivery, so the next consumer does not
 * see it as redelivered.
 */
public record Undelivered(long consumerId, int partition, long queueOffset) {
}
