package io.keelmq.ra.inbound;

import io.keelmq.jms.KeelXAConnection;
import io.keelmq.jms.KeelXAConnectionFactory;
import jakarta.jms.JMSException;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * An XAResource for the transaction manager's recovery of activations' branches (ResourceAdapter.getXAResources):
 * it connects on first use and again after the connection is lost, so a recovery scan after a broker restart finds
 * the prepared branches; an unreachable broker is XAER_RMFAIL. Closed by the adapter's stop().
 */
public final class RecoveryXAResource implements XAResource {
    private final KeelXAConnectionFactory factory;
    private KeelXAConnection connection;
    private XAResource resource;
    private volatile boolean lost;
    private int timeoutSeconds;

    RecoveryXAResource(KeelXAConnectionFactory factory) {
        this.factory = factory;
    }

    private synchronized XAResource resource() throws XAException {
        if (resource == null || lost) {
            close();
            try {
                KeelXAConnection opened = (KeelXAConnection) factory.createXAConnection();
                opened.setExceptionListener(e -> lost = true);
                connection = opened;
                resource = opened.createXASession().getXAResource();
                resource.setTransactionTimeout(timeoutSeconds);
                lost = false;
            } catch (JMSException e) {
                close();
                XAException x = new XAException("cannot reach the broker at " + factory.getBrokerURL() + ": "
                        + e.getMessage());
                x.errorCode = XAException.XAER_RMFAIL;
                x.initCause(e);
                throw x;
            }
        }
        return resource;
    }

    /** Closes the connection; a later call connects again. */
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

    private interface XaCall<T> {
        T call(XAResource resource) throws XAException;
    }

    private <T> T call(XaCall<T> call) throws XAException {
        try {
            return call.call(resource());
        } catch (XAException e) {
            if (e.errorCode == XAException.XAER_RMFAIL) {
                lost = true;
            }
            throw e;
        }
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return call(r -> r.recover(flag));
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        call(r -> {
            r.commit(xid, onePhase);
            return null;
        });
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        call(r -> {
            r.rollback(xid);
            return null;
        });
    }

    @Override
    public void forget(Xid xid) throws XAException {
        call(r -> {
            r.forget(xid);
            return null;
        });
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        return call(r -> r.prepare(xid));
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        call(r -> {
            r.start(xid, flags);
            return null;
        });
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        call(r -> {
            r.end(xid, flags);
            return null;
        });
    }

    @Override
    public boolean isSameRM(XAResource other) throws XAException {
        return call(r -> r.isSameRM(other instanceof RecoveryXAResource recovery ? recovery.resource() : other));
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

    @Override
    public String toString() {
        return "KeelMQ recovery XAResource[" + factory.getBrokerURL() + "]";
    }
}
