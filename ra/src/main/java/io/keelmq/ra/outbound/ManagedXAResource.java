package io.keelmq.ra.outbound;

import io.keelmq.jms.KeelXASession;
import jakarta.jms.JMSException;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The XAResource a managed connection gives its transaction manager, once and for its whole life (servers cache
 * it): it starts and ends branches on the connection's current XA session, created when the first branch starts and
 * closed by {@link KeelManagedConnection#cleanup()} when no branch is active. prepare, commit, rollback, forget and
 * recover address the broker by Xid, so they work through any session of the connection, also a closed one's
 * resource. A broker that cannot be reached (XAER_RMFAIL) takes the connection out of the pool.
 */
final class ManagedXAResource implements XAResource {
    private final KeelManagedConnection connection;
    private KeelXASession session;
    /** The resource of the current session, or of the last one once it is closed. */
    private XAResource resource;
    private volatile boolean inBranch;
    private int timeoutSeconds;

    ManagedXAResource(KeelManagedConnection connection) {
        this.connection = connection;
    }

    /** The XA session the handles of a transaction share; created on first use. */
    synchronized KeelXASession session() throws JMSException {
        if (session == null) {
            session = (KeelXASession) connection.physical().createXASession();
            resource = session.getXAResource();
            try {
                resource.setTransactionTimeout(timeoutSeconds);
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

    private synchronized XAResource resource() throws XAException {
        if (resource == null) {
            try {
                session();
            } catch (JMSException | RuntimeException e) {
                throw failed(e);
            }
        }
        return resource;
    }

    private XAException failed(Exception cause) {
        XAException e = new XAException("KeelMQ connection unusable: " + cause.getMessage());
        e.errorCode = XAException.XAER_RMFAIL;
        e.initCause(cause);
        connection.connectionFailed(cause);
        return e;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        if (connection.inLocalTransaction()) {
            XAException e = new XAException("a container local transaction is active on this connection");
            e.errorCode = XAException.XAER_PROTO;
            throw e;
        }
        XAResource current;
        synchronized (this) {
            try {
                session();
            } catch (JMSException | RuntimeException e) {
                throw failed(e);
            }
            current = resource;
        }
        call(() -> current.start(xid, flags));
        inBranch = true;
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        try {
            call(() -> resource().end(xid, flags));
        } finally {
            inBranch = false;
        }
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        int[] vote = new int[1];
        call(() -> vote[0] = resource().prepare(xid));
        return vote[0];
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        call(() -> resource().commit(xid, onePhase));
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        call(() -> resource().rollback(xid));
    }

    @Override
    public void forget(Xid xid) throws XAException {
        call(() -> resource().forget(xid));
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        Xid[][] found = new Xid[1][];
        call(() -> found[0] = resource().recover(flag));
        return found[0];
    }

    /** The same broker (its resource-manager id), whoever wraps the other resource. */
    @Override
    public boolean isSameRM(XAResource other) throws XAException {
        XAResource unwrapped = other instanceof ManagedXAResource managed ? managed.resource() : other;
        return resource().isSameRM(unwrapped);
    }

    @Override
    public synchronized int getTransactionTimeout() {
        return timeoutSeconds;
    }

    @Override
    public synchronized boolean setTransactionTimeout(int seconds) throws XAException {
        if (resource != null) {
            resource.setTransactionTimeout(seconds);
        }
        timeoutSeconds = seconds;
        return true;
    }

    private interface XaCall {
        void run() throws XAException;
    }

    private void call(XaCall call) throws XAException {
        try {
            call.run();
        } catch (XAException e) {
            if (e.errorCode == XAException.XAER_RMFAIL) {
                connection.connectionFailed(e);
            }
            throw e;
        }
    }
}
