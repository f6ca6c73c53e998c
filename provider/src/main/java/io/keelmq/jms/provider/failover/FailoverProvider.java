package io.keelmq.jms.provider.failover;

import io.keelmq.jms.provider.AckMode;
import io.keelmq.jms.provider.BrowsePage;
import io.keelmq.jms.provider.BrowseRequest;
import io.keelmq.jms.provider.ConnectRequest;
import io.keelmq.jms.provider.ConnectionFailedException;
import io.keelmq.jms.provider.ConnectionInfo;
import io.keelmq.jms.provider.ConsumerInfo;
import io.keelmq.jms.provider.Delivery;
import io.keelmq.jms.provider.DeliveryCallback;
import io.keelmq.jms.provider.PullCredit;
import io.keelmq.jms.provider.HalfSendResult;
import io.keelmq.jms.provider.Position;
import io.keelmq.jms.provider.Provider;
import io.keelmq.jms.provider.ProviderListener;
import io.keelmq.jms.provider.PullRequest;
import io.keelmq.jms.provider.SendCallback;
import io.keelmq.jms.provider.SendRequest;
import io.keelmq.jms.provider.SendResult;
import io.keelmq.jms.provider.Undelivered;
import io.keelmq.jms.provider.XaBranchId;
import io.keelmq.jms.transport.HostAndPort;
import io.keelmq.protocol.message.DestinationRef;
import jakarta.jms.JMSException;
import jakarta.jms.TransactionRolledBackException;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A {@link Provider} that fails over (ARCHITECTURE.md: "failover wraps it"): it talks to one broker of the URL at a
 * time through a plain provider made for that address, and when that connection is lost, or the broker turns out to
 * be a slave (NOT_MASTER, naming its master), it connects to the master or the next broker that accepts, creates the
 * connection's sessions, consumers and subscriptions again there ({@link ReplayState}) and carries on with the
 * request that failed. Requests wait while it reconnects; only when no broker accepted within
 * {@code reconnectTimeout} does the connection fail, and the JMS connection's ExceptionListener hear of it.
 *
 * <p>What the application may see across a failover: a send that was in flight is sent again with the same bytes
 * (message id) and {@code retry=true}, so a broker that already stored it (the same broker after a restart, or a
 * slave that copied it) drops the duplicate; a message that was delivered but not acknowledged may be delivered
 * again; a transacted session whose transaction sent or consumed anything when the failover came gets
 * TransactionRolledBackException at commit. XA branches and transactional producers' half messages are not carried
 * over: those requests fail as they would without failover, and are decided by recovery and check-backs.
 *
 * <p>Which connection is in use is its {@link Generation}; {@link GenerationSwitch} makes the changes, one at a time.
 */
public final class FailoverProvider implements Provider {
    /**
     * How many failovers one request goes through before its failure is thrown, unless its first failover is less
     * than {@code reconnectTimeout} ago ({@link Failovers}): more than a reconnection needs (one, or two when a slave
     * redirects).
     */
    static final int MAX_FAILOVERS_PER_REQUEST = 10;

    private final FailoverOptions options;
    private final long requestTimeoutMillis;
    private final ReplayState state = new ReplayState();
    private final GenerationSwitch generations;

    /**
     * @param connector makes the plain provider of one address (not yet connected)
     * @param requestTimeoutMillis how long requests wait for answers; with the reconnect timeout it bounds how long a
     *     request waits for a new connection
     */
    public FailoverProvider(List<HostAndPort> addresses, Function<HostAndPort, Provider> connector,
                            FailoverOptions options, long requestTimeoutMillis) {
        this.options = options;
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.generations = new GenerationSwitch(new BrokerCandidates(addresses), connector, state, options,
                requestTimeoutMillis);
    }

    /** One attempt of a request on one connection. */
    private interface Attempt<T> {
        T on(Provider provider) throws JMSException;
    }

    /** A request without an answer to return. */
    private interface VoidAttempt {
        void on(Provider provider) throws JMSException;
    }

    // ---------------------------------------------------------------- connection

    @Override
    public ConnectionInfo connect(ConnectRequest request, ProviderListener listener) throws JMSException {
        return generations.connect(request, listener);
    }

    @Override
    public ConnectionInfo connectionInfo() {
        Generation current = generations.currentOrNull();
        return current == null ? generations.lastInfo() : current.provider().connectionInfo();
    }

    /** The address of the broker in use, null while reconnecting; for tests and logs. */
    public HostAndPort currentBroker() {
        Generation current = generations.currentOrNull();
        return current == null ? null : current.address();
    }

    @Override
    public void setClientId(String clientId) throws JMSException {
        recorded(p -> p.setClientId(clientId), () -> state.clientId(clientId));
    }

    // ---------------------------------------------------------------- sessions and consumers

    @Override
    public void createSession(long sessionId, AckMode ackMode) throws JMSException {
        recorded(p -> p.createSession(sessionId, ackMode), () -> state.sessionCreated(sessionId, ackMode));
    }

    @Override
    public void closeSession(long sessionId, List<Undelivered> undelivered) throws JMSException {
        forgetting(() -> state.sessionClosed(sessionId), p -> p.closeSession(sessionId, undelivered));
    }

    @Override
    public void createConsumer(ConsumerInfo consumer) throws JMSException {
        recorded(p -> p.createConsumer(consumer), () -> state.consumerCreated(consumer));
    }

    @Override
    public void closeConsumer(long consumerId, List<Undelivered> undelivered) throws JMSException {
        forgetting(() -> state.consumerClosed(consumerId), p -> p.closeConsumer(consumerId, undelivered));
    }

    @Override
    public void createProducer(long producerId, DestinationRef destination) throws JMSException {
        retried(p -> p.createProducer(producerId, destination));
    }

    @Override
    public void createProducer(long producerId, DestinationRef destination, String producerGroup)
            throws JMSException {
        recorded(p -> p.createProducer(producerId, destination, producerGroup),
                () -> state.producerGroupJoined(producerId, destination, producerGroup));
    }

    // ---------------------------------------------------------------- sending

    /** Never resent: a half message stored without an answer is decided by the broker's check-back. */
    @Override
    public HalfSendResult sendHalf(SendRequest request, String producerGroup) throws JMSException {
        return once(p -> p.sendHalf(request, producerGroup));
    }

    @Override
    public String endTransaction(String transactionId, String decision, boolean fromCheck) throws JMSException {
        return once(p -> p.endTransaction(transactionId, decision, fromCheck));
    }

    /**
     * Sends; after a lost connection or a slave's refusal, sends the same bytes again as a retry on the next
     * connection. With retryAnotherBrokerWhenNotStoreOK, a status other than SEND_OK (or IN_SYNC_REPLICAS_NOT_ENOUGH)
     * moves the connection to another broker that accepts and sends once more there.
     */
    @Override
    public SendResult send(SendRequest request) throws JMSException {
        SendRequest attempt = request;
        boolean movedForStatus = false;
        Failovers failovers = Failovers.NONE;
        while (true) {
            Generation g = generations.await();
            state.sending(request.sessionId());
            SendResult result;
            try {
                result = g.provider().send(attempt);
            } catch (JMSException e) {
                if (!movedForStatus && isInSyncReplicasNotEnough(e) && options.retryAnotherBrokerWhenNotStoreOK()
                        && generations.moveAway(g)) {
                    movedForStatus = true;
                    attempt = attempt.asRetry();
                    continue;
                }
                if (!generations.failedOver(g, e) || !failovers.allowAnother(options.reconnectTimeoutMillis())) {
                    throw e;
                }
                failovers = failovers.next();
                attempt = attempt.asRetry();
                continue;
            }
            if (!movedForStatus && notStoreOk(result) && options.retryAnotherBrokerWhenNotStoreOK()
                    && generations.moveAway(g)) {
                movedForStatus = true;
                attempt = attempt.asRetry();
                continue;
            }
            return result;
        }
    }

    @Override
    public void send(SendRequest request, SendCallback callback) {
        generations.whenConnected(g -> sendAsync(g, request, callback, false, Failovers.NONE), callback::onFailure);
    }

    /** One attempt of an asynchronous send; failures that a failover can mend start the next attempt. */
    private void sendAsync(Generation g, SendRequest request, SendCallback callback, boolean movedForStatus,
                           Failovers failovers) {
        state.sending(request.sessionId());
        g.provider().send(request, new SendCallback() {
            @Override
            public void onSuccess(SendResult result) {
                if (!movedForStatus && notStoreOk(result) && options.retryAnotherBrokerWhenNotStoreOK()) {
                    resendElsewhere(g, request, callback, failovers, () -> callback.onSuccess(result));
                } else {
                    callback.onSuccess(result);
                }
            }

            @Override
            public void onFailure(JMSException failure) {
                if (!movedForStatus && isInSyncReplicasNotEnough(failure)
                        && options.retryAnotherBrokerWhenNotStoreOK()) {
                    resendElsewhere(g, request, callback, failovers, () -> callback.onFailure(failure));
                } else if (generations.failedOver(g, failure)
                        && failovers.allowAnother(options.reconnectTimeoutMillis())) {
                    generations.whenConnected(next -> sendAsync(next, request.asRetry(), callback, movedForStatus,
                            failovers.next()), callback::onFailure);
                } else {
                    callback.onFailure(failure);
                }
            }
        });
    }

    /** Moves the connection to another broker and sends there once more; {@code otherwise} if none takes it. */
    private void resendElsewhere(Generation from, SendRequest request, SendCallback callback, Failovers failovers,
                                 Runnable otherwise) {
        generations.moveAwayThen(from, moved -> {
            if (moved) {
                generations.whenConnected(next -> sendAsync(next, request.asRetry(), callback, true, failovers),
                        callback::onFailure);
            } else {
                otherwise.run();
            }
        });
    }

    private static boolean notStoreOk(SendResult result) {
        return result.isConfirmed() && !"SEND_OK".equals(result.status());
    }

    private static boolean isInSyncReplicasNotEnough(JMSException e) {
        return "IN_SYNC_REPLICAS_NOT_ENOUGH".equals(e.getErrorCode());
    }

    // ---------------------------------------------------------------- consuming

    /**
     * A pull that fails with the connection waits for the next one, where its consumer exists again. A pull of a
     * consumer closed meanwhile is answered empty: nothing is held for it on any broker.
     */
    @Override
    public void pull(PullRequest request, DeliveryCallback callback) {
        if (request.maxMessages() == 0 && generations.currentOrNull() == null) {
            // It only ends a held pull, which was on the lost connection: nothing is held anywhere, and a closing
            // consumer must not wait for the next connection.
            callback.onDeliveries(List.of());
            return;
        }
        generations.whenConnected(g -> pullOn(g, request, callback), callback::onFailure);
    }

    private void pullOn(Generation g, PullRequest request, DeliveryCallback callback) {
        if (!state.hasConsumer(request.consumerId())) {
            callback.onDeliveries(List.of());
            return;
        }
        g.provider().pull(request, new DeliveryCallback() {
            @Override
            public void onPartial(List<Delivery> deliveries) {
                callback.onPartial(deliveries);
            }

            @Override
            public void onDeliveries(List<Delivery> deliveries) {
                callback.onDeliveries(deliveries);
            }

            @Override
            public void onFailure(JMSException failure) {
                if (!generations.failedOver(g, failure)) {
                    callback.onFailure(failure);
                } else if (request.isStanding()) {
                    // Its window was counted on the lost connection: ended, so the consumer starts a new one there.
                    callback.onDeliveries(List.of());
                } else {
                    generations.whenConnected(next -> pullOn(next, request, callback), callback::onFailure);
                }
            }
        });
    }

    /** To the current connection only: a standing pull of an earlier one has ended (see {@link #pullOn}). */
    @Override
    public void credit(PullCredit credit) {
        Generation g = generations.currentOrNull();
        if (g != null && state.hasConsumer(credit.consumerId())) {
            g.provider().credit(credit);
        }
    }

    /**
     * Sent again on the next connection after a failover; there the broker ignores positions that are not in flight
     * to the consumer, and acknowledges the same message if it was delivered again already.
     */
    @Override
    public void acknowledge(long consumerId, List<Position> positions) throws JMSException {
        retried(p -> p.acknowledge(consumerId, positions));
    }

    @Override
    public CompletableFuture<Void> acknowledgeAsync(long consumerId, List<Position> positions, boolean awaited) {
        CompletableFuture<Void> answer = new CompletableFuture<>();
        generations.whenConnected(g -> acknowledgeOn(g, consumerId, positions, answer),
                answer::completeExceptionally);
        return answer;
    }

    private void acknowledgeOn(Generation g, long consumerId, List<Position> positions,
                               CompletableFuture<Void> answer) {
        // Not "awaited": the caller waits on the outer future, so the transport's own reader reads this answer.
        g.provider().acknowledgeAsync(consumerId, positions, false).whenComplete((v, e) -> {
            if (e == null) {
                answer.complete(null);
                return;
            }
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            if (cause instanceof JMSException jms && generations.failedOver(g, jms)) {
                generations.whenConnected(next -> acknowledgeOn(next, consumerId, positions, answer),
                        answer::completeExceptionally);
            } else {
                answer.completeExceptionally(cause);
            }
        });
    }

    @Override
    public void await(CompletableFuture<Void> answer) throws JMSException {
        long bound = requestTimeoutMillis + options.reconnectTimeoutMillis() + requestTimeoutMillis;
        try {
            answer.get(bound, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            JMSException interrupted = new JMSException("interrupted while waiting for the broker's answer");
            interrupted.initCause(e);
            throw interrupted;
        } catch (TimeoutException e) {
            throw new ConnectionFailedException("no answer within " + bound + " ms, reconnecting included", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof JMSException jms) {
                throw jms;
            }
            JMSException unexpected = new JMSException("request failed: " + e.getCause());
            unexpected.initCause(e.getCause());
            throw unexpected;
        }
    }

    @Override
    public void recover(long sessionId, List<Undelivered> undelivered, Runnable onAnswer) throws JMSException {
        retried(p -> p.recover(sessionId, undelivered, onAnswer));
    }

    /**
     * A transaction cut by a failover cannot be committed: its sends were on the lost connection's broker. It is
     * reported as rolled back (spec: a provider may roll back a transaction in progress at failover), and the JMS
     * session then rolls back on the new connection, releasing what it consumed.
     */
    @Override
    public void commit(long sessionId, List<Undelivered> consumed) throws JMSException {
        generations.await();    // a failover under way marks the transaction as cut once it has replayed
        if (state.endTransaction(sessionId, !consumed.isEmpty())) {
            throw new TransactionRolledBackException("the connection failed over to another broker connection "
                    + "during this transaction; the transaction was rolled back", "TRANSACTION_ROLLED_BACK");
        }
        // Not repeated: if the connection is lost before the answer, the outcome is unknown (the JMS session says so).
        doOnce(p -> p.commit(sessionId, consumed));
    }

    @Override
    public void rollback(long sessionId, List<Undelivered> consumed, Runnable onAnswer) throws JMSException {
        state.endTransaction(sessionId, false);
        retried(p -> p.rollback(sessionId, consumed, onAnswer));
    }

    @Override
    public void unsubscribe(String subscriptionName) throws JMSException {
        retried(p -> p.unsubscribe(subscriptionName));
    }

    @Override
    public BrowsePage browse(BrowseRequest request) throws JMSException {
        return retrying(p -> p.browse(request));
    }

    @Override
    public void createDestination(DestinationRef destination) throws JMSException {
        recorded(p -> p.createDestination(destination), () -> state.destinationCreated(destination));
    }

    /** A temporary destination is gone with a lost connection; any other is deleted on the next one. */
    @Override
    public void deleteDestination(DestinationRef destination) throws JMSException {
        if (destination.kind().isTemporary()) {
            forgetting(() -> state.destinationDeleted(destination), p -> p.deleteDestination(destination));
        } else {
            retried(p -> p.deleteDestination(destination));
        }
    }

    // ---------------------------------------------------------------- XA: decided by the transaction manager

    @Override
    public void xaStart(long sessionId, XaBranchId xid, int flags, int timeoutSeconds) throws JMSException {
        doOnce(p -> p.xaStart(sessionId, xid, flags, timeoutSeconds));
    }

    @Override
    public void xaEnd(long sessionId, XaBranchId xid, int flags, List<Undelivered> consumed) throws JMSException {
        doOnce(p -> p.xaEnd(sessionId, xid, flags, consumed));
    }

    @Override
    public boolean xaPrepare(XaBranchId xid) throws JMSException {
        return once(p -> p.xaPrepare(xid));
    }

    @Override
    public void xaCommit(XaBranchId xid, boolean onePhase) throws JMSException {
        doOnce(p -> p.xaCommit(xid, onePhase));
    }

    @Override
    public void xaRollback(XaBranchId xid) throws JMSException {
        doOnce(p -> p.xaRollback(xid));
    }

    @Override
    public void xaForget(XaBranchId xid) throws JMSException {
        doOnce(p -> p.xaForget(xid));
    }

    /** Asked again on the next connection: the question has no side effect. */
    @Override
    public List<XaBranchId> xaRecover() throws JMSException {
        return retrying(Provider::xaRecover);
    }

    // ---------------------------------------------------------------- lifecycle

    /** False while reconnecting: requests wait for the next connection. True once closed or given up. */
    @Override
    public boolean isClosed() {
        return generations.isEnded();
    }

    @Override
    public void close() {
        generations.close();
    }

    // ---------------------------------------------------------------- how requests go

    /** Done on the connection in use; after a failover, done again on the next one. */
    private <T> T retrying(Attempt<T> attempt) throws JMSException {
        for (Failovers failovers = Failovers.NONE; ; failovers = failovers.next()) {
            Generation g = generations.await();
            try {
                return attempt.on(g.provider());
            } catch (JMSException e) {
                if (!generations.failedOver(g, e) || !failovers.allowAnother(options.reconnectTimeoutMillis())) {
                    throw e;
                }
            }
        }
    }

    private void retried(VoidAttempt attempt) throws JMSException {
        retrying(p -> {
            attempt.on(p);
            return null;
        });
    }

    /**
     * Done once, on the connection in use; a failure that starts a failover is thrown all the same (the request's
     * outcome on the lost broker is not known, and repeating it would not be the same request).
     */
    private <T> T once(Attempt<T> attempt) throws JMSException {
        Generation g = generations.await();
        try {
            return attempt.on(g.provider());
        } catch (JMSException e) {
            generations.failedOver(g, e);
            throw e;
        }
    }

    private void doOnce(VoidAttempt attempt) throws JMSException {
        once(p -> {
            attempt.on(p);
            return null;
        });
    }

    /**
     * A request that creates something a next connection must create again: done and recorded under the replay
     * lock, on the connection in use when the lock is taken, so a failover replays either all of it or none.
     */
    private void recorded(VoidAttempt attempt, Runnable record) throws JMSException {
        for (Failovers failovers = Failovers.NONE; ; ) {
            Generation g = generations.await();
            state.lock().lock();
            try {
                if (generations.currentOrNull() != g) {
                    continue;
                }
                attempt.on(g.provider());
                record.run();
                return;
            } catch (JMSException e) {
                if (!generations.failedOver(g, e) || !failovers.allowAnother(options.reconnectTimeoutMillis())) {
                    throw e;
                }
                failovers = failovers.next();
            } finally {
                state.lock().unlock();
            }
        }
    }

    /**
     * A request that ends something: forgotten first, so no next connection creates it again; when the connection
     * is lost meanwhile, the broker dropped it with the connection and nothing is left to end.
     */
    private void forgetting(Runnable forget, VoidAttempt attempt) throws JMSException {
        state.lock().lock();
        try {
            forget.run();
            Generation g = generations.currentOrNull();
            if (g == null) {
                return;     // reconnecting: the next connection is made without it
            }
            try {
                attempt.on(g.provider());
            } catch (JMSException e) {
                if (!generations.failedOver(g, e)) {
                    throw e;
                }
            }
        } finally {
            state.lock().unlock();
        }
    }
}
