package io.keelmq.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM: the broker's clean shutdown, bounded by {@code shutdownTimeoutMillis}, then exit 0.
 *
 * <p>Why not just the JVM's shutdown hook: the JVM exits 143 after a SIGTERM whatever the hook did, and it waits
 * for the hook without limit, so one step that cannot finish (a write the disk refuses, a stuck peer) kept the
 * broker running until someone sent SIGKILL. Here the shutdown runs on its own thread; if it has not finished
 * within the timeout, the broker logs what that means and exits 1 without it: nothing acknowledged depends on it,
 * since every SEND_OK was forced first, and the next start recovers from the log as after a crash (the
 * clean-shutdown marker is written only by a shutdown that finished). A shutdown that finished exits 0, with the
 * marker written if the store could write it.
 */
final class SigtermShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(SigtermShutdown.class);

    private SigtermShutdown() {
    }

    /** Handles SIGTERM from now on; where the platform has no SIGTERM, the shutdown hook alone stops the broker. */
    static void install(Runnable broker, long timeoutMillis) {
        try {
            Signal.handle(new Signal("TERM"), signal -> stop(broker, timeoutMillis));
        } catch (IllegalArgumentException e) {
            LOG.warn("cannot handle SIGTERM here ({}); the shutdown hook stops the broker without a time limit",
                    e.getMessage());
        }
    }

    private static void stop(Runnable broker, long timeoutMillis) {
        Thread closer = new Thread(broker, "keel-shutdown");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            LOG.error("the shutdown did not finish within shutdownTimeoutMillis {} ms; exiting without it: nothing "
                    + "acknowledged is lost, and the next start recovers from the commit log", timeoutMillis);
            logStack(closer);
            // halt, not exit: exit would run the shutdown hook, which waits for the stuck close.
            Runtime.getRuntime().halt(1);
        }
        System.exit(0);
    }

    private static void logStack(Thread closer) {
        StringBuilder where = new StringBuilder("the shutdown was at:");
        for (StackTraceElement frame : closer.getStackTrace()) {
            where.append("\n\tat ").append(frame);
        }
        LOG.error(where.toString());
    }
}
