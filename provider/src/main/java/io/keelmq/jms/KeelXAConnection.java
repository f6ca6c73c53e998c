package io.keelmq.jms;

import io.keelmq.jms.provider.Provider;
import jakarta.jms.JMSException;
import jakarta.jms.XAConnection;
import jakarta.jms.XAQueueConnection;
import jakarta.jms.XAQueueSession;
import jakarta.jms.XASession;
import jakarta.jms.XATopicConnection;
import jakarta.jms.XATopicSession;

/** A connection that also makes XASessions (spec 11); everything else is {@link KeelConnection}'s. */
public final class KeelXAConnection extends KeelConnection implements XAConnection, XAQueueConnection,
        XATopicConnection {

    KeelXAConnection(Provider provider, ConnectionOptions options, Domain domain) {
        super(provider, options, domain);
    }

    @Override
    public XASession createXASession() throws JMSException {
        return openXASession();
    }

    @Override
    public XAQueueSession createXAQueueSession() throws JMSException {
        return openXASession();
    }

    @Override
    public XATopicSession createXATopicSession() throws JMSException {
        return openXASession();
    }
}
