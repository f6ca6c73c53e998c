package io.keelmq.store.io;

import org.slf4j.Logger;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The retry state of a background job whose file writes can fail for a while (a full disk): the pause before
 * the next try doubles from a minimum to a maximum, and the job is logged once when it starts failing and once
 * when it works again, not once per try. A full disk can last hours; a log line every 200 ms for all of them
 * buries everything else, and retrying at full speed spends a core on it.
 */
public final class FailureBackoff {
    private final String what;
    private final Logger log;
    private final long minNanos;
    private final long maxNanos;
    private final LongSupplier nanoTime;
    private int failures;
    private long pauseNanos;
    private long nextTryNanos;

    public FailureBackoff(String what, Logger log, long minMillis, long maxMillis) {
        this(what, log, minMillis, maxMillis, System::nanoTime);
    }

    FailureBackoff(String what, Logger log, long minMillis, long maxMillis, LongSupplier nanoTime) {
        this.what = what;
        this.log = log;
        this.minNanos = TimeUnit.MILLISECONDS.toNanos(minMillis);
        this.maxNanos = TimeUnit.MILLISECONDS.toNanos(maxMillis);
        this.nanoTime = nanoTime;
    }

    /** Records a failed try; logs it if it is the first since the job last worked. Returns the pause before the next. */
    public synchronized long failed(Throwable failure) {
        failures++;
        if (failures == 1) {
            pauseNanos = minNanos;
            log.error("{} failed; retrying with a pause growing to {} ms, logged again once it works: {}", what,
                    TimeUnit.NANOSECONDS.toMillis(maxNanos), failure.toString());
        } else {
            pauseNanos = Math.min(maxNanos, pauseNanos * 2);
        }
        nextTryNanos = nanoTime.getAsLong() + pauseNanos;
        return pauseNanos;
    }

    /** Records a try that worked; logs the recovery if it had been failing. */
    public synchronized void succeeded() {
        if (failures > 0) {
            log.info("{} works again after {} failed tries", what, failures);
            failures = 0;
        }
    }

    /** Whether the job may try now: it is not failing, or its pause is over. */
    public synchronized boolean due() {
        return failures == 0 || nanoTime.getAsLong() - nextTryNanos >= 0;
    }

    public synchronized boolean failing() {
        return failures > 0;
    }

    /** Failed tries since the job last worked. */
    public synchronized int failures() {
        return failures;
    }
}
