package io.keelmq.bench.load;

import java.time.Duration;

/** How much a phase sends, as given on the command line: {@code --count} when positive, else {@code --duration}. */
public record Amount(long count, Duration duration) {
    /** A fresh quota for one run (quotas count down, so each run needs its own). */
    public Quota quota() {
        return count > 0 ? Quota.count(count) : Quota.duration(duration);
    }

    @Override
    public String toString() {
        return count > 0 ? String.format("%,d messages", count) : duration.toMillis() / 1000.0 + " s";
    }
}
