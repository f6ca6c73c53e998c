package io.keelmq.server.tx;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.KeelSession;
import io.keelmq.jms.KeelTransactionalProducer;
import io.keelmq.jms.LocalTransactionState;
import io.keelmq.jms.PreparedMessage;
import io.keelmq.server.Broker;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.testing.TestBrokers;
import io.keelmq.store.retention.RetentionService;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention never deletes an undecided half message of a transactional producer (issue 17, point 3), however old;
 * one moved to {@link TxDestinations#UNRESOLVED} after its check-backs no longer holds the older segments back, and
 * is still there to be decided.
 */
class ProducerTransactionRetentionTest {
    @TempDir
    Path dir;
    private Broker broker;
    private Connection connection;

    @AfterEach
    void stop() throws Exception {
        if (connection != null) {
            connection.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private KeelSession start(int checkMax) throws Exception {
        broker = Broker.start(TestBrokers.config(dir).set(ConfigKeys.MAPPED_FILE_SIZE_COMMIT_LOG, 64 << 10)
                .set(ConfigKeys.MAX_MESSAGE_SIZE, 16 << 10).set(ConfigKeys.FILE_RESERVED_TIME, 0L)
                .set(ConfigKeys.TRANSACTION_CHECK_INTERVAL, 100L).set(ConfigKeys.TRANSACTION_TIME_OUT, 0L)
                .set(ConfigKeys.TRANSACTION_CHECK_MAX, checkMax).build());
        connection = new KeelConnectionFactory("keel://127.0.0.1:" + broker.listenAddress().getPort())
                .createConnection();
        connection.start();
        return (KeelSession) connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    /** Fills several segments with messages that are consumed at once, so only a floor keeps those segments. */
    private static void fillSegments(Session session) throws Exception {
        MessageProducer producer = session.createProducer(session.createQueue("bulk"));
        MessageConsumer consumer = session.createConsumer(session.createQueue("bulk"));
        for (int i = 0; i < 40; i++) {
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(new byte[4096]);
            producer.send(message);
            assertNotNull(consumer.receive(10_000), "bulk message " + i);
        }
        consumer.close();
    }

    @Test
    void anUndecidedHalfKeepsItsSegment() throws Exception {
        KeelSession session = start(15);
        KeelTransactionalProducer producer = session.createTransactionalProducer(session.createQueue("orders"),
                "g", message -> LocalTransactionState.UNKNOWN);
        TextMessage message = session.createTextMessage("kept");
        message.setIntProperty("JMS_Keel_CheckImmunitySeconds", 3600); // stays undecided where it is
        PreparedMessage prepared = producer.prepare(message);
        fillSegments(session);

        RetentionService.Outcome kept = broker.store().deleteExpiredNow();
        assertEquals(0, kept.segmentsDeleted(), "the undecided half is in the first segment");
        assertTrue(kept.keptBecause().contains("still needed"), kept.keptBecause());

        producer.commit(prepared.transactionId());
        Message delivered = session.createConsumer(session.createQueue("orders")).receive(5_000);
        assertEquals("kept", ((TextMessage) delivered).getText());
        assertTrue(broker.store().deleteExpiredNow().segmentsDeleted() > 0, "decided: its segment may go");
    }

    @Test
    void anUnresolvedHalfIsCopiedForwardAndStillDecidable() throws Exception {
        KeelSession session = start(1);
        // Prepared by a member that then goes: with no member to ask, nothing is checked or moved while the
        // segments fill; the member that joins afterwards answers UNKNOWN once, and the half is moved. The half is
        // immune to checks for its first 2 s, so the member that prepared it is gone before the first check (with
        // checks every 100 ms, a loaded machine let one reach it before its close, and it answered UNKNOWN).
        PreparedMessage prepared;
        try (Connection gone = new KeelConnectionFactory("keel://127.0.0.1:" + broker.listenAddress().getPort())
                .createConnection()) {
            KeelSession first = (KeelSession) gone.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage half = first.createTextMessage("unresolved");
            half.setIntProperty("JMS_Keel_CheckImmunitySeconds", 2);
            prepared = first.createTransactionalProducer(first.createQueue("orders"), "g",
                    message -> LocalTransactionState.UNKNOWN).prepare(half);
        }
        fillSegments(session);
        assertTrue(!broker.producerTransactions().find(prepared.transactionId()).unresolved(),
                "moved to unresolved with no member of its group to ask");
        KeelTransactionalProducer producer = session.createTransactionalProducer(session.createQueue("orders"),
                "g", message -> LocalTransactionState.UNKNOWN);
        long deadline = System.currentTimeMillis() + 20_000;
        while (!broker.producerTransactions().find(prepared.transactionId()).unresolved()) {
            assertTrue(System.currentTimeMillis() < deadline, "not moved to unresolved");
            Thread.sleep(20);
        }
        assertTrue(broker.store().deleteExpiredNow().segmentsDeleted() > 0,
                "the unresolved copy is at the tail: older segments may go");
        producer.commit(prepared.transactionId());
        Message delivered = session.createConsumer(session.createQueue("orders")).receive(5_000);
        assertEquals("unresolved", ((TextMessage) delivered).getText());
        assertEquals(prepared.messageId(), delivered.getJMSMessageID());
    }
}
