package io.keelmq.ra.xa;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * What the adapter's XAResources share: each forwards every call to a KeelMQ resource it obtains only when needed (a
 * session's, or one of a connection of its own), so
 * <ul>
 *   <li>the transaction timeout is kept here and applied to each resource obtained later (a server sets it before the
 *       first branch, when there is no resource yet);</li>
 *   <li>every XAER_RMFAIL, whether obtaining the resource or calling it, is reported to the subclass, which drops what
 *       it holds so that a later call reaches the broker afresh;</li>
 *   <li>isSameRM compares the brokers' resources whichever adapter resource wraps the other one (an activation's
 *       recovery resource and an outbound connection's resource on the same broker are the same resource manager).</li>
 * </ul>
 */
public abstract class DelegatingXAResource implements XAResource {
    private int timeoutSeconds;

    /** The KeelMQ resource to call now, obtained if needed, with {@link #timeoutSeconds()} applied to a new one. */
    protected abstract XAResource target() throws XAException;

    /** The resource currently held, or null: a new timeout applies to it at once. */
    protected abstract XAResource current();

    /** The broker could not be reached (XAER_RMFAIL). */
    protected abstract void unreachable(XAException cause);

    protected interface XaCall<T> {
        T call(XAResource resource) throws XAException;
    }

    /** Calls {@link #target()}, reporting XAER_RMFAIL. */
    protected final <T> T call(XaCall<T> call) throws XAException {
        try {
            return call.call(target());
        } catch (XAException e) {
            if (e.errorCode == XAException.XAER_RMFAIL) {
                unreachable(e);
            }
            throw e;
        }
    }

    /** XAER_RMFAIL: the broker cannot be reached, or the connection to it is unusable. */
    protected static XAException resourceManagerFailure(String message, Throwable cause) {
        XAException e = new XAException(message);
        e.errorCode = XAException.XAER_RMFAIL;
        e.initCause(cause);
        return e;
    }

    protected final synchronized int timeoutSeconds() {
        return timeoutSeconds;
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
    public int prepare(Xid xid) throws XAException {
        return call(r -> r.prepare(xid));
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
    public Xid[] recover(int flag) throws XAException {
        return call(r -> r.recover(flag));
    }

    @Override
    public final boolean isSameRM(XAResource other) throws XAException {
        XAResource theirs = other instanceof DelegatingXAResource delegating ? delegating.target() : other;
        return call(r -> r.isSameRM(theirs));
    }

    @Override
    public final synchronized int getTransactionTimeout() {
        return timeoutSeconds;
    }

    @Override
    public final synchronized boolean setTransactionTimeout(int seconds) throws XAException {
        XAResource held = current();
        if (held != null) {
            held.setTransactionTimeout(seconds);
        }
        timeoutSeconds = seconds;
        return true;
    }
}
