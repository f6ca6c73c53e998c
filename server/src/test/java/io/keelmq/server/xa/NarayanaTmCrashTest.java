package io.keelmq.server.xa;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.KeelXAConnectionFactory;
import io.keelmq.server.Broker;
import io.keelmq.server.testing.TestBrokers;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.XAConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.transaction.xa.XAResource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transaction manager's process (Narayana standalone, {@link NarayanaTmProcess}, its object store under target/)
 * is SIGKILLed after both KeelMQ branches were prepared and its log written, before any commit; the brokers keep the
 * prepared branches (nothing delivered) until a new transaction-manager process recovers from the same log and
 * commits them: each message arrives exactly once.
 */
class NarayanaTmCrashTest {
    @TempDir
    Path dir;
    private final List<Broker> brokers = new ArrayList<>();
    private final List<Connection> connections = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Process process : processes) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        for (Connection connection : connections) {
            connection.close();
        }
        for (Broker broker : brokers) {
            broker.close();
        }
    }

    private String startBroker(String name) throws Exception {
        Broker broker = Broker.start(TestBrokers.config(dir.resolve(name)).build());
        brokers.add(broker);
        return "keel://127.0.0.1:" + broker.listenAddress().getPort();
    }

    /** Starts a transaction-manager process and waits (bounded) until it prints {@code line}. */
    private Process startTm(String line, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), NarayanaTmProcess.class.getName()));
        command.addAll(List.of(args));
        Path log = dir.resolve("tm-" + processes.size() + ".log");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        processes.add(process);
        CompletableFuture<Boolean> seen = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String next;
                while ((next = out.readLine()) != null) {
                    if (next.equals(line)) {
                        seen.complete(true);
                    }
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
            seen.complete(false);
        }, "tm-stdout");
        reader.setDaemon(true);
        reader.start();
        boolean reached;
        try {
            reached = seen.get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            reached = false;
        }
        assertTrue(reached, "the transaction manager's process did not print " + line + ": " + Files.readString(log));
        return process;
    }

    private MessageConsumer consumer(String url, String queue) throws JMSException {
        Connection connection = new KeelConnectionFactory(url).createConnection();
        connections.add(connection);
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        return session.createConsumer(session.createQueue(queue));
    }

    private int prepared(String url) throws Exception {
        XAConnection connection = new KeelXAConnectionFactory(url).createXAConnection();
        connections.add(connection);
        return connection.createXASession().getXAResource().recover(XAResource.TMSTARTRSCAN).length;
    }

    @Test
    void aTransactionManagerKilledAfterPrepareIsCompletedByANewOneFromItsLog() throws Exception {
        String a = startBroker("a");
        String b = startBroker("b");
        String store = Path.of("target", "narayana-tm-" + UUID.randomUUID()).toAbsolutePath().toString();
        Process first = startTm(NarayanaTmProcess.PREPARED, "commit", store, "tm.crash", a, b);
        first.destroyForcibly(); // SIGKILL, after Narayana's log record and before any commit
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, prepared(a), "broker a's branch is prepared, waiting for the transaction manager");
        assertEquals(1, prepared(b), "broker b's branch is prepared, waiting for the transaction manager");
        MessageConsumer onA = consumer(a, "tm.crash");
        MessageConsumer onB = consumer(b, "tm.crash");
        assertNull(onA.receive(300), "delivered before the decision");
        assertNull(onB.receive(300), "delivered before the decision");

        Process second = startTm(NarayanaTmProcess.RECOVERED, "recover", store, a, b);
        assertTrue(second.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, second.exitValue());
        for (MessageConsumer consumer : List.of(onA, onB)) {
            Message message = consumer.receive(10_000);
            assertNotNull(message, "the recovered transaction was not committed");
            assertEquals("exactly once", ((TextMessage) message).getText());
            assertNull(consumer.receive(500), "delivered twice");
        }
        assertEquals(0, prepared(a));
        assertEquals(0, prepared(b));
    }
}
