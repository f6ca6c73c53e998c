package io.keelmq.jms;

import io.keelmq.jms.provider.ConnectRequest;
import io.keelmq.jms.provider.ConnectionFailedException;
import io.keelmq.jms.provider.ConnectionInfo;
import io.keelmq.jms.provider.Provider;
import io.keelmq.jms.provider.ProviderListener;
import io.keelmq.jms.provider.TransactionCheck;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionConsumer;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueSession;
import jakarta.jms.ServerSessionPool;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicSession;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A connection to one broker (spec 6.1): created stopped, after the handshake; client id rules, start/stop, the
 * ExceptionListener and an orderly close. All broker traffic goes through its {@link Provider}.
 */
public class KeelConnection implements Connection, QueueConnection, TopicConnection {
    private static final System.Logger LOG = System.getLogger(KeelConnection.class.getName());

    private final Provider provider;
    private final ConnectionOptions options;
    private final Domain domain;
    private final String uuid = UUID.randomUUID().toString();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong messageIds = new AtomicLong();
    private final List<KeelSession> sessions = new CopyOnWriteArrayList<>();
    private final TemporaryDestinations temporaries = new TemporaryDestinations(this);
    private final AtomicBoolean used = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final boolean clientIdAdministered;
    private final ExecutorService exceptionNotifier;
    private final ScheduledExecutorService scheduler;
    private volatile ConnectionInfo info;
    private volatile String clientId;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile JMSException failure;
    private volatile ExceptionListener exceptionListener;
    /** Check-back answerers of the transactional producers' groups this connection registered. */
    private final TransactionCheckers checkers;

    KeelConnection(Provider provider, ConnectionOptions options, Domain domain) {
        this.provider = provider;
        this.options = options;
        this.domain = domain;
        this.clientId = options.getClientID();
        this.clientIdAdministered = clientId != null;
        this.exceptionNotifier = Executors.newSingleThreadExecutor(daemon("keel-connection-exceptions"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("keel-connection-scheduler"));
        this.checkers = new TransactionCheckers(provider);
    }

    /** Handshake: the connection exists for the application only once the broker accepted it. */
    void connect(String user, String password) throws JMSException {
        ProviderListener listener = new ProviderListener() {
            @Override
            public void onConnectionFailure(JMSException cause) {
                KeelConnection.this.onConnectionFailure(cause);
            }

            @Override
            public void onTransactionCheck(TransactionCheck check) {
                checkers.onCheck(check);
            }
        };
        try {
            info = provider.connect(new ConnectRequest(clientId, user, password, options.getHeartbeatInterval()),
                    listener);
        } catch (JMSException | RuntimeException e) {
            shutdownExecutors();
            throw e;
        }
    }

    // ---------------------------------------------------------------- sessions

    @Override
    public Session createSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return createSession(transacted, acknowledgeMode, Domain.UNIFIED);
    }

    @Override
    public Session createSession(int sessionMode) throws JMSException {
        return createSession(sessionMode == Session.SESSION_TRANSACTED, sessionMode, Domain.UNIFIED);
    }

    @Override
    public Session createSession() throws JMSException {
        return createSession(false, Session.AUTO_ACKNOWLEDGE, Domain.UNIFIED);
    }

    @Override
    public QueueSession createQueueSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return createSession(transacted, acknowledgeMode, Domain.QUEUE);
    }

    @Override
    public TopicSession createTopicSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return createSession(transacted, acknowledgeMode, Domain.TOPIC);
    }

    private KeelSession createSession(boolean transacted, int acknowledgeMode, Domain sessionDomain)
            throws JMSException {
        return createSession(transacted, acknowledgeMode, sessionDomain, false);
    }

    /** An XASession: a transacted session on the broker whose transactions are XA branches. */
    KeelXASession openXASession() throws JMSException {
        return (KeelXASession) createSession(true, Session.SESSION_TRANSACTED, Domain.UNIFIED, true);
    }

    private KeelSession createSession(boolean transacted, int acknowledgeMode, Domain sessionDomain, boolean xa)
            throws JMSException {
        checkClosed();
        markUsed();
        if (transacted) {
            // Spec 6.1.7: the acknowledge mode is ignored for a transacted session.
            acknowledgeMode = Session.SESSION_TRANSACTED;
        } else if (acknowledgeMode != Session.AUTO_ACKNOWLEDGE && acknowledgeMode != Session.CLIENT_ACKNOWLEDGE
                && acknowledgeMode != Session.DUPS_OK_ACKNOWLEDGE) {
            throw new JMSException("invalid acknowledge mode " + acknowledgeMode + "; use Session.AUTO_ACKNOWLEDGE,"
                    + " CLIENT_ACKNOWLEDGE, DUPS_OK_ACKNOWLEDGE or SESSION_TRANSACTED");
        }
        long sessionId = nextId();
        provider.createSession(sessionId, SessionDeliveries.ackModeOf(acknowledgeMode));
        KeelSession session = xa ? new KeelXASession(this, sessionId) : switch (sessionDomain) {
            case QUEUE -> new KeelQueueSession(this, sessionId, acknowledgeMode);
            case TOPIC -> new KeelTopicSession(this, sessionId, acknowledgeMode);
            case UNIFIED -> new KeelSession(this, sessionId, acknowledgeMode);
        };
        sessions.add(session);
        return session;
    }

    // ---------------------------------------------------------------- client id, metadata, exception listener

    @Override
    public String getClientID() throws JMSException {
        checkClosed();
        return clientId;
    }

    /**
     * Allowed once, right after creation and before anything else, and only if the factory configured no client id
     * (spec 6.1.2); the broker refuses an id another connection uses.
     */
    @Override
    public void setClientID(String id) throws JMSException {
        checkClosed();
        if (clientIdAdministered) {
            throw new IllegalStateException("the client id '" + clientId + "' was configured on the connection "
                    + "factory and cannot be changed");
        }
        if (clientId != null) {
            throw new IllegalStateException("the client id is already set to '" + clientId + "'");
        }
        if (used.get()) {
            throw new IllegalStateException("the client id must be set before any other use of the connection");
        }
        if (id == null || id.isEmpty()) {
            throw new InvalidClientIDException("the client id must not be null or empty");
        }
        provider.setClientId(id);
        clientId = id;
        markUsed();
    }

    @Override
    public ConnectionMetaData getMetaData() throws JMSException {
        checkClosed();
        markUsed();
        return KeelConnectionMetaData.INSTANCE;
    }

    @Override
    public ExceptionListener getExceptionListener() throws JMSException {
        checkClosed();
        return exceptionListener;
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) throws JMSException {
        checkClosed();
        markUsed();
        this.exceptionListener = listener;
    }

    /** Provider thread: the connection is gone. The listener runs on its own thread, one call at a time. */
    private void onConnectionFailure(JMSException cause) {
        failure = cause;
        for (KeelSession session : sessions) {
            session.deliveryStateChanged();
        }
        ExceptionListener listener = exceptionListener;
        if (listener != null && !closing.get()) {
            try {
                exceptionNotifier.execute(() -> listener.onException(cause));
            } catch (RejectedExecutionException e) {
                // closed meanwhile
            }
        }
    }

    // ---------------------------------------------------------------- start, stop, close

    @Override
    public void start() throws JMSException {
        checkClosed();
        markUsed();
        started = true;
        for (KeelSession session : sessions) {
            session.deliveryStateChanged();
        }
    }

    /** Returns once no listener of this connection runs (spec 6.1.5); refused from a listener of its own. */
    @Override
    public void stop() throws JMSException {
        checkClosed();
        markUsed();
        refuseFromOwnCallbacks("stop", false);
        started = false;
        for (KeelSession session : sessions) {
            session.deliveryStateChanged();
            session.dispatcher().awaitIdle();
        }
    }

    /**
     * Closes every session (waiting for listeners, receives and asynchronous sends), sends CLOSE and drops the
     * connection. Refused from the connection's own listeners (spec 6.1.8 allows either); idempotent.
     */
    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        refuseFromOwnCallbacks("close", true);
        // A second caller waits for the first: close must not return before the connection is closed.
        synchronized (closing) {
            if (closed) {
                return;
            }
            closing.set(true);
            started = false;
            for (KeelSession session : sessions) {
                session.shutdown(true);
            }
            sessions.clear();
            provider.close();
            closed = true;
            shutdownExecutors();
        }
    }

    /** @param alsoCompletionListeners close is forbidden from a CompletionListener too (spec 7.3.5), stop is not */
    private void refuseFromOwnCallbacks(String method, boolean alsoCompletionListeners) throws JMSException {
        KeelSession listenerSession = DeliveryContext.listenerSession();
        KeelSession completionSession = alsoCompletionListeners ? DeliveryContext.completionSession() : null;
        if ((listenerSession != null && listenerSession.connection() == this)
                || (completionSession != null && completionSession.connection() == this)) {
            throw new IllegalStateException(method + "() must not be called from a listener of the same "
                    + "connection (spec 6.1.5, 6.1.8, 7.3.5)");
        }
    }

    // ---------------------------------------------------------------- connection consumers (optional, spec 11)

    @Override
    public ConnectionConsumer createConnectionConsumer(Destination destination, String selector,
                                                       ServerSessionPool pool, int maxMessages) throws JMSException {
        return noConnectionConsumers(null);
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Queue queue, String selector, ServerSessionPool pool,
                                                       int maxMessages) throws JMSException {
        return noConnectionConsumers(null);
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Topic topic, String selector, ServerSessionPool pool,
                                                       int maxMessages) throws JMSException {
        return noConnectionConsumers(null);
    }

    @Override
    public ConnectionConsumer createSharedConnectionConsumer(Topic topic, String name, String selector,
                                                             ServerSessionPool pool, int max) throws JMSException {
        return noConnectionConsumers("createSharedConnectionConsumer");
    }

    @Override
    public ConnectionConsumer createDurableConnectionConsumer(Topic topic, String name, String selector,
                                                              ServerSessionPool pool, int max) throws JMSException {
        return noConnectionConsumers("createDurableConnectionConsumer");
    }

    @Override
    public ConnectionConsumer createSharedDurableConnectionConsumer(Topic topic, String name, String selector,
                                                                    ServerSessionPool pool, int max)
            throws JMSException {
        return noConnectionConsumers("createSharedDurableConnectionConsumer");
    }

    /** @param topicOnly the method's name if spec table 9-1 forbids it on a QueueConnection */
    private ConnectionConsumer noConnectionConsumers(String topicOnly) throws JMSException {
        checkClosed();
        if (topicOnly != null && domain == Domain.QUEUE) {
            throw new IllegalStateException(topicOnly + " cannot be used on a QueueConnection");
        }
        throw new JMSException("connection consumers (an optional application-server facility, spec chapter 11) "
                + "are not supported by KeelMQ; use a MessageListener or the resource adapter");
    }

    // ---------------------------------------------------------------- for sessions and their parts

    Provider provider() {
        return provider;
    }

    TransactionCheckers checkers() {
        return checkers;
    }

    ConnectionOptions options() {
        return options;
    }

    TemporaryDestinations temporaries() {
        return temporaries;
    }

    ConnectionInfo info() {
        return info;
    }

    String uuid() {
        return uuid;
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    /** "ID:" + something unique across connections (spec 3.4.3); the broker deduplicates retries by it. */
    String nextMessageId() {
        return "ID:" + uuid + ":" + messageIds.incrementAndGet();
    }

    boolean isStarted() {
        return started && !closing.get();
    }

    /** Any action but setClientID ends the window in which the client id may be set. */
    void markUsed() {
        used.set(true);
    }

    void sessionClosed(KeelSession session) {
        sessions.remove(session);
    }

    boolean hasConsumerOn(KeelDestination destination) {
        for (KeelSession session : sessions) {
            for (KeelMessageConsumer consumer : session.consumers()) {
                if (!consumer.isClosed() && consumer.getDestination().equals(destination)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Runs {@code task} after {@code delayMillis} off the transport thread; false once the connection is closed. */
    boolean schedule(Runnable task, long delayMillis) {
        try {
            scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** After a receive came back empty: tell the application the connection failed rather than return null. */
    void throwIfFailed() throws JMSException {
        JMSException f = failure;
        if (f != null && !closing.get()) {
            throw new ConnectionFailedException("the connection to the broker was lost: " + f.getMessage(), f);
        }
    }

    /** Only after close completed: listeners still running during close keep the connection's full services. */
    void checkClosed() throws JMSException {
        if (closed) {
            throw new IllegalStateException("the connection is closed");
        }
    }

    private void shutdownExecutors() {
        checkers.shutdown();
        exceptionNotifier.shutdown();
        scheduler.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public String toString() {
        ConnectionInfo i = info;
        return "KeelConnection[" + (i == null ? "connecting" : i.connectionId()) + ", clientID=" + clientId + "]";
    }
}
