package io.keelmq.ra.it.wildfly.app;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A second resource in a transaction that holds the transaction manager in its commit phase: enlisted before
 * KeelMQ's branch, it votes XA_OK in prepare, then its commit waits until the test released it, while KeelMQ's branch
 * is prepared and not yet committed. That is the moment a test kills the broker to prove that the server's recovery
 * finishes the commit. One stall at a time (the test's).
 */
public final class StalledCommit implements XAResource {
    private static volatile CountDownLatch reached = new CountDownLatch(1);
    private static volatile CountDownLatch released = new CountDownLatch(1);

    /** Arms the next stall. */
    static void arm() {
        reached = new CountDownLatch(1);
        released = new CountDownLatch(1);
    }

    static boolean isStalled() {
        return reached.getCount() == 0;
    }

    static void release() {
        released.countDown();
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        reached.countDown();
        try {
            // Bounded: a test that never releases must not hold a server thread for ever.
            released.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public int prepare(Xid xid) {
        return XA_OK;
    }

    @Override
    public void start(Xid xid, int flags) {
    }

    @Override
    public void end(Xid xid, int flags) {
    }

    @Override
    public void rollback(Xid xid) {
    }

    @Override
    public void forget(Xid xid) {
    }

    @Override
    public Xid[] recover(int flag) {
        return new Xid[0];
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }
}
