package io.keelmq.ra.it.glassfish;

import io.keelmq.server.testing.BrokerProcess;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The KeelMQ broker the GlassFish tests run against: a child JVM on the port build-helper reserved
 * ({@code gf.keel.broker.port}), because keel.rar's configuration and connection pool, created when GlassFish boots,
 * name that port. One broker for the whole run, started before Arquillian starts GlassFish (list this extension
 * before ArquillianExtension) and stopped when the run ends; {@link #killAndRestart()} SIGKILLs it and starts it
 * again on the same port and store, as an operator would after a crash.
 */
public final class SuiteBroker implements BeforeAllCallback {
    /** Redeliveries (after the immediate one) wait 100 ms; gfFailing gives up after this many, into DLQ.gfFailing. */
    public static final int FAILING_MAX_RECONSUME_TIMES = 2;

    private static BrokerProcess broker;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (SuiteBroker.class) {
            if (broker == null) {
                // A fresh store each run: a failed earlier run may have left messages on the tests' queues.
                deleteTree(dataDir().resolve("data"));
                broker = start();
                // Closed when the root context closes, after GlassFish has been stopped.
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                        .put(SuiteBroker.class, (ExtensionContext.Store.CloseableResource) SuiteBroker::stop);
                // Also when the test JVM is ended before that (a killed build): no broker left behind.
                Runtime.getRuntime().addShutdownHook(new Thread(SuiteBroker::stop, "suite-broker-stop"));
            }
        }
    }

    public static String url() {
        return "keel://127.0.0.1:" + port();
    }

    /** SIGKILL (no flush, no clean shutdown), then a start on the same port and data directory. */
    public static synchronized void killAndRestart() throws Exception {
        broker.kill();
        broker = start();
    }

    private static Path dataDir() {
        return Path.of(System.getProperty("gf.work", "target/glassfish-it"));
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private static BrokerProcess start() throws Exception {
        Path dir = dataDir();
        Files.createDirectories(dir);
        return BrokerProcess.start(dir, "broker", "--listenPort=" + port(), "--redeliveryDelayLevels=100ms",
                "--maxReconsumeTimes.gfFailing=" + FAILING_MAX_RECONSUME_TIMES);
    }

    private static int port() {
        return Integer.parseInt(System.getProperty("gf.keel.broker.port"));
    }

    private static synchronized void stop() {
        if (broker != null) {
            try {
                broker.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            broker = null;
        }
    }
}
