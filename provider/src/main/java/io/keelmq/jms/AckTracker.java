package io.keelmq.jms;

import io.keelmq.jms.provider.AckMode;
import io.keelmq.jms.provider.Position;
import io.keelmq.jms.provider.Provider;
import io.keelmq.jms.provider.Undelivered;
import jakarta.jms.JMSException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What a session owes the broker in acknowledgements, per acknowledgement mode (spec 6.2.10):
 * <ul>
 * <li>AUTO_ACKNOWLEDGE: each message is acknowledged as soon as receive() returns it or its listener returns; its
 * ACK is awaited before the session hands the application another message (the next receive() returns, the next
 * onMessage begins), so only the last message can be redelivered after a failure. The ACK's round trip overlaps
 * with the application's work on the message instead of being added to it.</li>
 * <li>DUPS_OK_ACKNOWLEDGE: consumed messages are collected and acknowledged in batches of {@value #DUPS_OK_BATCH},
 * or earlier when a consumer runs dry, on close and before a recover; nobody waits for their answers.</li>
 * <li>CLIENT_ACKNOWLEDGE: every message handed to the application is remembered until
 * {@link jakarta.jms.Message#acknowledge()}, which acknowledges all of them, whichever consumer received them.</li>
 * <li>SESSION_TRANSACTED: every message handed to the application is remembered until the session commits; the
 * COMMIT request lists them ({@link #transactionConsumed()}) and the broker acknowledges them after the commit.</li>
 * </ul>
 * ACKs always list exact messages (never cumulative), because a consumer may hold a redelivered message with a lower
 * offset than one it already consumed.
 */
final class AckTracker {
    private static final System.Logger LOG = System.getLogger(AckTracker.class.getName());
    static final int DUPS_OK_BATCH = 100;

    private final Provider provider;
    private final AckMode mode;
    private final Map<Long, List<Position>> pending = new LinkedHashMap<>();
    private int pendingCount;
    /** AUTO_ACKNOWLEDGE: the answer to the ACK of the last message handed to the application, until awaited. */
    private CompletableFuture<Void> lastAutoAck;

    AckTracker(Provider provider, AckMode mode) {
        this.provider = provider;
        this.mode = mode;
    }

    /** The message is being handed to the application (before a listener runs). */
    synchronized void delivered(long consumerId, Position position) {
        if (mode == AckMode.CLIENT || mode == AckMode.TRANSACTED) {
            add(consumerId, position);
        }
    }

    /**
     * receive() is returning the message, or its listener returned normally. In AUTO_ACKNOWLEDGE the ACK is sent
     * and not awaited here: the caller has already awaited the previous one ({@link #awaitLastAutoAck}).
     */
    void consumed(long consumerId, Position position) throws JMSException {
        if (mode == AckMode.AUTO) {
            CompletableFuture<Void> answer = provider.acknowledgeAsync(consumerId, List.of(position), true);
            synchronized (this) {
                lastAutoAck = answer;
            }
        } else if (mode == AckMode.DUPS_OK) {
            boolean full;
            synchronized (this) {
                add(consumerId, position);
                full = pendingCount >= DUPS_OK_BATCH;
            }
            if (full) {
                flush();
            }
        }
    }

    /**
     * AUTO_ACKNOWLEDGE: waits until the broker confirmed the ACK of the last message the session handed to the
     * application. Called before another message is handed out, so at most that one message is in doubt after a
     * failure (spec 6.2.10), and before the session ends. Nothing to wait for in the other modes.
     *
     * @throws JMSException the ACK failed: the last message may be delivered again
     */
    void awaitLastAutoAck() throws JMSException {
        CompletableFuture<Void> answer;
        synchronized (this) {
            answer = lastAutoAck;
            lastAutoAck = null;
        }
        if (answer != null) {
            provider.await(answer);
        }
    }

    /** Message.acknowledge() in CLIENT_ACKNOWLEDGE: every message the session delivered so far, awaited. */
    void acknowledgeAll() throws JMSException {
        if (mode == AckMode.CLIENT) {
            sendPendingAwaited();
        }
    }

    /**
     * Sends the batched acknowledgements of DUPS_OK_ACKNOWLEDGE now, without waiting for the answer: the broker
     * applies them before any request this connection sends later (RECOVER, CLOSE_CONSUMER, CLOSE_SESSION), and an
     * ACK that fails leaves its messages in flight, to be delivered again, which this mode allows.
     */
    void flush() {
        if (mode != AckMode.DUPS_OK) {
            return;
        }
        Map<Long, List<Position>> batch;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            batch = new LinkedHashMap<>(pending);
            pending.clear();
            pendingCount = 0;
        }
        batch.forEach((consumerId, positions) -> provider.acknowledgeAsync(consumerId, positions, false)
                .whenComplete((answered, failure) -> {
                    if (failure != null) {
                        LOG.log(System.Logger.Level.WARNING, "a DUPS_OK_ACKNOWLEDGE batch of " + positions.size()
                                + " messages of consumer " + consumerId + " was not acknowledged; they will be "
                                + "delivered again: " + failure.getMessage());
                    }
                }));
    }

    /** SESSION_TRANSACTED: the messages the application received in the current transaction, for COMMIT. */
    synchronized List<Undelivered> transactionConsumed() {
        List<Undelivered> consumed = new ArrayList<>(pendingCount);
        pending.forEach((consumerId, positions) -> positions.forEach(
                p -> consumed.add(new Undelivered(consumerId, p.partition(), p.queueOffset()))));
        return consumed;
    }

    /** After a recover or close released the unacknowledged messages, they can no longer be acknowledged. */
    synchronized void forget() {
        pending.clear();
        pendingCount = 0;
    }

    synchronized int pendingCount() {
        return pendingCount;
    }

    private void add(long consumerId, Position position) {
        pending.computeIfAbsent(consumerId, id -> new ArrayList<>()).add(position);
        pendingCount++;
    }

    /**
     * One ACK per consumer, all sent before the first answer is awaited (one round trip, not one per consumer); what
     * was acknowledged is removed only after the broker confirmed it, so a failed acknowledge can be repeated.
     */
    private void sendPendingAwaited() throws JMSException {
        Map<Long, List<Position>> batch;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            batch = new LinkedHashMap<>();
            pending.forEach((id, positions) -> batch.put(id, List.copyOf(positions)));
        }
        Map<Long, CompletableFuture<Void>> answers = new LinkedHashMap<>();
        batch.forEach((id, positions) -> answers.put(id, provider.acknowledgeAsync(id, positions, true)));
        JMSException failure = null;
        for (Map.Entry<Long, List<Position>> e : batch.entrySet()) {
            try {
                provider.await(answers.get(e.getKey()));
            } catch (JMSException notAcknowledged) {
                failure = failure == null ? notAcknowledged : failure;
                continue;
            }
            synchronized (this) {
                List<Position> remaining = pending.get(e.getKey());
                if (remaining != null) {
                    remaining.removeAll(e.getValue());
                    pendingCount -= e.getValue().size();
                    if (remaining.isEmpty()) {
                        pending.remove(e.getKey());
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
