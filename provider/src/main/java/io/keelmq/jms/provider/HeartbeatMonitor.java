package io.keelmq.jms.provider;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The contract's heartbeat rule for the client side: send a HEARTBEAT when nothing was sent for one interval, and
 * give the connection up when nothing was received for three. It lives above the transport, so the in-VM transport
 * follows the same rule as TCP and tests can exercise it without sockets.
 */
final class HeartbeatMonitor {
    private final long intervalNanos;
    private final LongSupplier lastSentNanos;
    private final LongSupplier lastReceivedNanos;
    private final Runnable sendHeartbeat;
    private final Consumer<String> onSilence;
    private ScheduledFuture<?> task;

    HeartbeatMonitor(long intervalMillis, LongSupplier lastSentNanos, LongSupplier lastReceivedNanos,
                     Runnable sendHeartbeat, Consumer<String> onSilence) {
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        this.lastSentNanos = lastSentNanos;
        this.lastReceivedNanos = lastReceivedNanos;
        this.sendHeartbeat = sendHeartbeat;
        this.onSilence = onSilence;
    }

    /** Checks twice per interval, so a heartbeat goes out at most 1.5 intervals after the last frame sent. */
    synchronized void start(ScheduledExecutorService timer) {
        long period = Math.max(1, intervalNanos / 2);
        try {
            task = timer.scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The provider closed while connecting; nothing to monitor.
        }
    }

    synchronized void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }

    private void check() {
        long now = System.nanoTime();
        long silence = now - lastReceivedNanos.getAsLong();
        if (silence >= 3 * intervalNanos) {
            stop();
            onSilence.accept("nothing received from the broker for " + TimeUnit.NANOSECONDS.toMillis(silence)
                    + " ms, three heartbeat intervals of " + TimeUnit.NANOSECONDS.toMillis(intervalNanos) + " ms");
        } else if (now - lastSentNanos.getAsLong() >= intervalNanos) {
            sendHeartbeat.run();
        }
    }
}
