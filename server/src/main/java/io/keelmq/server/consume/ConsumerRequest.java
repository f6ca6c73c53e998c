package io.keelmq.server.consume;

import io.keelmq.protocol.selector.Selector;
import io.keelmq.server.destination.Destination;

/**
 * What CREATE_CONSUMER asks for, resolved: the destination exists and the selector compiled.
 *
 * @param start where the durable subscription starts if this request creates it
 */
public record ConsumerRequest(long consumerId, String connectionId, String clientId, SessionState session,
                              Destination destination, Selector selector, boolean noLocal, String subscriptionName,
                              boolean durable, boolean shared, StartPosition start) {
}
