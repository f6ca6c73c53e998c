package io.keelmq.jms.provider;

import jakarta.jms.JMSException;

/**
 * The connection to the broker is gone (closed by the broker, broken network, missed heartbeats). A request that
 * fails this way may or may not have reached the broker; nothing can be retried on this connection.
 */
public class ConnectionFailedException extends JMSException {
    private static final long serialVersionUID = 1L;

    public ConnectionFailedException(String reason, Throwable cause) {
        super(reason, "CONNECTION_FAILED");
        if (cause != null) {
            initCause(cause);
            if (cause instanceof Exception e) {
                setLinkedException(e);
            }
        }
    }
}
