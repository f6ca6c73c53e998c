package io.keelmq.jms.provider.failover;

import io.keelmq.jms.provider.ConnectRequest;
import io.keelmq.jms.provider.ConnectionFailedException;
import io.keelmq.jms.provider.ConnectionInfo;
import io.keelmq.jms.provider.Provider;
import io.keelmq.jms.provider.ProviderListener;
import io.keelmq.jms.provider.TransactionCheck;
import io.keelmq.jms.transport.HostAndPort;
import jakarta.jms.JMSException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Which broker connection a {@link FailoverProvider} uses, and every change of it: the first connection, the
 * reconnection after a loss (or a slave's NOT_MASTER), and the move to another broker for
 * retryAnotherBrokerWhenNotStoreOK. Changes run one at a time on one worker thread; a new connection is used only
 * once everything was created again on it ({@link ReplayState}). Requests that find no connection wait for the next
 * one ({@link #await}, {@link #whenConnected}); they fail only when the provider is closed or no broker was reached
 * within {@code reconnectTimeout}, which is also when the JMS connection hears of the loss.
 */
final class GenerationSwitch {
    private static final System.Logger LOG = System.getLogger(FailoverProvider.class.getName());
    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 1000;

    private final BrokerCandidates candidates;
    private final Function<HostAndPort, Provider> connector;
    private final ReplayState state;
    private final FailoverOptions options;
    private final long requestTimeoutMillis;
    private final ExecutorService worker;

    private final Object lock = new Object();
    /** Guarded by lock: the connection in use; null while reconnecting or moving, and once ended. */
    private Generation current;
    private long lastNumber;
    private boolean closed;
    private JMSException gaveUp;
    private final List<Parked> parked = new ArrayList<>();
    /**
     * Guarded by lock: the wait before reconnecting after a NOT_MASTER that names no new master (the slaves of a
     * group still name a master that died, until another is elected): 0 at the first such refusal, then doubling up
     * to MAX_BACKOFF_MILLIS, so a connection does not go round the slaves as fast as they answer.
     */
    private long notMasterBackoffMillis;
    private long lastFruitlessNotMasterNanos = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);

    private volatile ConnectRequest request;
    private volatile ProviderListener listener;
    private volatile ConnectionInfo lastInfo;

    /** Something to do on the next connection, or to fail if there is none. */
    private record Parked(Consumer<Generation> action, Consumer<JMSException> failure) {
    }

    GenerationSwitch(BrokerCandidates candidates, Function<HostAndPort, Provider> connector, ReplayState state,
                     FailoverOptions options, long requestTimeoutMillis) {
        this.candidates = candidates;
        this.connector = connector;
        this.state = state;
        this.options = options;
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.worker = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "keel-failover-" + candidates.urlAddresses());
            thread.setDaemon(true);
            return thread;
        });
    }

    // ---------------------------------------------------------------- the first connection

    /** Tries the brokers in order, once each; the first that accepts is used. */
    ConnectionInfo connect(ConnectRequest connectRequest, ProviderListener connectionListener) throws JMSException {
        this.request = connectRequest;
        this.listener = connectionListener;
        JMSException first = null;
        for (HostAndPort address : candidates.order()) {
            try {
                Generation g = open(address);
                synchronized (lock) {
                    if (closed) {
                        g.provider().close();
                        throw new ConnectionFailedException("the connection was closed while it connected", null);
                    }
                    current = g;
                }
                return g.provider().connectionInfo();
            } catch (JMSException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        worker.shutdown();
        throw first;
    }

    private Generation open(HostAndPort address) throws JMSException {
        long number;
        synchronized (lock) {
            number = ++lastNumber;
        }
        Provider provider = connector.apply(address);
        ProviderListener outer = listener;
        provider.connect(request, new ProviderListener() {
            @Override
            public void onConnectionFailure(JMSException cause) {
                lost(number, cause);
            }

            @Override
            public void onTransactionCheck(TransactionCheck check) {
                outer.onTransactionCheck(check);
            }
        });
        lastInfo = provider.connectionInfo();
        candidates.learn(lastInfo.groupBrokers());
        return new Generation(number, provider, address);
    }

    // ---------------------------------------------------------------- what requests ask

    Generation currentOrNull() {
        synchronized (lock) {
            return current;
        }
    }

    ConnectionInfo lastInfo() {
        return lastInfo;
    }

    boolean isEnded() {
        synchronized (lock) {
            return closed || gaveUp != null;
        }
    }

    /** The connection in use, waiting while the provider reconnects. */
    Generation await() throws JMSException {
        long boundMillis = options.reconnectTimeoutMillis() + 2 * requestTimeoutMillis;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(boundMillis);
        synchronized (lock) {
            while (current == null) {
                JMSException ended = endedFailure();
                if (ended != null) {
                    throw ended;
                }
                long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMillis <= 0) {
                    throw new ConnectionFailedException("no broker connection within " + boundMillis + " ms", null);
                }
                try {
                    lock.wait(leftMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    JMSException interrupted = new JMSException("interrupted while waiting for a broker connection");
                    interrupted.initCause(e);
                    throw interrupted;
                }
            }
            return current;
        }
    }

    /**
     * Runs {@code action} with the connection in use, at once, or on the worker thread as soon as the next one is
     * ready; {@code failure} gets the reason if there will be none. Never blocks: for callbacks on transport threads.
     */
    void whenConnected(Consumer<Generation> action, Consumer<JMSException> failure) {
        Generation g;
        JMSException ended;
        synchronized (lock) {
            g = current;
            ended = g == null ? endedFailure() : null;
            if (g == null && ended == null) {
                parked.add(new Parked(action, failure));
                return;
            }
        }
        if (g != null) {
            action.accept(g);
        } else {
            failure.accept(ended);
        }
    }

    /** Guarded by lock. */
    private JMSException endedFailure() {
        if (closed) {
            return new ConnectionFailedException("the connection is closed", null);
        }
        if (gaveUp != null) {
            return new ConnectionFailedException(gaveUp.getMessage(), gaveUp);
        }
        return null;
    }

    /**
     * Called with a request's failure on connection {@code g}: when it is a lost connection or a slave's refusal,
     * a failover starts (if it has not already) and the caller should do the request again on the next connection.
     *
     * @return whether the request should be done again
     */
    boolean failedOver(Generation g, JMSException e) {
        long delayMillis = 0;
        if (BrokerCandidates.isNotMaster(e)) {
            delayMillis = notMasterDelay(candidates.refusedBySlave(g.address(), e));
        } else if (!(e instanceof ConnectionFailedException)) {
            return false;
        }
        lost(g.number(), e, delayMillis);
        return true;
    }

    /** How long to wait before reconnecting after a slave's refusal (none when it names a new master). */
    private long notMasterDelay(boolean namesNewMaster) {
        synchronized (lock) {
            long now = System.nanoTime();
            if (namesNewMaster || now - lastFruitlessNotMasterNanos > TimeUnit.SECONDS.toNanos(30)) {
                notMasterBackoffMillis = 0;
            } else {
                notMasterBackoffMillis = notMasterBackoffMillis == 0 ? FIRST_BACKOFF_MILLIS
                        : Math.min(MAX_BACKOFF_MILLIS, notMasterBackoffMillis * 2);
            }
            if (!namesNewMaster) {
                lastFruitlessNotMasterNanos = now;
            }
            return notMasterBackoffMillis;
        }
    }

    // ---------------------------------------------------------------- reconnecting

    /** Connection {@code number} is lost: unless already replaced, reconnect. */
    private void lost(long number, JMSException cause) {
        lost(number, cause, 0);
    }

    /**
     * Connection {@code number} is lost or refuses (NOT_MASTER): unless already replaced, reconnect, after
     * {@code delayMillis}.
     */
    private void lost(long number, JMSException cause, long delayMillis) {
        Generation lostOne;
        synchronized (lock) {
            if (closed || current == null || current.number() != number) {
                return;
            }
            lostOne = current;
            current = null;
        }
        LOG.log(System.Logger.Level.INFO, "KeelMQ connection to " + lostOne.address() + " lost ("
                + cause.getMessage() + "); failing over among " + candidates.order());
        try {
            worker.execute(() -> reconnect(lostOne, cause, delayMillis));
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void reconnect(Generation lostOne, JMSException cause, long delayMillis) {
        lostOne.provider().close();
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                return;     // closed
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.reconnectTimeoutMillis());
        JMSException last = cause;
        long backoff = FIRST_BACKOFF_MILLIS;
        while (!isEnded()) {
            boolean redirected = false;
            for (HostAndPort address : candidates.order()) {
                if (isEnded()) {
                    return;
                }
                try {
                    Generation g = open(address);
                    if (replayAndPublish(g, null)) {
                        LOG.log(System.Logger.Level.INFO, "KeelMQ connection failed over to " + address);
                    }
                    return;
                } catch (JMSException e) {
                    last = e;
                    if (BrokerCandidates.isNotMaster(e) && candidates.refusedBySlave(address, e)) {
                        redirected = true;
                        break;
                    }
                } catch (RuntimeException e) {
                    last = new ConnectionFailedException("connecting to " + address + " failed: " + e, e);
                }
                if (System.nanoTime() - deadline >= 0) {
                    break;
                }
            }
            long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMillis <= 0) {
                giveUp(last);
                return;
            }
            if (!redirected) {
                try {
                    Thread.sleep(Math.min(backoff, leftMillis));
                } catch (InterruptedException e) {
                    return;     // closed
                }
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            }
        }
    }

    private void giveUp(JMSException last) {
        ConnectionFailedException failure = new ConnectionFailedException("no broker of "
                + candidates.urlAddresses() + " could be reached within reconnectTimeout "
                + options.reconnectTimeoutMillis() + " ms; last failure: " + last.getMessage(), last);
        List<Parked> toFail;
        synchronized (lock) {
            if (closed) {
                return;
            }
            gaveUp = failure;
            toFail = takeParked();
            lock.notifyAll();
        }
        LOG.log(System.Logger.Level.WARNING, failure.getMessage());
        toFail.forEach(p -> p.failure().accept(new ConnectionFailedException(failure.getMessage(), failure)));
        worker.shutdown();
        listener.onConnectionFailure(failure);
    }

    /**
     * Creates everything again on {@code g} and makes it the connection in use, if the one in use is still
     * {@code replacing} (null: none, a reconnection). Requests that waited for a connection then run on it.
     *
     * @return false if the provider was closed or another change came first ({@code g} is closed then)
     * @throws JMSException if creating things on {@code g} failed ({@code g} is closed, {@code replacing} kept)
     */
    private boolean replayAndPublish(Generation g, Generation replacing) throws JMSException {
        List<Parked> toRun;
        state.lock().lock();
        try {
            synchronized (lock) {
                if (closed || current != replacing) {
                    g.provider().close();
                    return false;
                }
                current = null;     // requests wait while the new connection is being made ready
            }
            try {
                state.replay(g.provider());
            } catch (JMSException | RuntimeException e) {
                g.provider().close();
                if (replacing != null) {
                    restore(replacing);
                }
                throw e;
            }
            synchronized (lock) {
                if (closed) {
                    g.provider().close();
                    return false;
                }
                current = g;
                toRun = takeParked();
                lock.notifyAll();
            }
        } finally {
            state.lock().unlock();
        }
        toRun.forEach(p -> p.action().accept(g));
        if (replacing != null) {
            replacing.provider().close();
        }
        if (g.provider().isClosed()) {
            lost(g.number(), new ConnectionFailedException("the connection to " + g.address()
                    + " was lost as it was made ready", null));
        }
        return true;
    }

    /** A move that failed: the connection it would have replaced stays in use (or is reconnected if it died). */
    private void restore(Generation replacing) {
        List<Parked> toRun;
        synchronized (lock) {
            if (closed) {
                return;
            }
            current = replacing;
            toRun = takeParked();
            lock.notifyAll();
        }
        toRun.forEach(p -> p.action().accept(replacing));
        if (replacing.provider().isClosed()) {
            lost(replacing.number(), new ConnectionFailedException("the connection to " + replacing.address()
                    + " was lost", null));
        }
    }

    /** Guarded by lock. */
    private List<Parked> takeParked() {
        List<Parked> taken = new ArrayList<>(parked);
        parked.clear();
        return taken;
    }

    // ---------------------------------------------------------------- moving to another broker

    /**
     * retryAnotherBrokerWhenNotStoreOK: moves from {@code from} to the first other broker that accepts the connection
     * and everything created on it, waiting for the move.
     *
     * @return whether the connection in use is now to another broker
     */
    boolean moveAway(Generation from) {
        long boundMillis = options.reconnectTimeoutMillis()
                + requestTimeoutMillis * (candidates.urlAddresses().size() + 2L);
        try {
            Future<Boolean> moved = worker.submit(() -> move(from));
            return moved.get(boundMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            return false;
        }
    }

    /** As {@link #moveAway}, without waiting: {@code then} gets the outcome on the worker thread. */
    void moveAwayThen(Generation from, Consumer<Boolean> then) {
        try {
            worker.execute(() -> then.accept(move(from)));
        } catch (RejectedExecutionException e) {
            then.accept(false);
        }
    }

    private boolean move(Generation from) {
        Generation now = currentOrNull();
        if (now != from) {
            return now != null && !now.address().equals(from.address());
        }
        for (HostAndPort address : candidates.others(from.address())) {
            try {
                Generation g = open(address);
                if (replayAndPublish(g, from)) {
                    LOG.log(System.Logger.Level.INFO, "KeelMQ connection moved from " + from.address() + " to "
                            + address + " (retryAnotherBrokerWhenNotStoreOK)");
                    return true;
                }
                return false;
            } catch (JMSException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "broker " + address + " did not take the connection: "
                        + e.getMessage());
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- closing

    void close() {
        Generation g;
        List<Parked> toFail;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            g = current;
            current = null;
            toFail = takeParked();
            lock.notifyAll();
        }
        worker.shutdownNow();
        if (g != null) {
            g.provider().close();
        }
        toFail.forEach(p -> p.failure().accept(new ConnectionFailedException("the connection is closed", null)));
    }
}
