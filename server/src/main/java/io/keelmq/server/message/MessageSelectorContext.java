package io.keelmq.server.message;

import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.selector.SelectorContext;

/** What a selector sees of a message: the header fields spec 3.8.1 allows, then the properties. */
public final class MessageSelectorContext implements SelectorContext {
    private final WireMessage message;

    public MessageSelectorContext(WireMessage message) {
        this.message = message;
    }

    @Override
    public Object get(String identifier) {
        return switch (identifier) {
            case JMS_DELIVERY_MODE -> message.getDeliveryMode() == WireMessage.PERSISTENT ? PERSISTENT : NON_PERSISTENT;
            case JMS_PRIORITY -> message.getPriority();
            case JMS_MESSAGE_ID -> message.getMessageId();
            case JMS_TIMESTAMP -> message.getTimestamp();
            case JMS_CORRELATION_ID -> message.getCorrelationId();
            case JMS_TYPE -> message.getType();
            default -> message.getProperty(identifier);
        };
    }
}
