package io.keelmq.jms.provider;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * One timer thread for every connection of the JVM (request timeouts, heartbeats). A timer per
 * connection cost a thread each, and every request scheduling the earliest timeout of its own
 * timer woke that thread: one more context switch per request. The thread is a daemon and is
 * never shut down, so closing a connection cancels its own tasks instead.
 */
final class SharedTimer {
    private SharedTimer() {
    }

    private static final class Holder {
        static final ScheduledExecutorService TIMER = create();

        private static ScheduledExecutorService create() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "keel-provider-timer");
                t.setDaemon(true);
                return t;
            });
            // A request's timeout is cancelled by its answer: drop it now, not when it would have fired.
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }
    }

    /** Created on first use. */
    static ScheduledExecutorService get() {
        return Holder.TIMER;
    }
}
