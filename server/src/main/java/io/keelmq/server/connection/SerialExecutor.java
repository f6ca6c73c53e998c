package io.keelmq.server.connection;

import io.keelmq.server.consume.RequestExecutor;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one connection's requests one at a time, in arrival order, on a shared pool: a
 * client may pipeline ACK then CLOSE_CONSUMER, and they must take effect in that order,
 * while thousands of connections share a few worker threads.
 *
 * <p>{@link #executeHereIfIdle} lets a short request skip the pool: handing a task to a
 * worker costs a thread wake-up, which on a loaded machine costs more than a send itself.
 * Whoever holds {@code scheduled} owns the connection's turn, pool thread or caller alike,
 * so order and mutual exclusion are the same either way.
 */
public final class SerialExecutor implements RequestExecutor {
    /** Tasks run per turn before the thread goes back to the pool, so one busy connection cannot hog it. */
    private static final int BATCH = 64;

    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Tasks in {@code tasks}; ConcurrentLinkedQueue.size() walks the queue. */
    private final AtomicInteger queued = new AtomicInteger();
    /** Held by whoever runs this executor's tasks now (a pool thread, or a caller running one inline). */
    private final AtomicBoolean scheduled = new AtomicBoolean();

    public SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        enqueue(task);
        schedule();
    }

    /**
     * Runs {@code task} on the calling thread if nothing is queued or running, else queues it
     * like {@link #execute}. Tasks that arrive meanwhile queue up and go to the pool afterwards.
     * Only for tasks that never block: the caller is typically a network I/O thread.
     */
    @Override
    public void executeHereIfIdle(Runnable task) {
        if (!tasks.isEmpty() || !scheduled.compareAndSet(false, true)) {
            execute(task);
            return;
        }
        if (!tasks.isEmpty()) {
            // A task slipped in between the check and the claim: it came first, so it runs first.
            enqueue(task);
            submitDrain();
            return;
        }
        try {
            task.run();
        } finally {
            release();
        }
    }

    /** Tasks waiting for their turn (not counting one running). */
    public int queued() {
        return queued.get();
    }

    private void enqueue(Runnable task) {
        queued.incrementAndGet();
        tasks.add(task);
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            submitDrain();
        }
    }

    /** Hands the turn (already claimed) to the pool. */
    private void submitDrain() {
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            tasks.clear();
            queued.set(0);
            scheduled.set(false);
        }
    }

    private void drain() {
        try {
            for (int i = 0; i < BATCH; i++) {
                Runnable task = tasks.poll();
                if (task == null) {
                    break;
                }
                queued.decrementAndGet();
                task.run();
            }
        } finally {
            release();
        }
    }

    /** Ends a turn; a task queued meanwhile gets a new one. */
    private void release() {
        scheduled.set(false);
        if (!tasks.isEmpty()) {
            schedule();
        }
    }
}
