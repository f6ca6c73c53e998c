package io.keelmq.ra.testing;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The threads of KeelMQ's client in this JVM: all are named keel-... (the broker runs in a child JVM). */
public final class KeelThreads {
    private KeelThreads() {
    }

    public static Set<String> running() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.toLowerCase(Locale.ROOT).startsWith("keel"))
                .collect(Collectors.toSet());
    }

    /** @return the KeelMQ threads still alive after up to 15 s (they end shortly after their last user) */
    public static Set<String> awaitNone() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        Set<String> left = running();
        while (!left.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            left = running();
        }
        return left;
    }
}
