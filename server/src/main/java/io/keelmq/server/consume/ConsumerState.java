package io.keelmq.server.consume;

import io.keelmq.protocol.selector.Selector;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One consumer: the subscription it competes on, its own selector (on a queue, a message it
 * rejects stays available to the others), and where it has scanned each partition to.
 * Scan cursors are per consumer for that reason; messages released behind a cursor are
 * found again through the subscription's redeliverable set.
 */
public final class ConsumerState {
    private final long id;
    private final String connectionId;
    private final SessionState session;
    private final Subscription subscription;
    private final Selector selector;
    private final boolean noLocal;
    /** What the selector requires of the tag: messages it rejects are passed over without being read. */
    final TagFilter tags;
    /** Next offset to examine, per partition; guarded by the subscription's lock. */
    final long[] cursors;
    /** Partition the next scan starts at, rotated so no partition starves; guarded likewise. */
    int nextPartition;
    private final AtomicReference<HeldPull> heldPull = new AtomicReference<>();
    private volatile boolean closed;

    ConsumerState(long id, String connectionId, SessionState session, Subscription subscription, Selector selector,
                  boolean noLocal) {
        this.id = id;
        this.connectionId = connectionId;
        this.session = session;
        this.subscription = subscription;
        this.selector = selector;
        this.noLocal = noLocal;
        this.tags = TagFilter.of(selector);
        this.cursors = new long[subscription.destination().partitions()];
        Arrays.fill(cursors, -1);
    }

    public long id() {
        return id;
    }

    public String connectionId() {
        return connectionId;
    }

    public SessionState session() {
        return session;
    }

    public Subscription subscription() {
        return subscription;
    }

    /** The consumer's own selector; on a topic subscription it is the subscription's, applied there. */
    public Selector selector() {
        return selector;
    }

    public boolean noLocal() {
        return noLocal;
    }

    public boolean isClosed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }

    AtomicReference<HeldPull> heldPull() {
        return heldPull;
    }

    @Override
    public String toString() {
        return "consumer " + id + " of connection " + connectionId + " on " + subscription;
    }
}
