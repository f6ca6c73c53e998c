package io.keelmq.server.security;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Slows down password guessing: the first {@code freeFailures} failed logins from one address
 * within {@code windowMillis} are answered at once; each further one within the window is answered
 * after {@code baseDelayMillis}, doubling per failure, capped at {@code maxDelayMillis}. The broker
 * applies the delay by scheduling the answer, never by blocking a thread. Thread-safe.
 */
public final class FailedLoginThrottle {
    public static final int DEFAULT_FREE_FAILURES = 5;
    public static final long DEFAULT_WINDOW_MILLIS = 60_000;
    public static final long DEFAULT_BASE_DELAY_MILLIS = 250;
    public static final long DEFAULT_MAX_DELAY_MILLIS = 4_000;
    private static final int MAX_TRACKED_ADDRESSES = 10_000;

    private final Clock clock;
    private final int freeFailures;
    private final long windowMillis;
    private final long baseDelayMillis;
    private final long maxDelayMillis;
    private final Map<String, Deque<Long>> failures = new HashMap<>();

    public FailedLoginThrottle(Clock clock) {
        this(clock, DEFAULT_FREE_FAILURES, DEFAULT_WINDOW_MILLIS, DEFAULT_BASE_DELAY_MILLIS, DEFAULT_MAX_DELAY_MILLIS);
    }

    public FailedLoginThrottle(Clock clock, int freeFailures, long windowMillis, long baseDelayMillis,
                               long maxDelayMillis) {
        this.clock = clock;
        this.freeFailures = freeFailures;
        this.windowMillis = windowMillis;
        this.baseDelayMillis = baseDelayMillis;
        this.maxDelayMillis = maxDelayMillis;
    }

    /** Records a failed login from {@code address}; returns how long to delay its answer (ms, 0 = none). */
    public synchronized long failed(String address) {
        long now = clock.millis();
        if (failures.size() >= MAX_TRACKED_ADDRESSES) {
            evictExpired(now);
        }
        Deque<Long> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        expire(times, now);
        times.addLast(now);
        if (times.size() > freeFailures + 64) {
            times.removeFirst();   // the delay is capped long before this; bounds memory per address
        }
        int over = times.size() - freeFailures;
        if (over <= 0) {
            return 0;
        }
        long delay = baseDelayMillis << Math.min(over - 1, 20);
        return Math.min(delay, maxDelayMillis);
    }

    /** A successful login from {@code address} forgets its failures. */
    public synchronized void succeeded(String address) {
        failures.remove(address);
    }

    /** Failures from {@code address} still within the window. */
    public synchronized int recentFailures(String address) {
        Deque<Long> times = failures.get(address);
        if (times == null) {
            return 0;
        }
        expire(times, clock.millis());
        return times.size();
    }

    private void expire(Deque<Long> times, long now) {
        while (!times.isEmpty() && times.peekFirst() <= now - windowMillis) {
            times.removeFirst();
        }
    }

    private void evictExpired(long now) {
        for (Iterator<Deque<Long>> it = failures.values().iterator(); it.hasNext(); ) {
            Deque<Long> times = it.next();
            expire(times, now);
            if (times.isEmpty()) {
                it.remove();
            }
        }
        if (failures.size() >= MAX_TRACKED_ADDRESSES) {
            failures.clear();   // a flood of addresses: start afresh rather than grow without bound
        }
    }
}
