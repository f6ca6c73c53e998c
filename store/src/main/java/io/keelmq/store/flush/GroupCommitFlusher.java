package io.keelmq.store.flush;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * SYNC_FLUSH as group commit: appenders queue a request and wait; one thread takes
 * every queued request, makes one {@code force()} that covers them all, and completes
 * them together. The more appenders, the more records each force carries.
 *
 * <p>A failed force is fatal to durability (after an fsync error the kernel may have
 * dropped the dirty pages), so it fails every waiter and every later request until
 * the store is reopened and recovery has verified the log.
 */
public final class GroupCommitFlusher implements FlushService, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitFlusher.class);

    private final LogForcer forcer;
    private final Runnable afterForce;
    private final Object lock = new Object();
    private List<Request> requests = new ArrayList<>();
    private volatile boolean running = true;
    private volatile IOException failure;
    private Thread thread;
    private long forces;

    /**
     * @param forcer     forces the commit log and answers the offset now durable
     * @param afterForce told after each successful force (wakes the dispatcher)
     */
    public GroupCommitFlusher(LogForcer forcer, Runnable afterForce) {
        this.forcer = forcer;
        this.afterForce = afterForce;
    }

    private record Request(long endOffset, CompletableFuture<Void> done) {
    }

    @Override
    public void start() {
        thread = new Thread(this, "keel-store-group-commit");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public CompletableFuture<Void> awaitDurable(long endOffset) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        IOException failed = failure;
        if (failed != null) {
            done.completeExceptionally(failed);
            return done;
        }
        synchronized (lock) {
            if (!running) {
                done.completeExceptionally(new IOException("store is shutting down"));
                return done;
            }
            requests.add(new Request(endOffset, done));
            lock.notify();
        }
        return done;
    }

    @Override
    public IOException failure() {
        return failure;
    }

    /** Number of forces made so far, for the benchmark's records-per-force figure. */
    public long forces() {
        return forces;
    }

    @Override
    public void run() {
        while (true) {
            List<Request> batch;
            synchronized (lock) {
                while (requests.isEmpty() && running) {
                    try {
                        lock.wait(TimeUnit.SECONDS.toMillis(1));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (requests.isEmpty()) {
                    return;
                }
                batch = requests;
                requests = new ArrayList<>();
            }
            commit(batch);
        }
    }

    private void commit(List<Request> batch) {
        if (failure != null) {
            batch.forEach(r -> r.done.completeExceptionally(failure));
            return;
        }
        try {
            long durable = forcer.force();
            forces++;
            afterForce.run();
            for (Request request : batch) {
                if (request.endOffset <= durable) {
                    request.done.complete(null);
                } else {
                    // Cannot happen: every request was written before it was queued.
                    request.done.completeExceptionally(new IOException("force covered " + durable
                            + " but the record ends at " + request.endOffset));
                }
            }
        } catch (IOException e) {
            LOG.error("commit-log force failed; refusing further appends until restart", e);
            failure = e;
            batch.forEach(r -> r.done.completeExceptionally(e));
        }
    }

    @Override
    public void shutdown() throws InterruptedException {
        synchronized (lock) {
            running = false;
            lock.notifyAll();
        }
        if (thread != null) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
