package io.keelmq.server.consume;

import io.keelmq.server.message.Delivery;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A PULL the broker holds because nothing was available (long polling). It is answered
 * exactly once: with messages when they arrive or are released, empty when its hold time
 * ends or its consumer closes. Whoever wins {@link #complete} answers; a claim that loses
 * the race gives its messages back.
 *
 * <p>Every attempt to answer it with messages runs on its connection's request executor,
 * never beside that connection's other requests: a claim and the write of its answer then
 * happen together, between two requests, so an answer written before a RECOVER, CLOSE_CONSUMER
 * or CLOSE_SESSION answer holds only messages that request found in flight (and released or
 * kept), and one written after it holds none of what was in flight before it.
 */
public final class HeldPull {
    private final ConsumerState consumer;
    private final int maxMessages;
    private final long maxBytes;
    private final Consumer<List<Delivery>> answer;
    private final Executor requests;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile ScheduledFuture<?> timeout;

    HeldPull(ConsumerState consumer, int maxMessages, long maxBytes, Executor requests,
             Consumer<List<Delivery>> answer) {
        this.consumer = consumer;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.requests = requests;
        this.answer = answer;
    }

    public ConsumerState consumer() {
        return consumer;
    }

    int maxMessages() {
        return maxMessages;
    }

    long maxBytes() {
        return maxBytes;
    }

    /** The executor of its connection's requests, where attempts to answer it run. */
    Executor requests() {
        return requests;
    }

    boolean isDone() {
        return done.get();
    }

    void timeout(ScheduledFuture<?> future) {
        this.timeout = future;
    }

    /** Answers with {@code deliveries} if nobody answered yet; false if someone did. */
    boolean complete(List<Delivery> deliveries) {
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        ScheduledFuture<?> future = timeout;
        if (future != null) {
            future.cancel(false);
        }
        consumer.heldPull().compareAndSet(this, null);
        answer.accept(deliveries);
        return true;
    }

    /** Ends the hold without answering (the connection is gone). */
    void abandon() {
        if (done.compareAndSet(false, true)) {
            ScheduledFuture<?> future = timeout;
            if (future != null) {
                future.cancel(false);
            }
            consumer.heldPull().compareAndSet(this, null);
        }
    }
}
