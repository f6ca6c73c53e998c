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

/**
 * What a session owes the broker in acknowledgements, per acknowledgement mode (spec 6.2.10):
 * <ul>
 * <li>AUTO_ACKNOWLEDGE: each message is acknowledged as soon as receive() returns it or its listener returns, and
 * the ACK is awaited, so only the last message can be redelivered after a failure.</li>
 * <li>DUPS_OK_ACKNOWLEDGE: consumed messages are collected and acknowledged in batches of {@value #DUPS_OK_BATCH},
 * or earlier when a consumer runs dry, on close and before a recover.</li>
 * <li>CLIENT_ACKNOWLEDGE: every message handed to the application is remembered until
 * {@link jakarta.jms.Message#acknowledge()}, which acknowledges all of them, whichever consumer received them.</li>
 * <li>SESSION_TRANSACTED: every message handed to the application is remembered until the session commits; the
 * COMMIT request lists them ({@link #transactionConsumed()}) and the broker acknowledges them after the commit.</li>
 * </ul>
 * ACKs always list exact messages (never cumulative), because a consumer may hold a redelivered message with a lower
 * offset than one it already consumed.
 */
final class AckTracker {
    static final int DUPS_OK_BATCH = 100;

    private final Provider provider;
    private final AckMode mode;
    private final Map<Long, List<Position>> pending = new LinkedHashMap<>();
    private int pendingCount;

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

    /** receive() is returning the message, or its listener returned normally. */
    void consumed(long consumerId, Position position) throws JMSException {
        if (mode == AckMode.AUTO) {
            provider.acknowledge(consumerId, List.of(position));
        } else if (mode == AckMode.DUPS_OK) {
            boolean full;
            synchronized (this) {
                add(consumerId, position);
                full = pendingCount >= DUPS_OK_BATCH;
            }
            if (full) {
                sendPending();
            }
        }
    }

    /** Message.acknowledge() in CLIENT_ACKNOWLEDGE: every message the session delivered so far. */
    void acknowledgeAll() throws JMSException {
        if (mode == AckMode.CLIENT) {
            sendPending();
        }
    }

    /** Sends the batched acknowledgements of DUPS_OK_ACKNOWLEDGE now. */
    void flush() throws JMSException {
        if (mode == AckMode.DUPS_OK) {
            sendPending();
        }
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
     * One ACK per consumer; what was acknowledged is removed only after the broker confirmed it, so a failed
     * acknowledge can be repeated.
     */
    private void sendPending() throws JMSException {
        Map<Long, List<Position>> batch;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            batch = new LinkedHashMap<>();
            pending.forEach((id, positions) -> batch.put(id, List.copyOf(positions)));
        }
        for (Map.Entry<Long, List<Position>> e : batch.entrySet()) {
            provider.acknowledge(e.getKey(), e.getValue());
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
    }
}
