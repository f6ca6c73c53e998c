package io.keelmq.ra.outbound;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionConsumer;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueSession;
import jakarta.jms.ServerSessionPool;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicSession;

/**
 * The connection an application gets from an outbound connection factory: a handle on a pooled
 * {@link KeelManagedConnection}. It allows one open session at a time and refuses what spec 12.2 reserves for the
 * container (setClientID, setExceptionListener, stop, connection consumers); close gives the managed connection back
 * to the pool. Once closed, or invalidated by the container's cleanup, every method but close fails.
 */
public final class ConnectionHandle implements Connection, QueueConnection, TopicConnection {
    private volatile KeelManagedConnection managed;
    private SessionHandle session;
    private volatile boolean closed;

    ConnectionHandle(KeelManagedConnection managed) {
        this.managed = managed;
    }

    /** Connection sharing moved this handle to another managed connection. */
    synchronized void associate(KeelManagedConnection other) {
        KeelManagedConnection previous = managed;
        if (previous == other) {
            return;
        }
        previous.detached(this);
        closeSessionQuietly();
        managed = other;
        other.attached(this);
    }

    // ---------------------------------------------------------------- sessions

    @Override
    public Session createSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return openSession(transacted ? Session.SESSION_TRANSACTED : acknowledgeMode);
    }

    @Override
    public Session createSession(int sessionMode) throws JMSException {
        return openSession(sessionMode);
    }

    @Override
    public Session createSession() throws JMSException {
        return openSession(Session.AUTO_ACKNOWLEDGE);
    }

    @Override
    public QueueSession createQueueSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return openSession(transacted ? Session.SESSION_TRANSACTED : acknowledgeMode);
    }

    @Override
    public TopicSession createTopicSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return openSession(transacted ? Session.SESSION_TRANSACTED : acknowledgeMode);
    }

    /** The session the managed connection chooses for its current transaction (spec 12.3); one at a time. */
    synchronized SessionHandle openSession(int requestedMode) throws JMSException {
        checkOpen();
        if (session != null && !session.isClosed()) {
            throw new IllegalStateException("this connection already has an open session: in a Jakarta EE web or "
                    + "enterprise bean container a connection has at most one (spec 12.2); close it first");
        }
        KeelManagedConnection.SessionChoice choice = managed.sessionFor(requestedMode);
        session = new SessionHandle(this, choice.session(), choice.owned());
        return session;
    }

    synchronized void sessionClosed(SessionHandle closedSession) {
        if (session == closedSession) {
            session = null;
        }
    }

    KeelManagedConnection managed() {
        return managed;
    }

    // ---------------------------------------------------------------- connection-level

    @Override
    public String getClientID() throws JMSException {
        checkOpen();
        return managed.physical().getClientID();
    }

    @Override
    public void setClientID(String clientID) throws JMSException {
        checkOpen();
        throw reserved("setClientID", "; configure clientID on the connection factory (spec 6.1.2)");
    }

    @Override
    public ConnectionMetaData getMetaData() throws JMSException {
        checkOpen();
        return managed.physical().getMetaData();
    }

    /** None: the container owns the connection's failures. */
    @Override
    public ExceptionListener getExceptionListener() throws JMSException {
        checkOpen();
        return null;
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) throws JMSException {
        checkOpen();
        throw reserved("setExceptionListener", "");
    }

    /** The pooled connection is already started; harmless and allowed. */
    @Override
    public void start() throws JMSException {
        checkOpen();
        managed.physical().start();
    }

    @Override
    public void stop() throws JMSException {
        checkOpen();
        throw reserved("stop", "");
    }

    /** Closes this handle's session and gives the managed connection back to the pool; idempotent. */
    @Override
    public void close() throws JMSException {
        KeelManagedConnection owner;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            owner = managed;
            SessionHandle open = session;
            session = null;
            if (open != null) {
                open.close();
            }
        }
        owner.handleClosed(this);
    }

    /** The container's cleanup: closed without an event (the container already took the connection back). */
    synchronized void invalidate() {
        closed = true;
        closeSessionQuietly();
    }

    private void closeSessionQuietly() {
        SessionHandle open = session;
        session = null;
        if (open != null) {
            try {
                open.close();
            } catch (JMSException | RuntimeException e) {
                // the connection is being cleaned up or destroyed
            }
        }
    }

    // ---------------------------------------------------------------- reserved for the container (spec 12.2)

    @Override
    public ConnectionConsumer createConnectionConsumer(Destination destination, String selector,
                                                       ServerSessionPool pool, int maxMessages) throws JMSException {
        throw reservedConsumer("createConnectionConsumer");
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Queue queue, String selector, ServerSessionPool pool,
                                                       int maxMessages) throws JMSException {
        throw reservedConsumer("createConnectionConsumer");
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Topic topic, String selector, ServerSessionPool pool,
                                                       int maxMessages) throws JMSException {
        throw reservedConsumer("createConnectionConsumer");
    }

    @Override
    public ConnectionConsumer createSharedConnectionConsumer(Topic topic, String name, String selector,
                                                             ServerSessionPool pool, int maxMessages)
            throws JMSException {
        throw reservedConsumer("createSharedConnectionConsumer");
    }

    @Override
    public ConnectionConsumer createDurableConnectionConsumer(Topic topic, String name, String selector,
                                                              ServerSessionPool pool, int maxMessages)
            throws JMSException {
        throw reservedConsumer("createDurableConnectionConsumer");
    }

    @Override
    public ConnectionConsumer createSharedDurableConnectionConsumer(Topic topic, String name, String selector,
                                                                    ServerSessionPool pool, int maxMessages)
            throws JMSException {
        throw reservedConsumer("createSharedDurableConnectionConsumer");
    }

    private JMSException reservedConsumer(String method) throws JMSException {
        checkOpen();
        return reserved(method, "; receive asynchronously with a message-driven bean");
    }

    static IllegalStateException reserved(String method, String advice) {
        return new IllegalStateException(method + "() must not be used by an application in a Jakarta EE web or "
                + "enterprise bean container (spec 12.2)" + advice);
    }

    void checkOpen() throws JMSException {
        if (closed) {
            throw new IllegalStateException("the connection is closed");
        }
    }

    @Override
    public String toString() {
        return "ConnectionHandle[" + managed + (closed ? ", closed" : "") + "]";
    }
}
