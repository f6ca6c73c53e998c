package io.keelmq.jms.provider;

import io.keelmq.jms.transport.SharedResource;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One timer thread for every connection of the JVM (request timeouts, heartbeats). A timer per connection cost a
 * thread each, and every request scheduling the earliest timeout of its own timer woke that thread: one more context
 * switch per request. Each connection acquires it when its channel is made and releases it when the channel ends;
 * the last release stops the thread (closing a connection cancels its own tasks), the next connection starts a new
 * one.
 */
final class SharedTimer {
    private static final SharedResource<ScheduledExecutorService> TIMER = SharedResource.of("keel-provider-timer",
            SharedResource.lifecycle(SharedTimer::create, ScheduledExecutorService::shutdownNow,
                    (timer, millis) -> timer.awaitTermination(millis, TimeUnit.MILLISECONDS)));

    private SharedTimer() {
    }

    private static ScheduledExecutorService create() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "keel-provider-timer");
            t.setDaemon(true);
            return t;
        });
        // A request's timeout is cancelled by its answer: drop it now, not when it would have fired.
        timer.setRemoveOnCancelPolicy(true);
        // A task scheduled by a connection that is ending as the last user releases the timer is dropped, not thrown:
        // that connection fails its requests itself.
        timer.setRejectedExecutionHandler(new ThreadPoolExecutor.DiscardPolicy());
        return timer;
    }

    /** The timer, started if no connection uses it; pair with {@link #release}. */
    static ScheduledExecutorService acquire() {
        return TIMER.acquire();
    }

    static void release(ScheduledExecutorService timer) {
        TIMER.release(timer);
    }
}
