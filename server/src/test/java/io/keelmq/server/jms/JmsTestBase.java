package io.keelmq.server.jms;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.Broker;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.testing.TestBrokers;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real broker on an ephemeral TCP port in a temporary directory, reached through the
 * Jakarta Messaging API only; every connection a test opens is closed after it, then the broker.
 */
abstract class JmsTestBase {
    @TempDir
    Path dir;
    Broker broker;
    private final List<Connection> connections = new ArrayList<>();

    @BeforeEach
    void startBroker() throws Exception {
        broker = Broker.start(brokerConfig().build());
    }

    @AfterEach
    void stopBroker() {
        closeConnections();
        if (broker != null) {
            broker.close();
        }
    }

    /** The broker's settings; tests override to change one. */
    BrokerConfig.Builder brokerConfig() {
        return TestBrokers.config(dir);
    }

    /** Closes every connection, then starts a new broker on the same store directory (a new port). */
    void restartBroker() throws Exception {
        closeConnections();
        broker.close();
        broker = Broker.start(brokerConfig().build());
    }

    String url() {
        return "keel://127.0.0.1:" + broker.listenAddress().getPort();
    }

    KeelConnectionFactory factory() throws JMSException {
        return new KeelConnectionFactory(url());
    }

    /** A connection closed after the test (not started: tests start it when they consume). */
    Connection connection(String clientId) throws JMSException {
        Connection connection = factory().createConnection();
        if (clientId != null) {
            connection.setClientID(clientId);
        }
        return track(connection);
    }

    Connection track(Connection connection) {
        synchronized (connections) {
            connections.add(connection);
        }
        return connection;
    }

    private void closeConnections() {
        synchronized (connections) {
            for (Connection connection : connections) {
                try {
                    connection.close();
                } catch (JMSException | RuntimeException e) {
                    // already closed or broken: nothing left to release
                }
            }
            connections.clear();
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
