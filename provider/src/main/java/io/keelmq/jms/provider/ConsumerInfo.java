package io.keelmq.jms.provider;

import io.keelmq.protocol.message.DestinationRef;

import java.util.Objects;

/**
 * Everything CREATE_CONSUMER carries.
 *
 * @param selector null or empty for none
 * @param subscriptionName the name of a durable or shared topic subscription, null otherwise
 */
public record ConsumerInfo(long sessionId, long consumerId, DestinationRef destination, String selector,
                           boolean noLocal, String subscriptionName, boolean durable, boolean shared) {

    public ConsumerInfo {
        Objects.requireNonNull(destination, "destination");
    }
}
