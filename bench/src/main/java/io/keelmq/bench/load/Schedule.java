package io.keelmq.bench.load;

import java.util.concurrent.locks.LockSupport;

/**
 * A constant-rate schedule for one of {@code producers} producers sharing {@code rate} messages per
 * second: its i-th message is due at {@code start + (i * producers + index) / rate}, so the producers
 * interleave evenly. A producer that falls behind sends at once but keeps its due times, and latency
 * is measured from the due time: a stall in the broker then shows as the latency every message that
 * should have been sent during it would have seen (coordinated-omission correction), instead of as
 * one slow message followed by a silence the measurement never sees.
 */
final class Schedule {
    /** Below this, parking overshoots by more than the wait itself; yielding keeps both cores usable. */
    private static final long PARK_THRESHOLD_NANOS = 100_000;

    private final double intervalNanos;
    private final long startNanos;
    private final double offsetNanos;
    private long sequence;

    Schedule(double ratePerSecond, int producers, int index, long startNanos) {
        this.intervalNanos = 1e9 * producers / ratePerSecond;
        this.offsetNanos = 1e9 * index / ratePerSecond;
        this.startNanos = startNanos;
    }

    /** The due time of the next message, in {@link System#nanoTime()} units. */
    long next() {
        return startNanos + (long) (offsetNanos + intervalNanos * sequence++);
    }

    /** Waits until {@code due}; returns at once when it has passed. */
    static void waitUntil(long due) {
        long left;
        while ((left = due - System.nanoTime()) > 0) {
            if (left > PARK_THRESHOLD_NANOS) {
                LockSupport.parkNanos(left - PARK_THRESHOLD_NANOS / 2);
            } else {
                Thread.yield();
            }
        }
    }
}
