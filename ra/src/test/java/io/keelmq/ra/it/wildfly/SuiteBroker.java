package io.keelmq.ra.it.wildfly;

import io.keelmq.ra.it.wildfly.app.ItNames;
import io.keelmq.server.testing.BrokerProcess;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The KeelMQ broker the WildFly tests run against: a child JVM on an ephemeral port, started before the resource
 * adapter is configured (the adapter's connection URL names its port) and restarted on the same port and store after
 * a SIGKILL, so that the deployed adapter finds it again.
 */
final class SuiteBroker {
    /** The poison queue's consumer fails: two redeliveries (one at once, one after 1 s), then DLQ.it.poison. */
    static final int POISON_MAX_RECONSUME_TIMES = 2;
    private static final String[] OPTIONS = {
        "--maxReconsumeTimes." + ItNames.POISON_QUEUE + "=" + POISON_MAX_RECONSUME_TIMES,
        "--redeliveryDelayLevels." + ItNames.POISON_QUEUE + "=1s",
    };

    private static BrokerProcess process;
    private static Path dir;
    private static int starts;

    private SuiteBroker() {
    }

    /** Starts a broker on a fresh store and an ephemeral port. */
    static synchronized BrokerProcess start() throws Exception {
        if (process != null) {
            throw new IllegalStateException("the suite broker is already running at " + process.url());
        }
        Path root = Path.of(System.getProperty("keel.it.dir", "target/wildfly-it"));
        Files.createDirectories(root);
        dir = Files.createTempDirectory(root, "broker-");
        process = BrokerProcess.start(dir, "broker-" + (++starts), OPTIONS);
        return process;
    }

    /** SIGKILL, then a new broker process on the same store and port. */
    static synchronized BrokerProcess killAndRestart() throws Exception {
        return restart(kill());
    }

    /** SIGKILL; returns the port to {@link #restart(int)} on. */
    static synchronized int kill() throws InterruptedException {
        int port = running().address().getPort();
        process.kill();
        process = null;
        return port;
    }

    /** A new broker process on the store of the killed one and on its port. */
    static synchronized BrokerProcess restart(int port) throws Exception {
        if (process != null) {
            throw new IllegalStateException("the suite broker is running at " + process.url());
        }
        String[] options = new String[OPTIONS.length + 1];
        System.arraycopy(OPTIONS, 0, options, 0, OPTIONS.length);
        options[OPTIONS.length] = "--listenPort=" + port;
        process = BrokerProcess.start(dir, "broker-" + (++starts), options);
        return process;
    }

    static synchronized BrokerProcess running() {
        if (process == null) {
            throw new IllegalStateException("no suite broker: the test class lacks @ServerSetup(KeelOnWildFlySetup)");
        }
        return process;
    }

    static synchronized boolean isRunning() {
        return process != null;
    }

    /** At the test JVM's exit: the broker must not outlive the run. */
    static void stopQuietly() {
        try {
            stop();
        } catch (InterruptedException | RuntimeException e) {
            // the JVM is exiting; BrokerProcess.stop already fell back to SIGKILL if SIGTERM was ignored
        }
    }

    /** SIGTERM, the clean shutdown. */
    static synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.stop();
            process = null;
        }
    }
}
