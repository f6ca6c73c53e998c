package io.keelmq.ra.outbound;

import io.keelmq.jms.KeelXASession;
import io.keelmq.ra.xa.DelegatingXAResource;
import io.keelmq.ra.xa.ReconnectingXAResource;
import jakarta.jms.JMSException;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The XAResource a managed connection gives its transaction manager, once and for its whole life (servers cache
 * it): it starts and ends branches on the connection's current XA session, created when the first branch starts and
 * closed by {@link KeelManagedConnection#cleanup()} when no branch is active. A broker that cannot be reached
 * (XAER_RMFAIL) takes the connection out of the pool.
 *
 * <p>prepare, commit, rollback, forget and recover address the broker by Xid, so they work through any session of
 * the connection, also a closed one's resource. Once the connection itself is lost (or destroyed) they go through a
 * connection of their own, opened for the one call: a transaction manager keeps this object for the second phase
 * and for recovery (WildFly's recovery keeps one managed connection's resource across scans), and a broker that was
 * restarted meanwhile must still hear the commit of a branch it prepared.
 */
final class ManagedXAResource extends DelegatingXAResource {
    private final KeelManagedConnection connection;
    private KeelXASession session;
    /** The resource of the current session, or of the last one once it is closed. */
    private XAResource resource;
    private volatile boolean inBranch;

    ManagedXAResource(KeelManagedConnection connection) {
        this.connection = connection;
    }

    /** The XA session the handles of a transaction share; created on first use. */
    synchronized KeelXASession session() throws JMSException {
        if (session == null) {
            session = (KeelXASession) connection.physical().createXASession();
            resource = session.getXAResource();
            try {
                resource.setTransactionTimeout(timeoutSeconds());
            } catch (XAException e) {
                throw new IllegalStateException("a non-negative timeout was refused", e);
            }
        }
        return session;
    }

    boolean inBranch() {
        return inBranch;
    }

    synchronized void closeSessionIfIdle() {
        if (!inBranch && session != null) {
            try {
                session.close();
            } catch (JMSException | RuntimeException e) {
                // The connection is going or gone; nothing of the session is needed any more.
            }
            session = null;
        }
    }

    /** The current session's resource; calls by Xid may use the last closed session's (see the class comment). */
    @Override
    protected synchronized XAResource target() throws XAException {
        if (resource == null) {
            openSession();
        }
        return resource;
    }

    private synchronized void openSession() throws XAException {
        try {
            session();
        } catch (JMSException | RuntimeException e) {
            XAException x = resourceManagerFailure("KeelMQ connection unusable: " + e.getMessage(), e);
            unreachable(x);
            throw x;
        }
    }

    @Override
    protected synchronized XAResource current() {
        return resource;
    }

    @Override
    protected void unreachable(XAException cause) {
        connection.connectionFailed(cause);
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        if (connection.inLocalTransaction()) {
            XAException e = new XAException("a container local transaction is active on this connection");
            e.errorCode = XAException.XAER_PROTO;
            throw e;
        }
        openSession(); // a branch starts on a live session, never on the last closed one's resource
        super.start(xid, flags);
        inBranch = true;
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        try {
            super.end(xid, flags);
        } finally {
            inBranch = false;
        }
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        return connection.isUsable() ? super.prepare(xid) : onFreshConnection(r -> r.prepare(xid));
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        if (connection.isUsable()) {
            super.commit(xid, onePhase);
        } else {
            onFreshConnection(r -> {
                r.commit(xid, onePhase);
                return null;
            });
        }
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        if (connection.isUsable()) {
            super.rollback(xid);
        } else {
            onFreshConnection(r -> {
                r.rollback(xid);
                return null;
            });
        }
    }

    @Override
    public void forget(Xid xid) throws XAException {
        if (connection.isUsable()) {
            super.forget(xid);
        } else {
            onFreshConnection(r -> {
                r.forget(xid);
                return null;
            });
        }
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return connection.isUsable() ? super.recover(flag) : onFreshConnection(r -> r.recover(flag));
    }

    /** One call by Xid on a connection opened for it, signed on as this managed connection was. */
    private <T> T onFreshConnection(XaCall<T> call) throws XAException {
        Credentials credentials = connection.credentials();
        try (ReconnectingXAResource fresh = new ReconnectingXAResource(connection.factory().connectionFactory(),
                credentials.user(), credentials.password())) {
            return call.call(fresh);
        }
    }
}
