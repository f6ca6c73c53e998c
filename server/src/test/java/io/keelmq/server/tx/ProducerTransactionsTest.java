package io.keelmq.server.tx;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.KeelSession;
import io.keelmq.jms.KeelTransactionalProducer;
import io.keelmq.jms.LocalTransactionState;
import io.keelmq.jms.PreparedMessage;
import io.keelmq.server.Broker;
import io.keelmq.server.testing.TestBrokers;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A producer's COMMIT that stops after its decision record (the broker's test hook, as if it died there): the
 * commit is answered with an error, counts as committed from then on (a second COMMIT would store the message
 * twice), and the next start stores the message, exactly once.
 */
class ProducerTransactionsTest {
    @TempDir
    Path dir;
    private Broker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private String url() {
        return "keel://127.0.0.1:" + broker.listenAddress().getPort();
    }

    @Test
    void aCommitCutOffAfterItsDecisionIsCompletedAtTheNextStartExactlyOnce() throws Exception {
        broker = TestBrokers.start(dir);
        PreparedMessage prepared;
        try (Connection connection = new KeelConnectionFactory(url()).createConnection()) {
            KeelSession session = (KeelSession) connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            KeelTransactionalProducer producer = session.createTransactionalProducer(session.createQueue("cut"),
                    "g", message -> LocalTransactionState.ROLLBACK);
            prepared = producer.prepare(session.createTextMessage("cut off"));
            broker.transactions().stopCommits(TransactionService.Stop.AFTER_DECISION);
            assertThrows(JMSException.class, () -> producer.commit(prepared.transactionId()));
            assertEquals(List.of(), broker.producerTransactions().list(), "counts as committed");
            producer.commit(prepared.transactionId()); // answered from the outcome, no second COMMIT record
            assertThrows(jakarta.jms.IllegalStateException.class, () -> producer.rollback(prepared.transactionId()));
        }
        broker.close();
        broker = TestBrokers.start(dir);
        assertEquals(List.of(), broker.producerTransactions().list());
        try (Connection connection = new KeelConnectionFactory(url()).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("cut"));
            connection.start();
            Message delivered = consumer.receive(5_000);
            assertNotNull(delivered, "the committed message was not stored at start-up");
            assertEquals(prepared.messageId(), delivered.getJMSMessageID());
            assertNull(consumer.receive(500), "stored twice");
        }
    }
}
