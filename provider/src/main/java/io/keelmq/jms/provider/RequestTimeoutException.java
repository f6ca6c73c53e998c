package io.keelmq.jms.provider;

import jakarta.jms.JMSException;

/**
 * No answer arrived in time. The request may still have been carried out by the broker, which is why a send is
 * retried with {@code retry=true}: the broker then recognises a message it already stored.
 */
public class RequestTimeoutException extends JMSException {
    private static final long serialVersionUID = 1L;

    public RequestTimeoutException(String reason) {
        super(reason, "TIMEOUT");
    }
}
