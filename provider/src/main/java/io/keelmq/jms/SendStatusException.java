package io.keelmq.jms;

import jakarta.jms.JMSException;

/**
 * A persistent send was answered with a status other than {@link SendStatus#SEND_OK}: the broker stored the message
 * but could not give every guarantee it is configured for. Whether to resend (the broker drops a duplicate by its
 * JMSMessageID only on a transport retry) is the application's decision.
 */
public class SendStatusException extends JMSException {
    private static final long serialVersionUID = 1L;

    private final SendStatus status;
    private final String messageId;

    public SendStatusException(SendStatus status, String messageId) {
        super("the broker stored message " + messageId + " with status " + status + " instead of SEND_OK",
                status.name());
        this.status = status;
        this.messageId = messageId;
    }

    public SendStatus getStatus() {
        return status;
    }

    /** The JMSMessageID of the message concerned. */
    public String getMessageId() {
        return messageId;
    }
}
