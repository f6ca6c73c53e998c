package io.keelmq.bench.rocketmq;

import java.util.concurrent.CountDownLatch;

/**
 * The end of both launchers: announce the ready line keel-bench waits for, then live until SIGTERM, whose shutdown
 * hook stops the controller cleanly (RocketMQ's threads may be daemons, so main must not return before).
 */
final class Running {
    private Running() {
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
