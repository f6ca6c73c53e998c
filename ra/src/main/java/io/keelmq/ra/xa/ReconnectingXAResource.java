package io.keelmq.ra.xa;

import io.keelmq.jms.KeelXAConnection;
import io.keelmq.jms.KeelXAConnectionFactory;
import jakarta.jms.JMSException;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

/**
 * An XAResource on a connection of its own that connects on first use and again after the connection is lost, so a
 * transaction manager's recovery after a broker restart reaches the broker: prepare, commit, rollback, forget and
 * recover address a branch by its Xid, from any connection. An unreachable broker is XAER_RMFAIL. Used for the
 * recovery of activations' branches (ResourceAdapter.getXAResources) and, one call at a time, by an outbound
 * connection's resource whose own connection is gone.
 */
public final class ReconnectingXAResource extends DelegatingXAResource implements AutoCloseable {
    private final KeelXAConnectionFactory factory;
    private final String user;
    private final String password;
    private KeelXAConnection connection;
    private XAResource resource;
    private volatile boolean lost;

    /** Signs on as the factory's configured user. */
    public ReconnectingXAResource(KeelXAConnectionFactory factory) {
        this(factory, null, null);
    }

    /** Signs on as {@code user} (null: the factory's configured user). */
    public ReconnectingXAResource(KeelXAConnectionFactory factory, String user, String password) {
        this.factory = factory;
        this.user = user;
        this.password = password;
    }

    @Override
    protected synchronized XAResource target() throws XAException {
        if (resource == null || lost) {
            close();
            try {
                KeelXAConnection opened = (KeelXAConnection) (user == null && password == null
                        ? factory.createXAConnection() : factory.createXAConnection(user, password));
                opened.setExceptionListener(e -> lost = true);
                connection = opened;
                resource = opened.createXASession().getXAResource();
                resource.setTransactionTimeout(timeoutSeconds());
                lost = false;
            } catch (JMSException e) {
                close();
                throw resourceManagerFailure("cannot reach the broker at " + factory.getBrokerURL() + ": "
                        + e.getMessage(), e);
            }
        }
        return resource;
    }

    @Override
    protected synchronized XAResource current() {
        return resource;
    }

    @Override
    protected void unreachable(XAException cause) {
        lost = true;
    }

    /** Closes the connection; a later call connects again. */
    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (JMSException | RuntimeException e) {
                // lost already
            }
        }
        connection = null;
        resource = null;
    }

    @Override
    public String toString() {
        return "KeelMQ reconnecting XAResource[" + factory.getBrokerURL() + "]";
    }
}
