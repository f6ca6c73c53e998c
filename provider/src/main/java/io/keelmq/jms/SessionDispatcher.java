package io.keelmq.jms;

import jakarta.jms.JMSException;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a session's message listeners on one thread, one message at a time (spec 6.2.13), created when the first
 * listener needs it.
 *
 * <p>Each delivery happens under {@link #deliveryLock}, which is what lets stop(), close() and recover() wait for a
 * listener in progress: they take the lock after forbidding new deliveries, and the lock is free exactly when no
 * listener runs. It is reentrant, so a listener may call recover() or acknowledge() on its own session.
 */
final class SessionDispatcher {
    private static final System.Logger LOG = System.getLogger(SessionDispatcher.class.getName());

    private final KeelSession session;
    private final ReentrantLock deliveryLock = new ReentrantLock();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private ExecutorService executor;
    private volatile Thread thread;
    private int next;

    SessionDispatcher(KeelSession session) {
        this.session = session;
    }

    /** Something may be deliverable: a message arrived, a listener was set, or the connection started. */
    void wakeup() {
        if (!session.canDeliver() || !scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            executor().execute(this::drain);
        } catch (RejectedExecutionException e) {
            scheduled.set(false);
        }
    }

    private synchronized ExecutorService executor() {
        if (executor == null) {
            executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "keel-session-" + session.sessionId() + "-listener");
                t.setDaemon(true);
                thread = t;
                return t;
            });
        }
        return executor;
    }

    private void drain() {
        try {
            while (deliverOne()) {
                // one message per lock acquisition, so stop() and close() can get in between
            }
        } finally {
            scheduled.set(false);
        }
        // A message may have arrived after the last empty check and before the flag was cleared.
        if (hasReady()) {
            wakeup();
        }
    }

    private boolean deliverOne() {
        deliveryLock.lock();
        try {
            if (!session.canDeliver()) {
                return false;
            }
            List<KeelMessageConsumer> consumers = session.consumers();
            for (int i = 0; i < consumers.size(); i++) {
                KeelMessageConsumer consumer = consumers.get((next + i) % consumers.size());
                if (consumer.deliverToListener()) {
                    next = (next + i + 1) % Math.max(1, consumers.size());
                    return true;
                }
            }
            return false;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "message delivery on session " + session.sessionId() + " failed", e);
            return false;
        } finally {
            deliveryLock.unlock();
        }
    }

    private boolean hasReady() {
        if (!session.canDeliver()) {
            return false;
        }
        for (KeelMessageConsumer consumer : session.consumers()) {
            if (consumer.hasListenerWork()) {
                return true;
            }
        }
        return false;
    }

    /** Returns once no listener of this session runs; new deliveries must already be forbidden by the caller. */
    void awaitIdle() {
        if (!deliveryLock.isHeldByCurrentThread()) {
            deliveryLock.lock();
            deliveryLock.unlock();
        }
    }

    interface Action {
        void run() throws JMSException;
    }

    /** Runs {@code action} while no listener of this session runs (recover, close of a consumer). */
    void runExclusive(Action action) throws JMSException {
        deliveryLock.lock();
        try {
            action.run();
        } finally {
            deliveryLock.unlock();
        }
    }

    boolean isDispatchThread() {
        return Thread.currentThread() == thread;
    }

    synchronized void shutdown() {
        if (executor != null) {
            executor.shutdown();
        }
    }
}
