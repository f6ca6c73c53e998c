package io.keelmq.store.flush;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * ASYNC_FLUSH: writes the commit log's write buffer to the file as soon as appends put
 * something in it, so that what an append acknowledged reaches the page cache (and
 * survives a crash of the process) within moments, in writes that carry many records.
 * A failed write is retried: the buffer keeps its content until it is written.
 */
public final class AsyncCommitter implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncCommitter.class);
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long ERROR_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Below this, wait {@link #GATHER_NANOS} for more: fewer, larger writes hold the append lock less. */
    private static final long GATHER_BYTES = 64 * 1024;
    private static final long GATHER_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    /** The commit log as the committer sees it. */
    public interface LogCommitter {
        boolean hasUncommitted();

        long uncommittedBytes();

        long commit() throws IOException;
    }

    private final LogCommitter log;
    private final Runnable afterCommit;
    private volatile boolean running = true;
    private volatile boolean parked;
    private volatile Thread thread;

    /** @param afterCommit told after each commit (wakes the dispatcher) */
    public AsyncCommitter(LogCommitter log, Runnable afterCommit) {
        this.log = log;
        this.afterCommit = afterCommit;
    }

    public void start() {
        Thread t = new Thread(this, "keel-store-committer");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Called after an append: there is something to write. */
    public void wakeUp() {
        Thread t = thread;
        if (parked && t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run() {
        boolean failing = false;
        while (running) {
            if (!log.hasUncommitted()) {
                parked = true;
                if (!log.hasUncommitted()) {
                    LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                }
                parked = false;
                continue;
            }
            if (log.uncommittedBytes() < GATHER_BYTES) {
                LockSupport.parkNanos(this, GATHER_NANOS);
            }
            try {
                log.commit();
                afterCommit.run();
                if (failing) {
                    LOG.info("commit-log writes work again");
                    failing = false;
                }
            } catch (IOException e) {
                if (!failing) {
                    LOG.error("commit-log write failed; buffered appends are kept and retried", e);
                    failing = true;
                }
                LockSupport.parkNanos(this, ERROR_PAUSE_NANOS);
            }
        }
    }

    public void shutdown() throws InterruptedException {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
