package io.keelmq.ra.it.glassfish;

import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** Polls a server-side observation until it satisfies a condition, within a bound. */
final class Await {
    private Await() {
    }

    /** The first value that satisfies {@code done}, or the last one read after {@code seconds}. */
    static <T> T until(int seconds, Callable<T> read, Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        T value = read.call();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            value = read.call();
        }
        return value;
    }
}
