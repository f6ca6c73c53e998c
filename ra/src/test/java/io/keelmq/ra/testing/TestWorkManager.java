package io.keelmq.ra.testing;

import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkEvent;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import jakarta.resource.spi.work.WorkRejectedException;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** An application server's WorkManager, in small: a thread pool whose threads are named {@code test-work-N}. */
public final class TestWorkManager implements WorkManager {
    public static final String THREAD_PREFIX = "test-work-";

    private final AtomicInteger threads = new AtomicInteger();
    private final Set<Work> running = ConcurrentHashMap.newKeySet();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, THREAD_PREFIX + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    @Override
    public void doWork(Work work) {
        work.run();
    }

    @Override
    public void doWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener) {
        work.run();
    }

    @Override
    public long startWork(Work work) throws WorkException {
        scheduleWork(work);
        return 0;
    }

    @Override
    public long startWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener)
            throws WorkException {
        scheduleWork(work, startTimeout, context, listener);
        return 0;
    }

    @Override
    public void scheduleWork(Work work) throws WorkException {
        scheduleWork(work, INDEFINITE, null, null);
    }

    @Override
    public void scheduleWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener)
            throws WorkException {
        try {
            pool.execute(() -> {
                running.add(work);
                try {
                    work.run();
                } finally {
                    running.remove(work);
                    if (listener != null) {
                        listener.workCompleted(new WorkEvent(this, WorkEvent.WORK_COMPLETED, work, null));
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            throw new WorkRejectedException("the work manager is shut down", e);
        }
    }

    /** Works running now. */
    public int running() {
        return running.size();
    }

    /** Works running now that {@code which} accepts. */
    public int running(java.util.function.Predicate<Work> which) {
        return (int) running.stream().filter(which).count();
    }

    /** As a server does at shutdown: asks running works to release, then waits for the threads. */
    public void shutdown() throws InterruptedException {
        running.forEach(Work::release);
        pool.shutdown();
        if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("works still running after 30 s: " + running);
        }
    }
}
