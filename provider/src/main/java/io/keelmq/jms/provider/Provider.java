package io.keelmq.jms.provider;

import io.keelmq.protocol.message.DestinationRef;
import jakarta.jms.JMSException;

import java.util.List;

/**
 * The transport-neutral conversation with one broker connection, one method per request of the client/broker
 * contract (protocol/README.md, "Requests"). The JMS objects depend only on this interface, so TCP and in-VM
 * connections behave identically and a failover provider can later wrap it.
 *
 * <p>Thread-safe. Blocking methods wait at most the request timeout and throw the exception the broker's error code
 * maps to ({@link ErrorMapping}), a {@link RequestTimeoutException}, or a {@link ConnectionFailedException}.
 * Callbacks run on the transport's thread in frame order and must not block.
 */
public interface Provider {

    /** Opens the transport and performs HANDSHAKE; {@code listener} is told if the connection is lost later. */
    ConnectionInfo connect(ConnectRequest request, ProviderListener listener) throws JMSException;

    /** The handshake's answer; null before {@link #connect}. */
    ConnectionInfo connectionInfo();

    void setClientId(String clientId) throws JMSException;

    void createSession(long sessionId, AckMode ackMode) throws JMSException;

    void closeSession(long sessionId, List<Undelivered> undelivered) throws JMSException;

    void createConsumer(ConsumerInfo consumer) throws JMSException;

    void closeConsumer(long consumerId, List<Undelivered> undelivered) throws JMSException;

    /**
     * Asks whether this connection may send to {@code destination} (CREATE_PRODUCER); the broker keeps no producer
     * state, and checks every send again.
     */
    void createProducer(long producerId, DestinationRef destination) throws JMSException;

    /**
     * CREATE_PRODUCER of a transactional producer: as {@link #createProducer(long, DestinationRef)}, and the
     * connection joins {@code producerGroup}, so the broker's check-backs of the group may come to it.
     */
    void createProducer(long producerId, DestinationRef destination, String producerGroup) throws JMSException;

    /**
     * A transactional producer's SEND (header {@code producerGroup}): waits until the broker stored the half message
     * and answers with its transaction id. Never retried: a half stored without an answer is decided by the check-back.
     */
    HalfSendResult sendHalf(SendRequest request, String producerGroup) throws JMSException;

    /**
     * END_TRANSACTION: decides a half message ({@code decision} COMMIT, ROLLBACK or UNKNOWN) and waits for the outcome
     * ({@code COMMITTED}, {@code ROLLED_BACK}, or for UNKNOWN {@code UNDECIDED} / {@code DECIDED}).
     *
     * @param fromCheck the decision answers a {@link TransactionCheck}
     */
    String endTransaction(String transactionId, String decision, boolean fromCheck) throws JMSException;

    /** Sends and waits for the broker's answer, or only for the write when the request is oneway. */
    SendResult send(SendRequest request) throws JMSException;

    /** Sends without blocking; {@code callback} gets the answer (or the completed write when oneway). */
    void send(SendRequest request, SendCallback callback);

    /**
     * Asks for messages; the answer goes to {@code callback} on the transport thread. A standing pull's answers
     * ({@link PullRequest#standingId()}) come as partial answers until the last one ends it.
     */
    void pull(PullRequest request, DeliveryCallback callback);

    /**
     * Widens a standing pull's window (ONEWAY, nothing to wait for). A credit for a pull that has ended, or one on a
     * connection that is gone, is dropped: the pull's last answer (or failure) tells the consumer to pull afresh.
     */
    void credit(PullCredit credit);

    /** Acknowledges exactly the listed messages of one consumer and waits for the answer. */
    void acknowledge(long consumerId, List<Position> positions) throws JMSException;

    /**
     * Acknowledges exactly the listed messages of one consumer without waiting. The broker handles a connection's
     * requests in order, so the ACK takes effect before any request sent after it (RECOVER, CLOSE_SESSION, ...).
     *
     * @param awaited whether the caller will wait for the answer with {@link #await}; if not, the answer is read
     *                whenever it comes
     * @return completed with the answer, or exceptionally with the failure
     */
    java.util.concurrent.CompletableFuture<Void> acknowledgeAsync(long consumerId, List<Position> positions,
                                                                  boolean awaited);

    /** Waits for an answer obtained from this provider, such as {@link #acknowledgeAsync}'s. */
    void await(java.util.concurrent.CompletableFuture<Void> answer) throws JMSException;

    /**
     * Releases the session's messages in flight (listed ones without a delivery-count increment) and waits.
     *
     * @param onAnswer run on the transport thread as the answer is received, before any later frame is handled, so
     *     the caller can tell deliveries that predate the recovery (released by it) from those that follow it
     */
    void recover(long sessionId, List<Undelivered> undelivered, Runnable onAnswer) throws JMSException;

    /**
     * COMMIT of a transacted session: the broker commits the session's sends (atomically) and then acknowledges
     * {@code consumed}, the messages the application consumed in the transaction; waits for the answer.
     *
     * @throws jakarta.jms.TransactionRolledBackException if the broker could not commit and rolled the sends back
     */
    void commit(long sessionId, List<Undelivered> consumed) throws JMSException;

    /**
     * ROLLBACK of a transacted session: its sends are dropped; the messages the application consumed in the
     * transaction ({@code consumed}) are released with a delivery-count increment, its other messages in flight
     * without one.
     */
    void rollback(long sessionId, List<Undelivered> consumed, Runnable onAnswer) throws JMSException;

    void unsubscribe(String subscriptionName) throws JMSException;

    BrowsePage browse(BrowseRequest request) throws JMSException;

    void createDestination(DestinationRef destination) throws JMSException;

    void deleteDestination(DestinationRef destination) throws JMSException;

    /** XA_START: the session's work from now on belongs to {@code xid} (flags as XAResource.start). */
    void xaStart(long sessionId, XaBranchId xid, int flags, int timeoutSeconds) throws JMSException;

    /** XA_END: the session's work since XA_START, and the messages it consumed, join the branch. */
    void xaEnd(long sessionId, XaBranchId xid, int flags, List<Undelivered> consumed) throws JMSException;

    /** XA_PREPARE: true for a read-only branch (XA_RDONLY, forgotten by the broker), false once it is durable. */
    boolean xaPrepare(XaBranchId xid) throws JMSException;

    void xaCommit(XaBranchId xid, boolean onePhase) throws JMSException;

    void xaRollback(XaBranchId xid) throws JMSException;

    void xaForget(XaBranchId xid) throws JMSException;

    /** XA_RECOVER: the broker's prepared branches. */
    List<XaBranchId> xaRecover() throws JMSException;

    /** True once the connection failed or was closed: every further request fails at once. */
    boolean isClosed();

    /** Sends CLOSE (waiting at most the request timeout) unless the connection already failed, then closes it. */
    void close();
}
