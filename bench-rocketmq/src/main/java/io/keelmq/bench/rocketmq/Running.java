package io.keelmq.bench.rocketmq;

import java.util.concurrent.CountDownLatch;

/**
 * The life of both launchers: a start that fails ends the JVM ({@link #orExit}); a start that succeeds announces the
 * ready line keel-bench waits for, then lives until SIGTERM, whose shutdown hook stops the controller cleanly
 * (RocketMQ's threads may be daemons, so main must not return before).
 */
final class Running {
    private Running() {
    }

    /** A launcher's whole life, from its arguments to SIGTERM. */
    @FunctionalInterface
    interface Life {
        void live() throws Exception;
    }

    /**
     * Runs {@code life}; if it throws, prints why and ends the JVM with exit code 1. Without this a start that fails
     * leaves a JVM that never exits: RocketMQ's controllers create non-daemon thread pools in {@code initialize()},
     * so when {@code start()} then throws (a port keel-bench found free was taken before the bind), main ends and the
     * JVM lives on, silent, until keel-bench's start timeout. An exit is what keel-bench retries on new ports at once.
     * {@code halt}, not {@code exit}: a half-started controller's shutdown hooks must not keep the failed JVM alive.
     */
    static void orExit(String what, Life life) {
        try {
            life.live();
        } catch (Throwable failure) {
            System.err.println(what + " failed: " + failure);
            failure.printStackTrace();
            System.err.flush();
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
    }

    static void untilTerminated(String readyLine, Runnable shutdown, String hookName) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                shutdown.run();
            } finally {
                stopped.countDown();
            }
        }, hookName));
        System.out.println(readyLine);
        System.out.flush();
        stopped.await();
    }
}
