package io.keelmq.jms.fake;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.selector.Selector;

import java.util.concurrent.ScheduledFuture;

/** A consumer registered by CREATE_CONSUMER, with at most one held PULL. */
final class FakeConsumer {
    final FakeConnection connection;
    final long sessionId;
    final long consumerId;
    final FakeSubscription subscription;
    final Selector selector;
    final boolean noLocal;
    boolean closed;
    HeldPull held;

    /**
     * A held PULL. A standing one ({@code standingId} not 0) stays held after each partial answer; its window is what
     * was granted (the PULL's maxMessages/maxBytes, then CREDIT totals) less what was sent since it began.
     */
    static final class HeldPull {
        final Frame request;
        final long standingId;
        final ScheduledFuture<?> timeout;
        long grantedMessages;
        long grantedBytes;
        long sentMessages;
        long sentBytes;

        HeldPull(Frame request, long standingId, int maxMessages, long maxBytes, ScheduledFuture<?> timeout) {
            this.request = request;
            this.standingId = standingId;
            this.grantedMessages = maxMessages;
            this.grantedBytes = maxBytes;
            this.timeout = timeout;
        }

        Frame request() {
            return request;
        }

        ScheduledFuture<?> timeout() {
            return timeout;
        }

        int maxMessages() {
            return (int) Math.max(0, Math.min(Integer.MAX_VALUE, grantedMessages - sentMessages));
        }

        long maxBytes() {
            return grantedBytes - sentBytes;
        }

        boolean hasCredit() {
            return grantedMessages > sentMessages && grantedBytes > sentBytes;
        }
    }

    FakeConsumer(FakeConnection connection, long sessionId, long consumerId, FakeSubscription subscription,
                 Selector selector, boolean noLocal) {
        this.connection = connection;
        this.sessionId = sessionId;
        this.consumerId = consumerId;
        this.subscription = subscription;
        this.selector = selector;
        this.noLocal = noLocal;
    }
}
