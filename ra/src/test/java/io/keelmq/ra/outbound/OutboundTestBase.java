package io.keelmq.ra.outbound;

import io.keelmq.ra.testing.EmbeddedBroker;
import io.keelmq.ra.testing.Narayana;
import io.keelmq.ra.testing.PlainClient;
import io.keelmq.ra.testing.TestConnectionManager;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.TextMessage;
import jakarta.transaction.TransactionManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

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
    PlainClient plain;

    @BeforeEach
    void startBrokerAndPool() throws Exception {
        broker = EmbeddedBroker.start(dir.resolve("broker"));
        managedFactory = new KeelManagedConnectionFactory();
        managedFactory.setBrokerURL(broker.url());
        tm = Narayana.transactionManager();
        pool = new TestConnectionManager(tm);
        factory = (ConnectionFactoryHandle) managedFactory.createConnectionFactory(pool);
        plain = new PlainClient(broker::url);
    }

    @AfterEach
    void stopAll() throws Exception {
        if (tm.getTransaction() != null) {
            tm.rollback();
        }
        pool.shutdown();
        plain.close();
        broker.close();
    }

    MessageConsumer plainConsumer(String queue) throws JMSException {
        return plain.consumer(queue);
    }

    void plainSend(String queue, String text) throws JMSException {
        plain.send(queue, false, text);
    }

    static String text(Message message) throws JMSException {
        assertNotNull(message, "no message arrived within the bound");
        return ((TextMessage) message).getText();
    }
}
