package io.keelmq.ra.inbound;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The text of a received message, failing clearly when none arrived within the receive's bound. */
final class Texts {
    private Texts() {
    }

    static String of(Message message) throws JMSException {
        assertNotNull(message, "no message arrived within the bound");
        return ((TextMessage) message).getText();
    }
}
