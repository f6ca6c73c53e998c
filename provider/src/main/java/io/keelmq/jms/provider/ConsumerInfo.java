package io.keelmq.jms.provider;

import io.keelmq.protocol.message.DestinationRef;

import java.util.Objects;

/**
 * Everything CREATE_CONSUMER carries.
 *
 * @param selector null or empty for none
 * @param subscriptionName the name of a durable or shared topic subscription, null otherwise
 * @param consumeFromWhere where a durable subscription this consumer creates starts (a ConsumeFromWhere name)
 * @param consumeTimestamp its start time for CONSUME_FROM_TIMESTAMP, epoch ms; 0 if not set
 */
public record ConsumerInfo(long sessionId, long consumerId, DestinationRef destination, String selector,
                           boolean noLocal, String subscriptionName, boolean durable, boolean shared,
                           String consumeFromWhere, long consumeTimestamp) {

    public ConsumerInfo {
        Objects.requireNonNull(destination, "destination");
    }
}
