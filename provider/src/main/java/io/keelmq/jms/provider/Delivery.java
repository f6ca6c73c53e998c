package io.keelmq.jms.provider;

import io.keelmq.protocol.message.WireMessage;

/**
 * One message handed to a consumer by PULL (or shown by BROWSE).
 *
 * @param deliveryCount 1 on the first delivery
 * @param encodedLength the size of the encoded message, which the prefetch window counts
 */
public record Delivery(int partition, long queueOffset, int deliveryCount, int encodedLength, WireMessage message) {

    public Position position() {
        return new Position(partition, queueOffset);
    }

    public Undelivered undelivered(long consumerId) {
        return new Undelivered(consumerId, partition, queueOffset);
    }
}
