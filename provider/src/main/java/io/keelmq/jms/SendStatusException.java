package io.keelmq.jms;

import jakarta.jms.JMSException;

/**
 * A persistent send was answered with a status other than {@link SendStatus#SEND_OK}: the broker wrote the message
 * but could not give every guarantee it is configured for; with {@link SendStatus#FLUSH_DISK_TIMEOUT} it may not
 * survive a restart of the broker.
 *
 * <p><b>To resend</b> without risking a duplicate, send the very same message object again, unchanged, to the same
 * destination (on this or a new connection, e.g. once the broker is back after a restart; synchronously, with a
 * CompletionListener or through a JMSProducer). It then keeps the JMSMessageID {@link #getMessageId()} names and
 * goes as a retry: the broker drops it if the first send was stored, and stores it once if not, as long as it still
 * finds the first one by that id (its message index, {@code messageIndexEnable}, default on, holds every id whose
 * commit-log segment is retained). The resend's own status tells whether the message is now durable. A message
 * object changed meanwhile (body, properties or headers other than those each send stamps), sent elsewhere, or whose
 * previous send was answered SEND_OK gets a new id, as any send does. A JMSProducer send of a bare body creates a new
 * message each time, so it cannot be resent this way: send a Message instead.
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

    /** The JMSMessageID of the message concerned, which a resend of the same message object keeps. */
    public String getMessageId() {
        return messageId;
    }
}
