package io.keelmq.server.it;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.testing.BrokerProcess;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM with a shutdown that cannot finish within {@code shutdownTimeoutMillis} (1 ms here): the broker exits 1
 * at the timeout, saying so, and the next start recovers every message answered SEND_OK.
 */
class ShutdownTimeoutTest {
    private static final String QUEUE = "shutdown-timeout";

    @TempDir
    Path dir;

    @Test
    void aShutdownCutShortByItsTimeoutExitsOneAndLosesNothingAcknowledged() throws Exception {
        BrokerProcess first = BrokerProcess.start(dir, "first", "--shutdownTimeoutMillis=1");
        Set<String> sent = new HashSet<>();
        try {
            try (Connection connection = new KeelConnectionFactory(first.url()).createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(QUEUE));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                for (int i = 0; i < 50; i++) {
                    Message message = session.createTextMessage("m" + i);
                    producer.send(message);
                    sent.add(message.getJMSMessageID());
                }
            }
            first.process().destroy();
            assertTrue(first.process().waitFor(30, TimeUnit.SECONDS), "SIGTERM did not stop the broker");
            assertEquals(1, first.process().exitValue(), first.log());
            assertTrue(first.log().contains("did not finish within shutdownTimeoutMillis 1 ms"), first.log());
        } finally {
            first.process().destroyForcibly();
        }

        BrokerProcess second = BrokerProcess.start(dir, "second");
        Set<String> received = new HashSet<>();
        try (Connection connection = new KeelConnectionFactory(second.url()).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
            connection.start();
            Message message;
            while ((message = consumer.receive(3_000)) != null) {
                received.add(message.getJMSMessageID());
            }
        } finally {
            assertEquals(0, second.stop(), second.log());
        }
        assertEquals(sent, received, "every message answered SEND_OK, after a shutdown cut short");
    }
}
