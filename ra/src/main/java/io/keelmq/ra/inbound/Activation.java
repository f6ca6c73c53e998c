package io.keelmq.ra.inbound;

import io.keelmq.jms.KeelXAConnection;
import jakarta.jms.JMSException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Timer;
import java.util.TimerTask;

/**
 * One activated endpoint (a message-driven bean bound to a destination): a broker connection with maxSession
 * {@link SessionWorker}s on the server's WorkManager (one for an unshared topic subscription, which a second session
 * would duplicate). When the connection is lost (the broker stopped, restarted or became unreachable) the workers end
 * and the activation reconnects with back-off, doubling from reconnectInitialDelayMillis to reconnectMaxDelayMillis,
 * until it succeeds or the endpoint is deactivated. The waits are scheduled on the server's Timer; connecting and
 * delivering run on WorkManager threads.
 */
public final class Activation {
    private static final System.Logger LOG = System.getLogger(Activation.class.getName());
    /** How long deactivation waits for deliveries in progress before it closes the connection under them. */
    private static final long DEACTIVATION_WAIT_MILLIS = 60_000;
    /** How long deactivation waits for a connection attempt in progress (bounded by the client's connect timeout). */
    private static final long IDLE_WAIT_MILLIS = 30_000;

    /**
     * CONNECTING: no connection; one attempt is scheduled or running. RUNNING: the connection of {@code generation}
     * delivers. STOPPED: deactivated, for good.
     */
    private enum State { CONNECTING, RUNNING, STOPPED }

    private final MessageEndpointFactory endpoints;
    private final KeelActivationSpec spec;
    private final ActivationTarget target;
    private final boolean transacted;
    private final WorkManager workManager;
    private final Timer timer;
    private final Object lock = new Object();
    private State state = State.CONNECTING;
    private KeelXAConnection connection;
    private List<SessionWorker> workers = List.of();
    /** Numbers connection attempts: a loss reported for an older connection than the current one is ignored. */
    private int generation;
    /** Threads making or closing a connection of this activation, which stop() waits for. */
    private int busy;
    private long nextDelay;
    private TimerTask pendingRetry;
    private int failedAttempts;

    Activation(MessageEndpointFactory endpoints, KeelActivationSpec spec, ActivationTarget target,
               WorkManager workManager, Timer timer) throws NoSuchMethodException {
        this.endpoints = endpoints;
        this.spec = spec;
        this.target = target;
        this.transacted = endpoints.isDeliveryTransacted(SessionWorker.ON_MESSAGE);
        this.workManager = workManager;
        this.timer = timer;
        this.nextDelay = spec.getReconnectInitialDelayMillis();
    }

    MessageEndpointFactory endpoints() {
        return endpoints;
    }

    KeelActivationSpec spec() {
        return spec;
    }

    ActivationTarget target() {
        return target;
    }

    boolean transacted() {
        return transacted;
    }

    /** Connects in the background; a broker that is down now is retried until it is up. */
    void start() {
        submitConnect();
    }

    private void submitConnect() {
        try {
            workManager.scheduleWork(new jakarta.resource.spi.work.Work() {
                @Override
                public void run() {
                    connect();
                }

                @Override
                public void release() {
                }

                @Override
                public String toString() {
                    return "KeelMQ connect for " + Activation.this;
                }
            });
        } catch (WorkException e) {
            LOG.log(System.Logger.Level.WARNING, "the WorkManager refused to connect " + this + ": " + e);
            retryLater();
        }
    }

    /**
     * One connection attempt. Only one runs at a time: the activation is CONNECTING from the moment it loses (or has
     * not yet made) its connection until an attempt installs one, and only the caller that moved it out of RUNNING
     * schedules the next attempt. An attempt that finds the activation stopped when it finishes closes what it made.
     */
    private void connect() {
        int attempt;
        synchronized (lock) {
            if (state != State.CONNECTING) {
                return;
            }
            attempt = ++generation;
            busy++;
        }
        try {
            connectAttempt(attempt);
        } finally {
            idle();
        }
    }

    private void connectAttempt(int attempt) {
        KeelXAConnection opened = null;
        List<SessionWorker> opening = new ArrayList<>();
        try {
            opened = (KeelXAConnection) target.factory().createXAConnection();
            int sessions = target.topic() && !spec.isShared() ? 1 : spec.getMaxSession();
            for (int i = 0; i < sessions; i++) {
                SessionWorker worker = new SessionWorker(this, opened, attempt);
                worker.open();
                opening.add(worker);
            }
            opened.setExceptionListener(e -> connectionLost(attempt, e));
            opened.start();
        } catch (JMSException | RuntimeException e) {
            opening.forEach(SessionWorker::abandon);
            close(opened);
            long delay;
            int failed;
            synchronized (lock) {
                failed = ++failedAttempts;
                delay = nextDelay;
            }
            LOG.log(failed == 1 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                    "could not activate " + this + " (attempt " + failed + "): " + e.getMessage()
                            + "; retrying in " + delay + " ms");
            retryLater();
            return;
        }
        boolean installed;
        synchronized (lock) {
            installed = state == State.CONNECTING && generation == attempt;
            if (installed) {
                connection = opened;
                workers = opening;
                state = State.RUNNING;
                nextDelay = spec.getReconnectInitialDelayMillis();
                if (failedAttempts > 0) {
                    LOG.log(System.Logger.Level.INFO, "activated " + this + " after " + failedAttempts
                            + " failed attempts");
                }
                failedAttempts = 0;
            }
        }
        if (!installed) {
            // Deactivated while connecting: what this attempt made must not outlive the activation.
            opening.forEach(SessionWorker::abandon);
            close(opened);
            return;
        }
        for (SessionWorker worker : opening) {
            try {
                workManager.scheduleWork(worker, WorkManager.INDEFINITE, null, null);
            } catch (WorkException e) {
                worker.abandon();
                connectionLost(attempt, e);
                return;
            }
        }
    }

    /** Waits the current back-off on the server's timer, then connects again; the back-off doubles. */
    private void retryLater() {
        synchronized (lock) {
            if (state != State.CONNECTING) {
                return;
            }
            long delay = nextDelay;
            nextDelay = Math.min(nextDelay * 2, spec.getReconnectMaxDelayMillis());
            pendingRetry = new TimerTask() {
                @Override
                public void run() {
                    submitConnect();
                }
            };
            try {
                timer.schedule(pendingRetry, delay);
            } catch (IllegalStateException e) {
                // The server's timer is cancelled: the adapter is stopping.
                LOG.log(System.Logger.Level.DEBUG, "no reconnection of " + this + ": the timer is cancelled");
            }
        }
    }

    /**
     * A worker or the connection's exception listener saw the connection fail. Any thread; does not wait. Every
     * worker of the connection and its exception listener report the same loss, often at once: the first moves the
     * activation to CONNECTING, so it alone closes the connection and schedules the one reconnection.
     */
    void connectionLost(int lostGeneration, Exception cause) {
        KeelXAConnection lost;
        List<SessionWorker> stopping;
        synchronized (lock) {
            if (state != State.RUNNING || lostGeneration != generation) {
                return;
            }
            state = State.CONNECTING;
            lost = connection;
            stopping = workers;
            connection = null;
            workers = List.of();
            busy++;
        }
        try {
            LOG.log(System.Logger.Level.WARNING, "connection of " + this + " lost (" + cause.getMessage()
                    + "); reconnecting");
            stopping.forEach(SessionWorker::release);
            close(lost);
        } finally {
            idle();
        }
        retryLater();
    }

    /** A connection attempt or the closing of a lost connection ended: stop() may be waiting for it. */
    private void idle() {
        synchronized (lock) {
            busy--;
            lock.notifyAll();
        }
    }

    /**
     * Deactivation: no new delivery starts, deliveries in progress finish (up to a minute), then the connection
     * closes; a connection attempt or the closing of a lost connection in progress is waited for, so that after this
     * returns the endpoint gets no more messages and the activation holds no connection.
     */
    void stop() {
        KeelXAConnection closing;
        List<SessionWorker> stopping;
        synchronized (lock) {
            state = State.STOPPED;
            if (pendingRetry != null) {
                pendingRetry.cancel();
                pendingRetry = null;
            }
            closing = connection;
            stopping = workers;
            connection = null;
            workers = List.of();
        }
        stopping.forEach(SessionWorker::release);
        long deadline = System.currentTimeMillis() + DEACTIVATION_WAIT_MILLIS;
        for (SessionWorker worker : stopping) {
            try {
                if (!worker.awaitFinished(Math.max(1, deadline - System.currentTimeMillis()))) {
                    LOG.log(System.Logger.Level.WARNING, worker + " still delivers after "
                            + DEACTIVATION_WAIT_MILLIS + " ms; closing its connection");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close(closing);
        awaitIdle();
    }

    /** Waits (bounded) for a connection attempt in progress to close what it made, or a lost connection to close. */
    private void awaitIdle() {
        long deadline = System.currentTimeMillis() + IDLE_WAIT_MILLIS;
        synchronized (lock) {
            try {
                while (busy > 0) {
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0) {
                        LOG.log(System.Logger.Level.WARNING, "a connection attempt of " + this + " still runs "
                                + IDLE_WAIT_MILLIS + " ms after deactivation; it closes its connection when it ends");
                        return;
                    }
                    lock.wait(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void close(KeelXAConnection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (JMSException | RuntimeException e) {
                // lost already: nothing more to release
            }
        }
    }

    @Override
    public String toString() {
        return "activation[" + target.destination() + (spec.getMessageSelector() == null ? ""
                : " selector " + spec.getMessageSelector()) + "]";
    }
}
