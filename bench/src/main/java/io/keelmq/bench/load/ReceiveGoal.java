package io.keelmq.bench.load;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When consumers stop: once they have received as many messages as were sent (known only when the
 * producers finish), or when nothing has arrived for the idle timeout after that, so a lost message
 * shows as received &lt; sent instead of a benchmark that never ends.
 */
final class ReceiveGoal {
    private final AtomicLong received = new AtomicLong();
    private final long idleTimeoutNanos;
    private volatile long expected = -1;
    private volatile long lastActivityNanos = System.nanoTime();
    private volatile boolean timedOut;

    ReceiveGoal(Duration idleTimeout) {
        this.idleTimeoutNanos = idleTimeout.toNanos();
    }

    void expect(long messages) {
        lastActivityNanos = System.nanoTime();
        expected = messages;
    }

    void received(long nowNanos) {
        lastActivityNanos = nowNanos;
        received.incrementAndGet();
    }

    long receivedSoFar() {
        return received.get();
    }

    boolean done(long nowNanos) {
        long goal = expected;
        if (goal < 0) {
            return false;
        }
        if (received.get() >= goal) {
            return true;
        }
        if (nowNanos - lastActivityNanos > idleTimeoutNanos) {
            timedOut = true;
            return true;
        }
        return false;
    }

    boolean timedOut() {
        return timedOut;
    }
}
