package io.keelmq.bench.load;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When producers stop: after a number of messages shared by all of them, or at a deadline. Shared so
 * that the total is exact whichever producer is faster.
 */
public abstract sealed class Quota {
    /** Exactly {@code messages} messages in total. */
    public static Quota count(long messages) {
        return new Count(messages);
    }

    /** As many as the producers send in {@code duration} from {@link #start}. */
    public static Quota duration(Duration duration) {
        return new Deadline(duration);
    }

    /** Called once, when every producer is connected and the clock starts. */
    abstract void start(long startNanos);

    /** Whether one more message may be sent; a {@code true} is a commitment to send it. */
    abstract boolean take();

    /** The total count, or -1 for a deadline. */
    public abstract long fixedCount();

    private static final class Count extends Quota {
        private final long total;
        private final AtomicLong remaining;

        Count(long total) {
            this.total = total;
            this.remaining = new AtomicLong(total);
        }

        @Override
        void start(long startNanos) {
        }

        @Override
        boolean take() {
            return remaining.getAndDecrement() > 0;
        }

        @Override
        public long fixedCount() {
            return total;
        }
    }

    private static final class Deadline extends Quota {
        private final Duration duration;
        private volatile long deadlineNanos;

        Deadline(Duration duration) {
            this.duration = duration;
        }

        @Override
        void start(long startNanos) {
            deadlineNanos = startNanos + duration.toNanos();
        }

        @Override
        boolean take() {
            return System.nanoTime() - deadlineNanos < 0;
        }

        @Override
        public long fixedCount() {
            return -1;
        }
    }
}
