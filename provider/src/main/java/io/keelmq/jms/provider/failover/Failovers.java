package io.keelmq.jms.provider.failover;

import java.util.concurrent.TimeUnit;

/**
 * The failovers one request went through, and when the first came. The request is done again after another while
 * it has been through fewer than {@link FailoverProvider#MAX_FAILOVERS_PER_REQUEST}, or its first is less than
 * {@code reconnectTimeout} ago: a group electing a new master answers NOT_MASTER for seconds (its slaves still name
 * the dead master), and a count alone ran out long before. A group without any master does not keep a request
 * beyond {@code reconnectTimeout}.
 */
record Failovers(int count, long firstNanos) {
    static final Failovers NONE = new Failovers(0, 0);

    /** One more failover (the first one's time is kept). */
    Failovers next() {
        return new Failovers(count + 1, count == 0 ? System.nanoTime() : firstNanos);
    }

    boolean allowAnother(long reconnectTimeoutMillis) {
        return count < FailoverProvider.MAX_FAILOVERS_PER_REQUEST
                || System.nanoTime() - firstNanos < TimeUnit.MILLISECONDS.toNanos(reconnectTimeoutMillis);
    }
}
