package io.keelmq.jms;

import io.keelmq.jms.message.KeelMessage;
import io.keelmq.jms.message.MessageAcknowledger;
import io.keelmq.jms.message.WireConverter;
import io.keelmq.jms.provider.AckMode;
import io.keelmq.jms.provider.ConnectionFailedException;
import io.keelmq.jms.provider.Delivery;
import io.keelmq.jms.provider.Provider;
import io.keelmq.jms.provider.RequestTimeoutException;
import io.keelmq.jms.provider.Undelivered;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.TransactionRolledBackException;

import java.util.ArrayList;
import java.util.List;

/**
 * The session's side of consuming: turning a delivery into a message for the application, acknowledging it per the
 * session's mode, recovering, and remembering messages that reached the client but never the application, so they
 * are released without a delivery-count increment (the undelivered lists of the contract).
 */
final class SessionDeliveries {
    private static final System.Logger LOG = System.getLogger(SessionDeliveries.class.getName());

    private final KeelSession session;
    private final Provider provider;
    private final AckMode mode;
    private final AckTracker acks;
    private final MessageAcknowledger acknowledger;
    /** Deliveries that arrived for consumers already closed; listed in the next RECOVER or CLOSE_SESSION. */
    private final List<Undelivered> orphans = new ArrayList<>();

    SessionDeliveries(KeelSession session, Provider provider, AckMode mode) {
        this.session = session;
        this.provider = provider;
        this.mode = mode;
        this.acks = new AckTracker(provider, mode);
        this.acknowledger = message -> {
            if (session.isClosed()) {
                throw new IllegalStateException("the session that received this message is closed; "
                        + "it can no longer be acknowledged");
            }
            acks.acknowledgeAll();
        };
    }

    static AckMode ackModeOf(int acknowledgeMode) {
        return switch (acknowledgeMode) {
            case jakarta.jms.Session.CLIENT_ACKNOWLEDGE -> AckMode.CLIENT;
            case jakarta.jms.Session.DUPS_OK_ACKNOWLEDGE -> AckMode.DUPS_OK;
            case jakarta.jms.Session.SESSION_TRANSACTED -> AckMode.TRANSACTED;
            default -> AckMode.AUTO;
        };
    }

    /** The message for the application; in CLIENT_ACKNOWLEDGE it now counts as delivered by the session. */
    KeelMessage prepare(KeelMessageConsumer consumer, Delivery d) throws JMSException {
        KeelMessage message;
        try {
            message = WireConverter.fromWire(d.message(), d.deliveryCount());
        } catch (JMSException e) {
            unreadable(consumer, d);
            throw e;
        }
        message.setAcknowledger(acknowledger);
        acks.delivered(consumer.consumerId(), d.position());
        return message;
    }

    /**
     * receive() (or receiveBody) is about to return the message. In AUTO_ACKNOWLEDGE it first waits for the
     * confirmation of the previous message's ACK; if that ACK failed, this message goes back to the front of its
     * consumer's buffer (it was not handed out) and the failure is thrown.
     */
    void received(KeelMessageConsumer consumer, Delivery d) throws JMSException {
        if (mode == AckMode.AUTO) {
            try {
                acks.awaitLastAutoAck();
            } catch (JMSException e) {
                consumer.buffer().pushBack(d);
                throw e;
            }
        }
        consumed(consumer, d);
    }

    /** The application has the message: receive() returned it or its listener returned normally. */
    private void consumed(KeelMessageConsumer consumer, Delivery d) throws JMSException {
        acks.consumed(consumer.consumerId(), d.position());
        if (mode == AckMode.DUPS_OK && consumer.buffer().isEmpty()) {
            acks.flush();
        }
    }

    /**
     * Before onMessage, on the listener thread: in AUTO_ACKNOWLEDGE the previous message's ACK must be confirmed
     * before the listener sees another message (spec 6.2.10). A failed ACK is logged, as a failure to acknowledge
     * after onMessage always was: its message may come again, which the listener cannot be told of otherwise.
     */
    void beforeListener() {
        awaitLastAckQuietly();
    }

    private void awaitLastAckQuietly() {
        try {
            acks.awaitLastAutoAck();
        } catch (JMSException e) {
            LOG.log(System.Logger.Level.WARNING, "acknowledging the last message failed; it may be delivered again: "
                    + e.getMessage());
        }
    }

    /** After onMessage, on the listener thread. */
    void listenerReturned(KeelMessageConsumer consumer, Delivery d, boolean normally) {
        try {
            if (normally) {
                consumed(consumer, d);
            } else if (mode == AckMode.AUTO || mode == AckMode.DUPS_OK) {
                // Spec 8.7: redelivered at once, flagged as redelivered. RECOVER releases exactly this message with
                // an increment (everything else of the session is acknowledged or listed as undelivered).
                recover();
            }
        } catch (JMSException e) {
            LOG.log(System.Logger.Level.WARNING, "acknowledging after onMessage failed: " + e.getMessage());
        }
    }

    /** receiveBody could not return the body (spec 8.6). */
    void bodyRefused(KeelMessageConsumer consumer, Delivery d) {
        if (mode == AckMode.AUTO || mode == AckMode.DUPS_OK) {
            consumer.buffer().pushBack(d);
        }
    }

    /** An expired message is acknowledged without reaching the application: consumers never see one (spec 3.4.9). */
    void expired(KeelMessageConsumer consumer, Delivery d) throws JMSException {
        provider.acknowledge(consumer.consumerId(), List.of(d.position()));
    }

    /** A message that cannot be read is treated like a listener failure, so the broker's redelivery limit applies. */
    private void unreadable(KeelMessageConsumer consumer, Delivery d) {
        acks.delivered(consumer.consumerId(), d.position());
        if (mode == AckMode.AUTO || mode == AckMode.DUPS_OK) {
            try {
                recover();
            } catch (JMSException e) {
                LOG.log(System.Logger.Level.WARNING, "releasing an unreadable message failed: " + e.getMessage());
            }
        }
    }

    /**
     * Session.recover (spec 6.2.10): acknowledged messages stay acknowledged, unacknowledged ones are redelivered
     * with an increment, prefetched ones are released without one. The caller keeps listeners from running.
     */
    void recover() throws JMSException {
        release(false);
    }

    /**
     * RECOVER: prefetched messages are listed as undelivered, all others released with an increment. ROLLBACK: the
     * messages the application consumed in the transaction are listed, released with an increment, all others
     * without (so a delivery still on its way, dropped here, does not come back marked redelivered).
     */
    private void release(boolean rollback) throws JMSException {
        acks.flush();
        List<Undelivered> undelivered = new ArrayList<>();
        List<KeelMessageConsumer> consumers = session.consumers();
        for (KeelMessageConsumer c : consumers) {
            undelivered.addAll(c.buffer().beginRecovery());
        }
        undelivered.addAll(takeOrphans());
        Runnable ended = () -> consumers.forEach(c -> c.buffer().endRecovery());
        try {
            if (rollback) {
                provider.rollback(session.sessionId(), acks.transactionConsumed(), ended);
            } else {
                provider.recover(session.sessionId(), undelivered, ended);
            }
        } finally {
            acks.forget();
            // Harmless after a successful answer (it already ran); needed if RECOVER failed, to pull again.
            consumers.forEach(c -> c.buffer().endRecovery());
        }
    }

    /**
     * Session.commit (spec 6.2.8): the broker commits the session's sends and then acknowledges what the application
     * consumed in the transaction. If the broker could not commit, the consumed messages are rolled back as well
     * and TransactionRolledBackException is thrown; if the connection fails before the answer, the broker may or
     * may not have committed, which the exception says. The caller keeps listeners from running.
     */
    void commit() throws JMSException {
        if (provider.isClosed()) {
            // The broker rolls back the open transaction of a connection it lost: nothing of it was committed.
            acks.forget();
            throw new TransactionRolledBackException("the connection to the broker was lost before commit(); the "
                    + "broker rolled the transaction back");
        }
        List<Undelivered> consumed = acks.transactionConsumed();
        try {
            provider.commit(session.sessionId(), consumed);
        } catch (TransactionRolledBackException e) {
            rollbackAfterFailedCommit(e);
            throw e;
        } catch (ConnectionFailedException | RequestTimeoutException e) {
            acks.forget();
            JMSException unknown = new JMSException("the outcome of commit() is unknown: the connection failed before "
                    + "the broker answered (" + e.getMessage() + "); the transaction may or may not be committed");
            unknown.setLinkedException(e);
            unknown.initCause(e);
            throw unknown;
        }
        acks.forget();
    }

    /**
     * XAResource.end: what the application consumed since the branch's start travels with XA_END; the broker
     * acknowledges it when the branch commits and releases it when it rolls back. The caller keeps listeners from
     * running.
     */
    void xaEnd(io.keelmq.jms.provider.XaBranchId xid, int flags) throws JMSException {
        List<Undelivered> consumed = acks.transactionConsumed();
        acks.forget();
        provider.xaEnd(session.sessionId(), xid, flags, consumed);
    }

    private void rollbackAfterFailedCommit(TransactionRolledBackException cause) {
        try {
            rollback();
        } catch (JMSException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Session.rollback (spec 6.2.8): the session's sends are dropped; its consumed messages are redelivered, with
     * JMSRedelivered set and an incremented JMSXDeliveryCount, before newer ones, as by recover(). The caller keeps
     * listeners from running.
     */
    void rollback() throws JMSException {
        release(true);
    }

    synchronized void orphaned(List<Undelivered> late) {
        orphans.addAll(late);
    }

    synchronized List<Undelivered> takeOrphans() {
        List<Undelivered> taken = new ArrayList<>(orphans);
        orphans.clear();
        return taken;
    }

    /** Sends the batched acknowledgements of DUPS_OK_ACKNOWLEDGE (failures are logged, see AckTracker.flush). */
    void flushQuietly() {
        acks.flush();
    }

    /**
     * The end of a session: batched acknowledgements go out, then CLOSE_SESSION releases the rest, the listed
     * messages without an increment.
     *
     * @param release false when the broker is unreachable or already releases everything (connection loss)
     */
    void closeSession(boolean release, List<Undelivered> undelivered) {
        if (release && !provider.isClosed()) {
            flushQuietly();
            awaitLastAckQuietly();
            List<Undelivered> all = new ArrayList<>(undelivered);
            all.addAll(takeOrphans());
            try {
                provider.closeSession(session.sessionId(), all);
            } catch (JMSException e) {
                LOG.log(System.Logger.Level.WARNING, "CLOSE_SESSION " + session.sessionId() + " failed: "
                        + e.getMessage());
            }
        }
        acks.forget();
    }

    AckTracker acks() {
        return acks;
    }
}
