package io.keelmq.bench.load;

/**
 * The property carrying a message's send time ({@link System#nanoTime()}, or its due time on a schedule).
 * Producers and consumers run in the benchmark's JVM, so both read the same clock.
 */
final class Stamp {
    static final String PROPERTY = "benchSendNanos";

    private Stamp() {
    }
}
