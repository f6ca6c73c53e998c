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

    record HeldPull(Frame request, int maxMessages, long maxBytes, ScheduledFuture<?> timeout) {
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
