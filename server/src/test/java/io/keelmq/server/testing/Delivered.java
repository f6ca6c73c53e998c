package io.keelmq.server.testing;

import io.keelmq.protocol.message.TextBody;
import io.keelmq.protocol.message.WireMessage;

/** One delivery of a PULL or BROWSE answer, decoded. */
public record Delivered(int partition, long offset, int deliveryCount, WireMessage message) {

    public String text() {
        return TextBody.decode(message.getBody());
    }

    public String id() {
        return message.getMessageId();
    }
}
