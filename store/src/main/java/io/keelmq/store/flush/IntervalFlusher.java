package io.keelmq.store.flush;

import io.keelmq.store.log.WriteFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * ASYNC_FLUSH: appends are acknowledged once written (they survive a crash of the
 * process, since the page cache keeps them, but not of the machine); this thread
 * forces the log every {@code flushIntervalCommitLog} milliseconds.
 */
public final class IntervalFlusher implements FlushService, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(IntervalFlusher.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final LogForcer forcer;
    private final long intervalMillis;
    private volatile boolean running = true;
    private volatile IOException failure;
    private volatile long forces;
    private Thread thread;

    public IntervalFlusher(LogForcer forcer, long intervalMillis) {
        this.forcer = forcer;
        this.intervalMillis = intervalMillis;
    }

    @Override
    public void start() {
        thread = new Thread(this, "keel-store-interval-flush");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public CompletableFuture<Void> awaitDurable(long endOffset) {
        return DONE;
    }

    @Override
    public void run() {
        while (running) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(intervalMillis));
            try {
                forcer.force();
                forces++;
            } catch (WriteFailedException e) {
                // Not fatal: the buffered appends are kept and the committer retries them.
                LOG.warn("commit-log flush could not write buffered appends: {}", e.getMessage());
            } catch (IOException e) {
                LOG.error("commit-log force failed; refusing further appends until restart", e);
                failure = e;
                return;
            }
        }
    }

    @Override
    public long forces() {
        return forces;
    }

    @Override
    public IOException failure() {
        return failure;
    }

    @Override
    public void shutdown() throws InterruptedException {
        running = false;
        if (thread != null) {
            LockSupport.unpark(thread);
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
