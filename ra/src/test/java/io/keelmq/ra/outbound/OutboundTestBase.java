package io.keelmq.ra.outbound;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.ra.testing.EmbeddedBroker;
import io.keelmq.ra.testing.Narayana;
import io.keelmq.ra.testing.TestConnectionManager;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.transaction.TransactionManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A real broker, a managed connection factory configured for it, the application's connection factory from a small
 * pooling, JTA-enlisting connection manager, and Narayana as transaction manager.
 */
abstract class OutboundTestBase {
    @TempDir
    Path dir;
    EmbeddedBroker broker;
    KeelManagedConnectionFactory managedFactory;
    TestConnectionManager pool;
    ConnectionFactoryHandle factory;
    TransactionManager tm;
    private final List<Connection> plainConnections = new ArrayList<>();

    @BeforeEach
    void startBrokerAndPool() throws Exception {
        broker = EmbeddedBroker.start(dir.resolve("broker"));
        managedFactory = new KeelManagedConnectionFactory();
        managedFactory.setBrokerURL(broker.url());
        tm = Narayana.transactionManager();
        pool = new TestConnectionManager(tm);
        factory = (ConnectionFactoryHandle) managedFactory.createConnectionFactory(pool);
    }

    @AfterEach
    void stopAll() throws Exception {
        if (tm.getTransaction() != null) {
            tm.rollback();
        }
        pool.shutdown();
        for (Connection connection : plainConnections) {
            try {
                connection.close();
            } catch (JMSException | RuntimeException e) {
                // broken already
            }
        }
        broker.close();
    }

    /** A consumer of a plain keel-jms connection (outside the adapter), started. */
    MessageConsumer plainConsumer(String queue) throws JMSException {
        Connection connection = new KeelConnectionFactory(broker.url()).createConnection();
        plainConnections.add(connection);
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        return session.createConsumer(session.createQueue(queue));
    }

    /** Sends one text message with a plain keel-jms connection. */
    void plainSend(String queue, String text) throws JMSException {
        try (Connection connection = new KeelConnectionFactory(broker.url()).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue(queue)).send(session.createTextMessage(text));
        }
    }

    static String text(Message message) throws JMSException {
        assertNotNull(message, "no message arrived within the bound");
        return ((TextMessage) message).getText();
    }
}
