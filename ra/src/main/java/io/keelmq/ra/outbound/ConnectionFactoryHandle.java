package io.keelmq.ra.outbound;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicConnectionFactory;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.SecurityException;

import javax.naming.Reference;
import java.io.Serializable;

/**
 * The connection factory an application looks up or has injected: every connection and context comes from the
 * server's {@link ConnectionManager} (pooled, enlisted in the caller's transaction), as
 * {@link ConnectionHandle}s and {@link ContextHandle}s. createConnection(user, password) and createContext(user,
 * password, ...) ask for a connection signed on as that user; the no-credential forms use the factory's
 * {@code user}/{@code password} (or the container's sign-on).
 */
public final class ConnectionFactoryHandle implements ConnectionFactory, QueueConnectionFactory,
        TopicConnectionFactory, Serializable, jakarta.resource.Referenceable {
    private static final long serialVersionUID = 1L;

    private final KeelManagedConnectionFactory factory;
    private final ConnectionManager manager;
    private Reference reference;

    ConnectionFactoryHandle(KeelManagedConnectionFactory factory, ConnectionManager manager) {
        this.factory = factory;
        this.manager = manager;
    }

    /** The settings this factory connects with (an activation's connectionFactoryLookup uses them). */
    public KeelManagedConnectionFactory managedConnectionFactory() {
        return factory;
    }

    // ---------------------------------------------------------------- classic API

    @Override
    public Connection createConnection() throws JMSException {
        return allocate(Credentials.FACTORY_DEFAULT);
    }

    @Override
    public Connection createConnection(String userName, String password) throws JMSException {
        return allocate(new Credentials(userName, password));
    }

    @Override
    public QueueConnection createQueueConnection() throws JMSException {
        return allocate(Credentials.FACTORY_DEFAULT);
    }

    @Override
    public QueueConnection createQueueConnection(String userName, String password) throws JMSException {
        return allocate(new Credentials(userName, password));
    }

    @Override
    public TopicConnection createTopicConnection() throws JMSException {
        return allocate(Credentials.FACTORY_DEFAULT);
    }

    @Override
    public TopicConnection createTopicConnection(String userName, String password) throws JMSException {
        return allocate(new Credentials(userName, password));
    }

    private ConnectionHandle allocate(Credentials credentials) throws JMSException {
        try {
            return (ConnectionHandle) manager.allocateConnection(factory, credentials);
        } catch (SecurityException e) {
            JMSSecurityException j = new JMSSecurityException("connection refused: " + e.getMessage());
            j.initCause(e);
            throw j;
        } catch (ResourceException e) {
            JMSException j = new JMSException("could not get a KeelMQ connection from the pool: " + e.getMessage());
            j.setLinkedException(e);
            j.initCause(e);
            throw j;
        }
    }

    // ---------------------------------------------------------------- simplified API

    @Override
    public JMSContext createContext() {
        return context(Credentials.FACTORY_DEFAULT, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(String userName, String password) {
        return context(new Credentials(userName, password), JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(String userName, String password, int sessionMode) {
        return context(new Credentials(userName, password), sessionMode);
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        return context(Credentials.FACTORY_DEFAULT, sessionMode);
    }

    /** A connection handle and its session in one context; the session mode matters only outside a transaction. */
    private JMSContext context(Credentials credentials, int sessionMode) {
        if (sessionMode != JMSContext.AUTO_ACKNOWLEDGE && sessionMode != JMSContext.CLIENT_ACKNOWLEDGE
                && sessionMode != JMSContext.DUPS_OK_ACKNOWLEDGE && sessionMode != JMSContext.SESSION_TRANSACTED) {
            throw new JMSRuntimeException("invalid session mode " + sessionMode + "; use AUTO_ACKNOWLEDGE, "
                    + "CLIENT_ACKNOWLEDGE, DUPS_OK_ACKNOWLEDGE or SESSION_TRANSACTED");
        }
        ConnectionHandle connection = null;
        try {
            connection = allocate(credentials);
            return ContextHandle.open(connection, sessionMode);
        } catch (JMSException e) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (JMSException | RuntimeException ignored) {
                    // the context's failure is the one to report
                }
            }
            RuntimeException r = e instanceof JMSSecurityException
                    ? new jakarta.jms.JMSSecurityRuntimeException(e.getMessage(), e.getErrorCode(), e)
                    : new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
            throw r;
        }
    }

    // ---------------------------------------------------------------- JNDI (the server binds this object)

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }

    @Override
    public String toString() {
        return "KeelMQ ConnectionFactory[" + factory.getBrokerURL() + "]";
    }
}
