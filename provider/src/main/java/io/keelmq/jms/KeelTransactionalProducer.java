package io.keelmq.jms;

import io.keelmq.jms.provider.HalfSendResult;
import io.keelmq.jms.provider.Provider;
import io.keelmq.jms.provider.SendRequest;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A KeelMQ extension: RocketMQ's transactional producer over JMS. It makes "change my database and publish an
 * event" atomic without XA:
 * <ol>
 * <li>the message is stored as a <em>half</em> message, durable (under SYNC_FLUSH) and invisible to every
 * consumer, browser and query;</li>
 * <li>the local transaction runs ({@link LocalTransaction});</li>
 * <li>its answer is sent: COMMIT delivers the message like any persistent message, ROLLBACK drops it.</li>
 * </ol>
 * When no decision reaches the broker (the producer crashed, the connection broke, the answer was UNKNOWN), the broker
 * asks a live member of the producer group ({@link TransactionChecker}) after {@code transactionTimeOut}, up to
 * {@code transactionCheckMax} times. For frameworks that run the local transaction elsewhere, {@link #prepare} stores
 * the half message and {@link #commit} / {@link #rollback} decide it later by transaction id.
 *
 * <p>Created by {@link KeelSession#createTransactionalProducer} or {@link KeelJMSContext#createTransactionalProducer}
 * on a non-transacted session: the message's fate is the local transaction's, not the session's. Messages are
 * PERSISTENT. Thread-safe as its session: one thread at a time.
 */
public final class KeelTransactionalProducer implements AutoCloseable {
    private final KeelSession session;
    private final long producerId;
    private final Destination destination;
    private final String producerGroup;
    private final AtomicBoolean closed = new AtomicBoolean();
    private int priority = Message.DEFAULT_PRIORITY;
    private long timeToLive = Message.DEFAULT_TIME_TO_LIVE;
    private long deliveryDelay = Message.DEFAULT_DELIVERY_DELAY;

    KeelTransactionalProducer(KeelSession session, long producerId, Destination destination, String producerGroup) {
        this.session = session;
        this.producerId = producerId;
        this.destination = destination;
        this.producerGroup = producerGroup;
    }

    /**
     * Stores {@code message} as a half message, runs {@code localTransaction}, then sends its decision. Throws when
     * the half message could not be stored (then the local transaction did not run), and IllegalStateException when
     * the broker had already decided the message the other way (a check-back answered before the local transaction
     * ended: see {@link TransactionChecker}); otherwise the result says what happened:
     * {@link TransactionSendResult#decided()} is false when the decision is left to the check-back (UNKNOWN, an
     * exception, or a decision that did not reach the broker). A half message stored with a status other than
     * SEND_OK (a SYNC_MASTER whose slaves did not confirm it) is rolled back without running the local transaction,
     * as RocketMQ does: the result has that status and ROLLBACK.
     */
    public TransactionSendResult send(Message message, LocalTransaction localTransaction) throws JMSException {
        if (localTransaction == null) {
            throw new IllegalArgumentException("the local transaction must not be null");
        }
        HalfSendResult half = storeHalf(message);
        SendStatus status = SendStatus.valueOf(half.status());
        if (status != SendStatus.SEND_OK) {
            return new TransactionSendResult(half.messageId(), half.transactionId(), status,
                    LocalTransactionState.ROLLBACK, rolledBack(half));
        }
        PreparedMessage prepared = new PreparedMessage(half.messageId(), half.transactionId());
        LocalTransactionState state;
        try {
            state = localTransaction.executeLocalTransaction(message);
            if (state == null) {
                state = LocalTransactionState.UNKNOWN;
            }
        } catch (Exception e) {
            // RocketMQ's rule: a local transaction that throws is UNKNOWN, and the check-back finds out.
            state = LocalTransactionState.UNKNOWN;
        }
        boolean decided = false;
        if (state != LocalTransactionState.UNKNOWN) {
            try {
                end(prepared.transactionId(), state);
                decided = true;
            } catch (IllegalStateException conflict) {
                // The check-back decided it the other way already (a checker that answered while the local
                // transaction was still running): the application must hear of it.
                throw conflict;
            } catch (JMSException e) {
                // The broker may or may not have it: the check-back asks the group and gets the same answer.
                decided = false;
            }
        }
        return new TransactionSendResult(prepared.messageId(), prepared.transactionId(), SendStatus.SEND_OK, state,
                decided);
    }

    /**
     * Stores {@code message} as a half message and returns once it is durable: nobody sees it until {@link #commit}
     * (or the check-back's COMMIT). Not retried on a broken connection: a half message stored without an answer is
     * decided by the check-back. A status other than SEND_OK rolls the half back and throws
     * {@link SendStatusException}: do not run the local transaction.
     */
    public PreparedMessage prepare(Message message) throws JMSException {
        HalfSendResult half = storeHalf(message);
        SendStatus status = SendStatus.valueOf(half.status());
        if (status != SendStatus.SEND_OK) {
            rolledBack(half);
            throw new SendStatusException(status, half.messageId());
        }
        return new PreparedMessage(half.messageId(), half.transactionId());
    }

    private HalfSendResult storeHalf(Message message) throws JMSException {
        checkClosed();
        byte[] encoded = session.sender().prepareToSend(message, destination, new SendParams(DeliveryMode.PERSISTENT,
                priority, timeToLive, deliveryDelay, false));
        Provider provider = session.connection().provider();
        return provider.sendHalf(new SendRequest(session.sessionId(), producerId, encoded, false,
                false, session.connection().options().getSendMsgTimeout()), producerGroup);
    }

    /** Rolls back a half that was not stored as configured; false when that did not reach the broker (the
     * check-back then asks the group, whose checker finds no local transaction). */
    private boolean rolledBack(HalfSendResult half) {
        try {
            end(half.transactionId(), LocalTransactionState.ROLLBACK);
            return true;
        } catch (JMSException | RuntimeException e) {
            return false;
        }
    }

    /** Commits a prepared message: once this returns it is in its destination. Idempotent. */
    public void commit(String transactionId) throws JMSException {
        end(transactionId, LocalTransactionState.COMMIT);
    }

    /** Rolls a prepared message back: it is never delivered. Idempotent. */
    public void rollback(String transactionId) throws JMSException {
        end(transactionId, LocalTransactionState.ROLLBACK);
    }

    private void end(String transactionId, LocalTransactionState state) throws JMSException {
        checkClosed();
        session.connection().provider().endTransaction(transactionId, state.name(), false);
    }

    public Destination getDestination() {
        return destination;
    }

    public String getProducerGroup() {
        return producerGroup;
    }

    public void setPriority(int value) throws JMSException {
        priority = KeelMessageProducer.validPriority(value);
    }

    public int getPriority() {
        return priority;
    }

    public void setTimeToLive(long millis) {
        timeToLive = millis;
    }

    public long getTimeToLive() {
        return timeToLive;
    }

    /** A committed message is delivered this long after it was sent (the delay counts from the send). */
    public void setDeliveryDelay(long millis) {
        deliveryDelay = millis;
    }

    public long getDeliveryDelay() {
        return deliveryDelay;
    }

    /**
     * Closes the producer. The connection stays a member of the producer group until it closes: its checker still
     * answers check-backs of the messages this producer sent.
     */
    @Override
    public void close() {
        closed.set(true);
    }

    private void checkClosed() throws JMSException {
        if (closed.get()) {
            throw new IllegalStateException("the transactional producer is closed");
        }
        session.checkClosed();
    }
}
