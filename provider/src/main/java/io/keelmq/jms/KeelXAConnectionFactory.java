package io.keelmq.jms;

import io.keelmq.jms.provider.Provider;
import jakarta.jms.JMSException;
import jakarta.jms.XAConnection;
import jakarta.jms.XAConnectionFactory;
import jakarta.jms.XAJMSContext;
import jakarta.jms.XAQueueConnection;
import jakarta.jms.XAQueueConnectionFactory;
import jakarta.jms.XATopicConnection;
import jakarta.jms.XATopicConnectionFactory;

/**
 * The XA connection factory (spec 11): the same broker URL, options and bean properties as
 * {@link KeelConnectionFactory} (it is one, so a transaction manager may also make plain connections with it), and
 * XAConnections and XAJMSContexts whose sessions join global transactions through their XAResource.
 */
public class KeelXAConnectionFactory extends KeelConnectionFactory implements XAConnectionFactory,
        XAQueueConnectionFactory, XATopicConnectionFactory {
    private static final long serialVersionUID = 1L;

    public KeelXAConnectionFactory() {
    }

    public KeelXAConnectionFactory(String brokerURL) throws JMSException {
        super(brokerURL);
    }

    /** Rebuilt by {@link io.keelmq.jms.jndi.KeelObjectFactory} as an XA connection factory again. */
    @Override
    public javax.naming.Reference getReference() {
        return reference(KeelXAConnectionFactory.class.getName());
    }

    @Override
    KeelConnection newConnection(Provider provider, ConnectionOptions snapshot, Domain domain) {
        return new KeelXAConnection(provider, snapshot, domain);
    }

    @Override
    public XAConnection createXAConnection() throws JMSException {
        return createXAConnection(null, null);
    }

    @Override
    public XAConnection createXAConnection(String userName, String password) throws JMSException {
        return (KeelXAConnection) connect(userName, password, Domain.UNIFIED);
    }

    @Override
    public XAQueueConnection createXAQueueConnection() throws JMSException {
        return createXAQueueConnection(null, null);
    }

    @Override
    public XAQueueConnection createXAQueueConnection(String userName, String password) throws JMSException {
        return (KeelXAConnection) connect(userName, password, Domain.QUEUE);
    }

    @Override
    public XATopicConnection createXATopicConnection() throws JMSException {
        return createXATopicConnection(null, null);
    }

    @Override
    public XATopicConnection createXATopicConnection(String userName, String password) throws JMSException {
        return (KeelXAConnection) connect(userName, password, Domain.TOPIC);
    }

    @Override
    public XAJMSContext createXAContext() {
        return createXAContext(null, null);
    }

    @Override
    public XAJMSContext createXAContext(String userName, String password) {
        KeelConnection connection = JmsExceptionSupport.unchecked(() -> connect(userName, password, Domain.UNIFIED));
        return new KeelXAJMSContext(new SharedConnection(connection));
    }
}
