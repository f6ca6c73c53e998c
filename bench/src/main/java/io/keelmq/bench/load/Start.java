package io.keelmq.bench.load;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The starting gun: every producer and consumer connects first, then all start together, so connection
 * set-up is not part of the measured time and no consumer misses the first messages.
 */
final class Start {
    private final CountDownLatch ready;
    private final CountDownLatch go = new CountDownLatch(1);
    private volatile long startNanos;

    Start(int parties) {
        this.ready = new CountDownLatch(parties);
    }

    /** A task is connected (or gave up: it must still be counted so the start does not wait for it). */
    void arrive() {
        ready.countDown();
    }

    /** Blocks a task until the start; returns the start time. */
    long awaitGo() throws InterruptedException {
        go.await();
        return startNanos;
    }

    boolean awaitReady(Duration timeout) throws InterruptedException {
        return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void go(long nowNanos) {
        startNanos = nowNanos;
        go.countDown();
    }
}
