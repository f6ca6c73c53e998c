package io.keelmq.store.flush;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SYNC_FLUSH as group commit: appenders queue a request and wait; one thread takes
 * every queued request, makes one {@code force()} that covers them all, and completes
 * them together. The more appenders, the more records each force carries.
 *
 * <p>The thread does not wait to gather a batch: requests that arrive while a force is
 * under way form the next batch by themselves, and a deliberate delay (tried: 0.15 to
 * 1 ms) made no measurable difference to throughput while adding latency to every
 * broker round trip.
 *
 * <p>A caller that can force for itself soon ({@link #awaitDurableCommittedByCaller}: a network I/O thread
 * that calls {@link #commitWaiting()} once it has handled its read batch) does not wake the thread: on a
 * machine with few cores each wake-up of another thread costs a scheduling delay, and the I/O thread then
 * writes the answers itself rather than wake the I/O thread back. Commits are serialised, so batches
 * complete in the order their requests were queued, whichever thread forces. The thread still forces a
 * caller's request that waited {@link #CALLER_GRACE_MILLIS} while no commit was under way (a caller that did
 * not commit is a bug, but must not hang a send); while callers commit, it therefore looks that often when idle.
 *
 * <p>A request not forced within {@code syncFlushTimeout} is failed with a
 * {@link TimeoutException} by a separate sweeper, so a force that hangs does not hang
 * its appenders. A failed force is fatal to durability (after an fsync error the kernel
 * may have dropped the dirty pages): it fails every waiter and every later request until
 * the store is reopened and recovery has verified the log.
 */
public final class GroupCommitFlusher implements FlushService, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitFlusher.class);
    /** How long a caller's request may wait for its caller's commit before the thread forces it. */
    static final long CALLER_GRACE_MILLIS = 50;
    private static final long IDLE_WAIT_MILLIS = TimeUnit.SECONDS.toMillis(1);

    private final LogForcer forcer;
    private final Runnable afterForce;
    private final Runnable afterAnswers;
    private final long timeoutNanos;
    private final long callerGraceMillis;
    private final Object lock = new Object();
    /** Held while taking and forcing a batch, by the thread or a caller: one commit at a time, in queue order. */
    private final ReentrantLock committing = new ReentrantLock();
    private ArrayDeque<Request> pending = new ArrayDeque<>();
    /** A request that wants the thread was queued since the thread last took a batch (under {@code lock}). */
    private boolean wakeRequested;
    /** Some caller commits for itself: the idle thread then looks for their overdue requests (under {@code lock}). */
    private boolean callersCommit;
    private volatile ArrayDeque<Request> forcing = new ArrayDeque<>();
    private volatile boolean running = true;
    private volatile IOException failure;
    private volatile long forces;
    private Thread thread;
    private Thread sweeper;

    /**
     * @param forcer       forces the commit log and answers the offset now durable
     * @param afterForce   run after each successful force, before its waiters are completed: it
     *                     dispatches what the force confirmed, so that the sends completed next are
     *                     already visible (no dispatcher thread to wake); it must not block
     * @param afterAnswers run after the waiters of each successful force were completed (their
     *                     continuations have run): it tells consumers of what the force made visible,
     *                     which may claim and answer pulls on this thread, so no send of the batch
     *                     waits for that; it must not block
     */
    public GroupCommitFlusher(LogForcer forcer, Runnable afterForce, Runnable afterAnswers, long timeoutMillis) {
        this(forcer, afterForce, afterAnswers, timeoutMillis, CALLER_GRACE_MILLIS);
    }

    GroupCommitFlusher(LogForcer forcer, Runnable afterForce, Runnable afterAnswers, long timeoutMillis,
                       long callerGraceMillis) {
        this.callerGraceMillis = callerGraceMillis;
        this.forcer = forcer;
        this.afterForce = afterForce;
        this.afterAnswers = afterAnswers;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    private record Request(long endOffset, long queuedNanos, CompletableFuture<Void> done) {
    }

    @Override
    public void start() {
        thread = new Thread(this, "keel-store-group-commit");
        thread.setDaemon(true);
        thread.start();
        sweeper = new Thread(this::sweep, "keel-store-flush-timeouts");
        sweeper.setDaemon(true);
        sweeper.start();
    }

    @Override
    public CompletableFuture<Void> awaitDurable(long endOffset) {
        return queue(endOffset, true);
    }

    @Override
    public CompletableFuture<Void> awaitDurableCommittedByCaller(long endOffset) {
        return queue(endOffset, false);
    }

    private CompletableFuture<Void> queue(long endOffset, boolean wakeThread) {
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
            pending.add(new Request(endOffset, System.nanoTime(), done));
            if (!wakeThread) {
                callersCommit = true;
            } else if (!wakeRequested) {
                wakeRequested = true;
                lock.notify();
            }
        }
        return done;
    }

    @Override
    public void commitWaiting() {
        committing.lock();
        try {
            ArrayDeque<Request> batch;
            synchronized (lock) {
                if (pending.isEmpty()) {
                    return;
                }
                batch = pending;
                pending = new ArrayDeque<>();
                forcing = batch;
                // Whoever asked for the thread is in this batch; the next request must wake it again.
                wakeRequested = false;
            }
            commit(batch);
        } finally {
            committing.unlock();
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
    public void run() {
        while (true) {
            synchronized (lock) {
                while (running && !due()) {
                    try {
                        lock.wait(callersCommit ? callerGraceMillis : IDLE_WAIT_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (!running && pending.isEmpty()) {
                    return;
                }
            }
            // Asked for, or a caller's overdue request. A caller may take the batch first; then nothing is left here.
            commitWaiting();
        }
    }

    /**
     * Whether the thread should force now: asked to, or a caller's request waited past the grace period while no
     * commit is under way (a commit that takes long, say a slow force, holds up the callers' own). Under {@code lock}.
     */
    private boolean due() {
        Request oldest = pending.peekFirst();
        if (oldest == null) {
            return false;
        }
        boolean overdue = System.nanoTime() - oldest.queuedNanos >= TimeUnit.MILLISECONDS.toNanos(callerGraceMillis);
        return wakeRequested || (overdue && !committing.isLocked());
    }

    private void commit(ArrayDeque<Request> batch) {
        if (failure != null) {
            batch.forEach(r -> r.done.completeExceptionally(failure));
            return;
        }
        try {
            long durable = forcer.force();
            forces++;
            // Forced: the timeout no longer applies to this batch, whatever the dispatch below takes.
            forcing = new ArrayDeque<>();
            try {
                afterForce.run();
            } catch (RuntimeException e) {
                // The records are durable all the same; whatever was not dispatched is picked up later.
                LOG.error("after-force action failed", e);
            }
            for (Request request : batch) {
                if (request.endOffset <= durable) {
                    request.done.complete(null);
                } else {
                    // Cannot happen: every request was written before it was queued.
                    request.done.completeExceptionally(new IOException("force covered " + durable
                            + " but the record ends at " + request.endOffset));
                }
            }
            try {
                afterAnswers.run();
            } catch (RuntimeException e) {
                LOG.error("after-answers action failed", e);
            }
        } catch (IOException e) {
            LOG.error("commit-log force failed; refusing further appends until restart", e);
            failure = e;
            batch.forEach(r -> r.done.completeExceptionally(e));
        }
    }

    /** Fails requests whose force did not come within the timeout; requests are queued in time order. */
    private void sweep() {
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(timeoutNanos / 10,
                TimeUnit.MILLISECONDS.toNanos(100)));
        while (running) {
            LockSupport.parkNanos(period);
            long now = System.nanoTime();
            expire(forcing, now);
            synchronized (lock) {
                expire(pending, now);
            }
        }
    }

    private void expire(ArrayDeque<Request> requests, long now) {
        for (Request request : requests) {
            if (now - request.queuedNanos < timeoutNanos) {
                break;
            }
            request.done.completeExceptionally(new TimeoutException("not forced within syncFlushTimeout"));
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
            sweeper.join(TimeUnit.SECONDS.toMillis(5));
        }
        // A caller may be forcing right now: let it finish before the store closes the files under it. Nothing
        // is queued any more (queue() refuses once not running), so no later commit can start with work to do.
        committing.lock();
        committing.unlock();
    }
}
