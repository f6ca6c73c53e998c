package io.keelmq.jms.provider;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One timer thread for every connection of the JVM (request timeouts, heartbeats). A timer per
 * connection cost a thread each, and every request scheduling the earliest timeout of its own
 * timer woke that thread: one more context switch per request. The thread is a daemon; closing a
 * connection cancels its own tasks. {@link #shutdown()} ends the thread when the client itself goes
 * away (a resource adapter's stop, see {@code io.keelmq.jms.KeelClientThreads}); the next connection
 * starts a new one.
 */
public final class SharedTimer {
    private static ScheduledExecutorService timer;

    private SharedTimer() {
    }

    /** Created on first use, and again on the first use after {@link #shutdown()}. */
    static synchronized ScheduledExecutorService get() {
        if (timer == null) {
            ScheduledThreadPoolExecutor created = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "keel-provider-timer");
                t.setDaemon(true);
                return t;
            });
            // A request's timeout is cancelled by its answer: drop it now, not when it would have fired.
            created.setRemoveOnCancelPolicy(true);
            timer = created;
        }
        return timer;
    }

    /**
     * Stops the timer thread, waiting up to {@code millis} for it to end. Connections still open lose their
     * timeouts and heartbeats: call it when every connection is closed.
     */
    public static void shutdown(long millis) throws InterruptedException {
        ScheduledExecutorService stopping;
        synchronized (SharedTimer.class) {
            stopping = timer;
            timer = null;
        }
        if (stopping != null) {
            stopping.shutdownNow();
            stopping.awaitTermination(millis, TimeUnit.MILLISECONDS);
        }
    }
}
