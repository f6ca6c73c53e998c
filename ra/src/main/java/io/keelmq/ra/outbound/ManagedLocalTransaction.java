package io.keelmq.ra.outbound;

import io.keelmq.jms.KeelSession;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.IllegalStateException;
import jakarta.resource.spi.LocalTransaction;

/**
 * A container-demarcated local transaction (transaction support LocalTransaction): one transacted session of the
 * managed connection that every handle uses while it is active, committed or rolled back by the container.
 */
final class ManagedLocalTransaction implements LocalTransaction {
    private final KeelManagedConnection connection;
    private KeelSession session;
    private volatile boolean active;

    ManagedLocalTransaction(KeelManagedConnection connection) {
        this.connection = connection;
    }

    boolean isActive() {
        return active;
    }

    synchronized KeelSession session() throws JMSException {
        if (session == null) {
            session = (KeelSession) connection.physical().createSession(true, Session.SESSION_TRANSACTED);
        }
        return session;
    }

    @Override
    public synchronized void begin() throws ResourceException {
        if (active) {
            throw new IllegalStateException("a local transaction is already active on this connection");
        }
        if (connection.inXaBranch()) {
            throw new IllegalStateException("an XA branch is active on this connection");
        }
        try {
            session();
        } catch (JMSException e) {
            connection.connectionFailed(e);
            throw new ResourceException("could not begin a local transaction: " + e.getMessage(), e);
        }
        active = true;
    }

    @Override
    public synchronized void commit() throws ResourceException {
        end(true);
    }

    @Override
    public synchronized void rollback() throws ResourceException {
        end(false);
    }

    private void end(boolean commit) throws ResourceException {
        if (!active) {
            throw new IllegalStateException("no local transaction is active on this connection");
        }
        try {
            if (commit) {
                session.commit();
            } else {
                session.rollback();
            }
        } catch (JMSException e) {
            throw new ResourceException((commit ? "commit" : "rollback") + " failed: " + e.getMessage(), e);
        } finally {
            active = false;
        }
    }

    synchronized void closeSessionIfIdle() {
        if (!active && session != null) {
            try {
                session.close();
            } catch (JMSException | RuntimeException e) {
                // The connection is going or gone.
            }
            session = null;
        }
    }
}
