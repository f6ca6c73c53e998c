package io.keelmq.server.tx;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.Broker;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.testing.TestBrokers;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.TxState;
import io.keelmq.store.retention.RetentionService;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.TransactionRolledBackException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The broker's transaction service: record formats, the retention floor, and completing commits at start-up. */
class TransactionServiceTest {
    @TempDir
    Path dir;
    private Broker broker;
    private final List<Connection> connections = new ArrayList<>();

    @AfterEach
    void stop() {
        closeConnections();
        if (broker != null) {
            broker.close();
        }
    }

    private void closeConnections() {
        for (Connection connection : connections) {
            try {
                connection.close();
            } catch (JMSException | RuntimeException e) {
                // already broken
            }
        }
        connections.clear();
    }

    private Session session(boolean transacted) throws JMSException {
        Connection connection = new KeelConnectionFactory("keel://127.0.0.1:" + broker.listenAddress().getPort())
                .createConnection();
        connections.add(connection);
        connection.start();
        return connection.createSession(transacted, transacted ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE);
    }

    /** Sends a0, a1 to queue a and b0 to queue b in one transaction, not yet committed. */
    private Session sendBatch() throws JMSException {
        Session session = session(true);
        MessageProducer a = session.createProducer(session.createQueue("a"));
        MessageProducer b = session.createProducer(session.createQueue("b"));
        a.send(session.createTextMessage("a0"));
        b.send(session.createTextMessage("b0"));
        a.send(session.createTextMessage("a1"));
        return session;
    }

    private List<String> drain(String queue) throws JMSException {
        MessageConsumer consumer = session(false).createConsumer(session(false).createQueue(queue));
        List<String> texts = new ArrayList<>();
        Message message;
        while ((message = consumer.receive(1_000)) != null) {
            texts.add(((TextMessage) message).getText());
        }
        return texts;
    }

    private void restart() throws Exception {
        closeConnections();
        broker.close();
        broker = TestBrokers.start(dir);
    }

    @Test
    void aHalfCarriesItsRealMessageAndAnOpRecordItsHalves() {
        MessageRecord real = new MessageRecord("queue/q", 3, 42, 1234, 0, TxState.NONE, "ID:1", "k1 k2",
                "props".getBytes(StandardCharsets.UTF_8), "body".getBytes(StandardCharsets.UTF_8));
        MessageRecord half = HalfRecords.toHalf(real);
        assertEquals(TxDestinations.HALF, half.destination());
        assertEquals(TxState.PREPARED, half.txState());
        assertEquals("", half.keys(), "the index must not find a half by the application's keys");
        MessageRecord back = HalfRecords.toReal(stored(half, 100));
        assertEquals(real.destination(), back.destination());
        assertEquals(real.partition(), back.partition());
        assertEquals(real.keys(), back.keys());
        assertEquals(real.messageId(), back.messageId());
        assertEquals(real.tagHash(), back.tagHash());
        assertArrayEquals(real.properties(), back.properties());
        assertArrayEquals(real.body(), back.body());
        assertThrows(IllegalArgumentException.class, () -> HalfRecords.toReal(stored(real, 7)), "not a half");

        OpRecords.Op commit = OpRecords.decode(stored(OpRecords.commit("tx-1", List.of(5L, 9L), 1), 300));
        assertTrue(commit.isCommit());
        assertEquals("tx-1", commit.txId());
        assertEquals(List.of(5L, 9L), commit.halves());
        assertFalse(OpRecords.decode(stored(OpRecords.done("tx-1", 2), 400)).isCommit());
    }

    private static StoredMessage stored(MessageRecord record, long offset) {
        return new StoredMessage(offset, 100, record.destination(), record.partition(), 0, record.tagHash(),
                record.bornTimestamp(), record.bornTimestamp(), 0, record.txState(), record.messageId(),
                record.keys(), record.properties(), record.body());
    }

    @Test
    void retentionKeepsTheHalvesOfOpenTransactionsOnly() throws Exception {
        broker = TestBrokers.start(dir);
        TransactionService transactions = broker.transactions();
        assertEquals(Long.MAX_VALUE, transactions.minRequiredPhysicalOffset());
        long before = broker.store().commitLogMaxOffset();
        Session session = sendBatch();
        long floor = transactions.minRequiredPhysicalOffset();
        assertTrue(floor >= before && floor < broker.store().commitLogMaxOffset(), "the first half: " + floor);
        session.rollback();
        assertEquals(Long.MAX_VALUE, transactions.minRequiredPhysicalOffset(), "rolled back: nothing to keep");
        sendBatch().commit();
        assertEquals(Long.MAX_VALUE, transactions.minRequiredPhysicalOffset(), "committed and done");
    }

    @Test
    void onlyAnOpenTransactionHoldsRetentionBackNotTheInternalDestinations() throws Exception {
        broker = Broker.start(TestBrokers.config(dir).set(ConfigKeys.MAPPED_FILE_SIZE_COMMIT_LOG, 64 << 10)
                .set(ConfigKeys.MAX_MESSAGE_SIZE, 16 << 10).set(ConfigKeys.FILE_RESERVED_TIME, 0L).build());
        Session open = session(true);
        open.createProducer(open.createQueue("held")).send(open.createTextMessage("in the first segment"));

        Session busy = session(true);
        MessageProducer producer = busy.createProducer(busy.createQueue("bulk"));
        MessageConsumer consumer = session(false).createConsumer(busy.createQueue("bulk"));
        for (int i = 0; i < 20; i++) {
            for (int m = 0; m < 2; m++) {
                BytesMessage message = busy.createBytesMessage();
                message.writeBytes(new byte[4096]);
                producer.send(message);
            }
            busy.commit();
            for (int m = 0; m < 2; m++) {
                assertTrue(consumer.receive(10_000) != null, "committed message " + m + " of batch " + i);
            }
        }
        RetentionService.Outcome kept = broker.store().deleteExpiredNow();
        assertEquals(0, kept.segmentsDeleted(), "the open transaction's half is in the first segment");
        assertTrue(kept.keptBecause().contains("still needed"), kept.keptBecause());

        open.rollback();
        RetentionService.Outcome freed = broker.store().deleteExpiredNow();
        assertTrue(freed.segmentsDeleted() >= 3, "half, op and consumed records go with their segments: " + freed);
    }

    @Test
    void aCommitDecidedButNotCarriedOutIsCompletedAtTheNextStart() throws Exception {
        broker = TestBrokers.start(dir);
        broker.transactions().stopCommits(TransactionService.Stop.AFTER_DECISION);
        Session session = sendBatch();
        JMSException e = assertThrows(JMSException.class, session::commit);
        assertFalse(e instanceof TransactionRolledBackException, "the decision is durable: " + e);
        assertEquals(List.of(), drain("a"), "not materialized before the restart");
        assertTrue(broker.transactions().minRequiredPhysicalOffset() < Long.MAX_VALUE, "its halves are kept");

        restart();
        assertEquals(List.of("a0", "a1"), drain("a"));
        assertEquals(List.of("b0"), drain("b"));
        assertEquals(0, broker.transactions().recover(), "DONE was written: nothing left to do");
    }

    @Test
    void completingAtStartUpDoesNotStoreAMessageTwice() throws Exception {
        broker = TestBrokers.start(dir);
        broker.transactions().stopCommits(TransactionService.Stop.BEFORE_DONE);
        Session session = sendBatch();
        assertThrows(JMSException.class, session::commit);

        restart();
        assertEquals(List.of("a0", "a1"), drain("a"), "stored once though the start-up found no DONE");
        assertEquals(List.of("b0"), drain("b"));
        restart();
        assertEquals(List.of(), drain("a"));
    }
}
