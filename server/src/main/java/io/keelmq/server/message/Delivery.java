package io.keelmq.server.message;

import io.keelmq.protocol.message.DeliveryBytes;

/** One message handed to a consumer (or shown to a browser), ready for the wire. */
public record Delivery(int partition, long queueOffset, int deliveryCount, DeliveryBytes message) {

    /** Bytes this delivery takes in a PULL or BROWSE answer. */
    public int wireSize() {
        return 4 + 8 + 4 + 4 + message.length();
    }
}
