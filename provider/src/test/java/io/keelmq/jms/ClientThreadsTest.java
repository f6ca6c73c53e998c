package io.keelmq.jms;

import io.keelmq.jms.fake.TcpBridge;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's JVM-wide threads live only while a connection is open: the last close stops the shared timer, the
 * Netty event-loop group and the blocking transport's watchdog, and the next connection starts them again. This is
 * what lets an application server undeploy the resource adapter without leaving KeelMQ threads behind.
 */
class ClientThreadsTest extends FakeBrokerTestBase {
    private static final List<String> SHARED = List.of("keel-provider-timer", "keel-tcp-watchdog", "keel-tcp-");
    private TcpBridge bridge;

    @BeforeEach
    void openPort() throws InterruptedException {
        bridge = new TcpBridge(broker);
    }

    @AfterEach
    void closePort() {
        bridge.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"blocking", "netty"})
    void theSharedThreadsEndWithTheLastConnectionAndStartAgainWithTheNext(String transport) throws Exception {
        for (int round = 1; round <= 2; round++) {
            try (Connection connection = new KeelConnectionFactory("keel://127.0.0.1:" + bridge.port()
                    + "?tcpTransport=" + transport).createConnection()) {
                connection.start();
                Session session = connection.createSession();
                Queue queue = session.createQueue("q");
                MessageConsumer consumer = session.createConsumer(queue);
                session.createProducer(queue).send(session.createTextMessage("round " + round));
                assertEquals("round " + round, ((TextMessage) consumer.receive(5000)).getText());
                Set<String> running = sharedThreads();
                assertTrue(running.contains("keel-provider-timer"), "no timer thread while connected: " + running);
                assertTrue(running.stream().anyMatch(transport.equals("netty")
                        ? name -> name.startsWith("keel-tcp-") && !name.startsWith("keel-tcp-reader")
                        : name -> name.equals("keel-tcp-watchdog")), "no shared transport thread: " + running);
            }
            assertTrue(ClientThreads.awaitReleased(10_000), "the shared resources were not released");
            assertEquals(Set.of(), awaitNoSharedThreads(), "shared threads left after the last connection closed");
        }
    }

    private static Set<String> sharedThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> SHARED.stream().anyMatch(name::startsWith))
                .filter(name -> !name.startsWith("keel-tcp-reader"))
                .collect(Collectors.toSet());
    }

    private static Set<String> awaitNoSharedThreads() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        Set<String> left = sharedThreads();
        while (!left.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            left = sharedThreads();
        }
        return left;
    }
}
