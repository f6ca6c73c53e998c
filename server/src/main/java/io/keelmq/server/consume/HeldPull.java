package io.keelmq.server.consume;

import io.keelmq.server.message.Delivery;

import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * A PULL the broker holds (long polling). A one-shot pull is answered exactly once: with messages when they arrive or
 * are released, empty when its hold time ends or its consumer closes. A <em>standing</em> pull (header
 * {@code standing}) is the consumer's prefetch window kept at the broker: every claim for it is sent at once as a
 * partial answer, within the credit the client granted (messages and message bytes, cumulative over the pull, widened
 * by CREDIT), and it stays held until its hold time ends, its consumer closes or a newer PULL replaces it; then its
 * last answer, empty, ends it. A consumer that keeps up so costs the broker no PULL per batch: no frame to read, no
 * claim that finds nothing, no timer.
 *
 * <p>Whoever ends it first answers last; a claim that finds it ended gives its messages back. Answers and the end are
 * written under this object's lock, so no partial answer follows the last one on the wire.
 *
 * <p>Every attempt to answer it with messages runs on its connection's request executor, never beside that
 * connection's other requests: a claim and the write of its answer then happen together, between two requests, so an
 * answer written before a RECOVER, CLOSE_CONSUMER or CLOSE_SESSION answer holds only messages that request found in
 * flight (and released or kept), and one written after it holds none of what was in flight before it.
 */
public final class HeldPull {
    /** How a held pull's answers reach the client. */
    public interface Answer {
        /** A partial answer of a standing pull: more answers follow. */
        void partial(List<Delivery> deliveries);

        /** The answer that ends the pull. */
        void last(List<Delivery> deliveries);
    }

    private final ConsumerState consumer;
    /** The client's id of a standing pull; 0 for a one-shot pull. */
    private final long standingId;
    /** The most one answer may carry (the connection's frame limit). */
    private final long answerLimit;
    private final Answer answer;
    private final RequestExecutor requests;
    private long grantedMessages;
    private long grantedBytes;
    private long sentMessages;
    private long sentBytes;
    private volatile boolean done;
    private volatile ScheduledFuture<?> timeout;

    HeldPull(ConsumerState consumer, long standingId, int maxMessages, long maxBytes, long answerLimit,
             RequestExecutor requests, Answer answer) {
        this.consumer = consumer;
        this.standingId = standingId;
        this.grantedMessages = maxMessages;
        this.grantedBytes = maxBytes;
        this.answerLimit = answerLimit;
        this.requests = requests;
        this.answer = answer;
    }

    public ConsumerState consumer() {
        return consumer;
    }

    boolean isStanding() {
        return standingId != 0;
    }

    long standingId() {
        return standingId;
    }

    /** Messages the next claim may take: what the client's window has left. */
    synchronized int maxMessages() {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, grantedMessages - sentMessages));
    }

    /** Bytes the next claim may take (about: a claim's first message always fits). */
    synchronized long maxBytes() {
        return Math.max(0, Math.min(answerLimit, grantedBytes - sentBytes));
    }

    /** Whether a claim for it could take anything. */
    synchronized boolean hasCredit() {
        return !done && grantedMessages > sentMessages && grantedBytes > sentBytes;
    }

    /**
     * CREDIT: the client's window, as totals since the pull began (what it has received plus what it has room for).
     * The totals only grow, so the larger wins: a CREDIT overtaken by a later one on its way changes nothing.
     */
    synchronized void grant(long messages, long bytes) {
        grantedMessages = Math.max(grantedMessages, messages);
        grantedBytes = Math.max(grantedBytes, bytes);
    }

    /** The executor of its connection's requests, where attempts to answer it run. */
    RequestExecutor requests() {
        return requests;
    }

    boolean isDone() {
        return done;
    }

    void timeout(ScheduledFuture<?> future) {
        this.timeout = future;
    }

    /**
     * Sends claimed messages: a standing pull as a partial answer, a one-shot pull as its last.
     *
     * @return false if the pull had ended; the caller gives the messages back
     */
    boolean offer(List<Delivery> deliveries) {
        if (!isStanding()) {
            return complete(deliveries);
        }
        synchronized (this) {
            if (done) {
                return false;
            }
            sentMessages += deliveries.size();
            for (Delivery delivery : deliveries) {
                sentBytes += delivery.message().length();
            }
            answer.partial(deliveries);
            return true;
        }
    }

    /** Ends the pull with {@code deliveries} as its last answer, if nobody ended it yet; false if someone did. */
    boolean complete(List<Delivery> deliveries) {
        synchronized (this) {
            if (done) {
                return false;
            }
            done = true;
            answer.last(deliveries);
        }
        ended();
        return true;
    }

    /** Ends the hold without answering (the connection is gone). */
    void abandon() {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
        }
        ended();
    }

    private void ended() {
        ScheduledFuture<?> future = timeout;
        if (future != null) {
            future.cancel(false);
        }
        consumer.heldPull().compareAndSet(this, null);
    }
}
