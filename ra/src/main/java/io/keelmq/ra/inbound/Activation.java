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
    private int generation;
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

    private void connect() {
        synchronized (lock) {
            if (state == State.STOPPED) {
                return;
            }
        }
        KeelXAConnection opened = null;
        List<SessionWorker> opening = new ArrayList<>();
        int attempt;
        synchronized (lock) {
            attempt = generation + 1;
        }
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
            failedAttempts++;
            LOG.log(failedAttempts == 1 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                    "could not activate " + this + " (attempt " + failedAttempts + "): " + e.getMessage()
                            + "; retrying in " + nextDelay + " ms");
            retryLater();
            return;
        }
        synchronized (lock) {
            if (state == State.STOPPED) {
                opening.forEach(SessionWorker::abandon);
                close(opened);
                return;
            }
            connection = opened;
            workers = opening;
            generation = attempt;
            state = State.RUNNING;
            nextDelay = spec.getReconnectInitialDelayMillis();
            if (failedAttempts > 0) {
                LOG.log(System.Logger.Level.INFO, "activated " + this + " after " + failedAttempts
                        + " failed attempts");
            }
            failedAttempts = 0;
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
            if (state == State.STOPPED) {
                return;
            }
            state = State.CONNECTING;
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

    /** A worker or the connection's exception listener saw the connection fail. Any thread; does not wait. */
    void connectionLost(int lostGeneration, Exception cause) {
        KeelXAConnection lost;
        List<SessionWorker> stopping;
        synchronized (lock) {
            if (state != State.RUNNING || lostGeneration != generation) {
                return;
            }
            lost = connection;
            stopping = workers;
            connection = null;
            workers = List.of();
        }
        LOG.log(System.Logger.Level.WARNING, "connection of " + this + " lost (" + cause.getMessage()
                + "); reconnecting");
        stopping.forEach(SessionWorker::release);
        close(lost);
        retryLater();
    }

    /**
     * Deactivation: no new delivery starts, deliveries in progress finish (up to a minute), then the connection
     * closes. After this returns the endpoint gets no more messages.
     */
    void stop() {
        KeelXAConnection closing;
        List<SessionWorker> stopping;
        synchronized (lock) {
            state = State.STOPPED;
            if (pendingRetry != null) {
                pendingRetry.cancel();
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
