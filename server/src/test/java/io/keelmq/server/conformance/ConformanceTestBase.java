package io.keelmq.server.conformance;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.Broker;
import io.keelmq.server.testing.TestBrokers;
import jakarta.jms.Connection;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real broker (ephemeral TCP port, temporary store) per test class, reached through the
 * jakarta.jms API only. Tests use destinations of their own ({@link #unique}) so they do not see
 * each other's messages; every connection and context a test opens is closed after it.
 */
abstract class ConformanceTestBase {
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    static Path storeDir;
    static Broker broker;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBrokers.start(storeDir);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    @AfterEach
    void closeOpened() {
        synchronized (opened) {
            for (AutoCloseable closeable : opened) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // already closed or broken: nothing left to release
                }
            }
            opened.clear();
        }
    }

    static String url() {
        return "keel://127.0.0.1:" + broker.listenAddress().getPort();
    }

    static KeelConnectionFactory factory() throws JMSException {
        return new KeelConnectionFactory(url());
    }

    /** A name no other test uses. */
    static String unique(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet();
    }

    <T extends AutoCloseable> T track(T closeable) {
        synchronized (opened) {
            opened.add(closeable);
        }
        return closeable;
    }

    /** A new connection, not started, closed after the test. */
    Connection connection() throws JMSException {
        return track(factory().createConnection());
    }

    /** A new JMSContext (AUTO_ACKNOWLEDGE), closed after the test. */
    JMSContext context() throws JMSException {
        return track(factory().createContext());
    }

    /**
     * A {@code receive()} without timeout running in its own thread, started and found blocked before this returns,
     * so a test can close something under it and check that the receive had returned when close did.
     */
    static final class BlockedReceive {
        private final Thread thread;
        private volatile Object outcome;

        BlockedReceive(MessageConsumer consumer) throws InterruptedException {
            thread = new Thread(() -> {
                try {
                    outcome = consumer.receive();
                } catch (Throwable e) {
                    outcome = e;
                }
            }, "blocked-receive");
            thread.setDaemon(true);
            thread.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING) {
                if (System.nanoTime() > deadline || !thread.isAlive()) {
                    throw new AssertionError("the receive did not block: " + outcome);
                }
                Thread.sleep(5);
            }
        }

        /**
         * Whether the receive has returned (or thrown), allowing its thread a moment to notice: the instant a
         * receive returns cannot be observed exactly from another thread, but one that close did not end stays
         * blocked for good.
         */
        boolean returned() throws InterruptedException {
            thread.join(1_000);
            return !thread.isAlive();
        }

        void interrupt() {
            thread.interrupt();
        }

        /** What the receive returned, or the exception it threw; waits for it. */
        Object outcome() throws InterruptedException {
            thread.join(10_000);
            return outcome;
        }
    }

    /** Receives until {@code quietMillis} pass without a message. */
    static List<Message> drain(MessageConsumer consumer, long quietMillis) throws JMSException {
        List<Message> messages = new ArrayList<>();
        Message message;
        while ((message = consumer.receive(quietMillis)) != null) {
            messages.add(message);
        }
        return messages;
    }
}
