package io.keelmq.jms.message;

import jakarta.jms.JMSException;

/**
 * What {@link jakarta.jms.Message#acknowledge()} does for a received message. The consumer's session installs one
 * that matches its acknowledgement mode (in CLIENT_ACKNOWLEDGE it acknowledges everything the session consumed; in
 * the other modes it ignores the call, spec 3.6); keeping it a callback leaves the message types free of sessions.
 */
@FunctionalInterface
public interface MessageAcknowledger {

    void acknowledge(KeelMessage message) throws JMSException;
}
