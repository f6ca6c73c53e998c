package io.keelmq.server.jms;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.KeelJMSContext;
import io.keelmq.jms.KeelSession;
import io.keelmq.jms.KeelTransactionalProducer;
import io.keelmq.jms.LocalTransactionState;
import io.keelmq.jms.PreparedMessage;
import io.keelmq.jms.TransactionChecker;
import io.keelmq.jms.TransactionSendResult;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.tx.PendingTransaction;
import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transactional producers end to end (issue 17, points 1 to 3): a half message is invisible until committed, a
 * committed one is an ordinary persistent message, a rolled-back one is never delivered, decisions are idempotent, and
 * the broker checks back undecided ones with the producer group, then keeps those nobody decides as unresolved.
 */
class TransactionalProducerJmsTest extends JmsTestBase {
    private static final String GROUP = "orders-service";

    @Override
    BrokerConfig.Builder brokerConfig() {
        return super.brokerConfig().set(ConfigKeys.TRANSACTION_CHECK_INTERVAL, 100L)
                .set(ConfigKeys.TRANSACTION_TIME_OUT, 200L).set(ConfigKeys.TRANSACTION_CHECK_MAX, 3)
                .set(ConfigKeys.MAX_RECONSUME_TIMES, 1);
    }

    private KeelSession session() throws JMSException {
        Connection connection = connection(null);
        connection.start();
        return (KeelSession) connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    private MessageConsumer consumer(String queue) throws JMSException {
        Session session = session();
        return session.createConsumer(session.createQueue(queue));
    }

    private static List<String> texts(List<Message> messages) throws JMSException {
        List<String> texts = new java.util.ArrayList<>();
        for (Message message : messages) {
            texts.add(((TextMessage) message).getText());
        }
        return texts;
    }

    /** Waits (at most 20 s) until {@code condition} holds. */
    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < deadline, "timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void committedMessageIsDeliveredOnceAndRolledBackOneNever() throws Exception {
        KeelSession session = session();
        Queue queue = session.createQueue("tx-basic");
        KeelTransactionalProducer producer = session.createTransactionalProducer(queue, GROUP,
                message -> LocalTransactionState.ROLLBACK);
        TextMessage committed = session.createTextMessage("commit me");
        committed.setStringProperty("orderId", "o-1");
        TransactionSendResult ok = producer.send(committed, message -> LocalTransactionState.COMMIT);
        assertEquals(LocalTransactionState.COMMIT, ok.localTransactionState());
        assertTrue(ok.decided());
        assertEquals(committed.getJMSMessageID(), ok.messageId());
        assertNotNull(ok.transactionId());
        TransactionSendResult no = producer.send(session.createTextMessage("roll me back"),
                message -> LocalTransactionState.ROLLBACK);
        assertTrue(no.decided());

        List<Message> received = drain(consumer("tx-basic"), 500);
        assertEquals(List.of("commit me"), texts(received));
        assertEquals("o-1", received.get(0).getStringProperty("orderId"));
        assertEquals(ok.messageId(), received.get(0).getJMSMessageID());
        assertFalse(received.get(0).getJMSRedelivered());
    }

    @Test
    void halfMessageIsInvisibleUntilCommittedAndDecisionsAreIdempotent() throws Exception {
        KeelSession session = session();
        Queue queue = session.createQueue("tx-invisible");
        // An immunity far beyond the test: no check-back decides it meanwhile.
        KeelTransactionalProducer producer = session.createTransactionalProducer(queue, GROUP,
                message -> LocalTransactionState.ROLLBACK);
        TextMessage message = session.createTextMessage("later");
        message.setIntProperty("JMS_Keel_CheckImmunitySeconds", 3600);
        message.setStringProperty("JMS_Keel_Tag", "paid");
        PreparedMessage prepared = producer.prepare(message);

        MessageConsumer consumer = consumer("tx-invisible");
        Session other = session();
        MessageConsumer bySelector = other.createConsumer(queue, "JMS_Keel_Tag = 'paid'");
        assertNull(consumer.receive(300), "a half message was delivered");
        assertNull(bySelector.receive(100), "a half message was delivered to a selector");
        QueueBrowser browser = other.createBrowser(queue);
        assertFalse(browser.getEnumeration().hasMoreElements(), "a half message was browsed");

        consumer.close(); // the selector's consumer is the queue's only one now
        producer.commit(prepared.transactionId());
        producer.commit(prepared.transactionId()); // the same decision again: answered, nothing changes
        Message delivered = bySelector.receive(5_000);
        assertNotNull(delivered);
        assertEquals(prepared.messageId(), delivered.getJMSMessageID());
        bySelector.close();
        consumer = consumer("tx-invisible");
        assertNull(consumer.receive(300), "a committed message was delivered twice");
        assertThrows(IllegalStateException.class, () -> producer.rollback(prepared.transactionId()));

        PreparedMessage dropped = producer.prepare(session.createTextMessage("dropped"));
        producer.rollback(dropped.transactionId());
        producer.rollback(dropped.transactionId());
        assertThrows(IllegalStateException.class, () -> producer.commit(dropped.transactionId()));
        assertNull(consumer.receive(300), "a rolled-back message was delivered");
    }

    @Test
    void unknownOutcomesAreCheckedBackWithTheGroup() throws Exception {
        Map<String, LocalTransactionState> database = new ConcurrentHashMap<>();
        List<String> checked = new CopyOnWriteArrayList<>();
        TransactionChecker checker = message -> {
            checked.add(((TextMessage) message).getText());
            return database.getOrDefault(message.getStringProperty("orderId"), LocalTransactionState.UNKNOWN);
        };
        KeelSession session = session();
        Queue queue = session.createQueue("tx-check");
        KeelTransactionalProducer producer = session.createTransactionalProducer(queue, GROUP, checker);
        MessageConsumer consumer = consumer("tx-check");

        TextMessage first = session.createTextMessage("unknown then committed");
        first.setStringProperty("orderId", "o-1");
        TransactionSendResult unknown = producer.send(first, message -> {
            database.put("o-1", LocalTransactionState.COMMIT);
            return LocalTransactionState.UNKNOWN;
        });
        assertFalse(unknown.decided());
        TextMessage second = session.createTextMessage("threw then rolled back");
        second.setStringProperty("orderId", "o-2");
        TransactionSendResult threw = producer.send(second, message -> {
            database.put("o-2", LocalTransactionState.ROLLBACK);
            throw new java.sql.SQLException("connection reset");
        });
        assertEquals(LocalTransactionState.UNKNOWN, threw.localTransactionState());

        Message delivered = consumer.receive(10_000);
        assertNotNull(delivered, "the check-back did not commit the message");
        assertEquals("unknown then committed", ((TextMessage) delivered).getText());
        await("the check of the rolled-back message", () -> checked.contains("threw then rolled back"));
        await("both decided", () -> broker.producerTransactions().find(threw.transactionId()) == null
                && broker.producerTransactions().find(unknown.transactionId()) == null);
        assertNull(consumer.receive(300), "a message whose local transaction rolled back was delivered");
    }

    @Test
    void checkImmunityDefersTheCheckBack() throws Exception {
        Set<String> checked = ConcurrentHashMap.newKeySet();
        KeelSession session = session();
        Queue queue = session.createQueue("tx-immunity");
        KeelTransactionalProducer producer = session.createTransactionalProducer(queue, GROUP, message -> {
            checked.add(((TextMessage) message).getText());
            return LocalTransactionState.ROLLBACK;
        });
        TextMessage immune = session.createTextMessage("immune");
        immune.setIntProperty("JMS_Keel_CheckImmunitySeconds", 3600);
        producer.send(immune, message -> LocalTransactionState.UNKNOWN);
        // Sent after the immune one: once it is checked, scans have passed the immune one without checking it.
        producer.send(session.createTextMessage("plain"), message -> LocalTransactionState.UNKNOWN);
        await("the check of the plain message", () -> checked.contains("plain"));
        // The checker's ROLLBACK reaches the broker after the checker returned: wait for the decision, then only the
        // immune transaction may be left (it was never checked).
        await("the plain message's rollback", () -> openTransactions() <= 1);
        assertEquals(Set.of("plain"), checked);
        assertEquals(1, broker.producerTransactions().list().size());
    }

    private int openTransactions() {
        try {
            return broker.producerTransactions().list().size();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void undecidedAfterTransactionCheckMaxIsKeptAsUnresolved() throws Exception {
        List<String> checks = Collections.synchronizedList(new java.util.ArrayList<>());
        KeelSession session = session();
        Queue queue = session.createQueue("tx-unresolved");
        KeelTransactionalProducer producer = session.createTransactionalProducer(queue, GROUP, message -> {
            checks.add(message.getJMSMessageID());
            return LocalTransactionState.UNKNOWN;
        });
        TransactionSendResult sent = producer.send(session.createTextMessage("nobody knows"),
                message -> LocalTransactionState.UNKNOWN);
        await("moved to unresolved", () -> {
            try {
                List<PendingTransaction> pending = broker.producerTransactions().list();
                return pending.size() == 1 && pending.get(0).half().unresolved();
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(3, checks.size(), "transactionCheckMax checks: " + checks);
        // Kept across a restart, and no longer checked back.
        restartBroker();
        assertTrue(broker.producerTransactions().find(sent.transactionId()).unresolved());

        KeelSession again = session();
        KeelTransactionalProducer decider = again.createTransactionalProducer(again.createQueue("tx-unresolved"),
                GROUP, message -> LocalTransactionState.UNKNOWN);
        decider.commit(sent.transactionId());
        Message delivered = consumer("tx-unresolved").receive(5_000);
        assertNotNull(delivered);
        assertEquals("nobody knows", ((TextMessage) delivered).getText());
    }

    @Test
    void checkBacksAreCountedAcrossARestart() throws Exception {
        List<String> firstRun = new CopyOnWriteArrayList<>();
        String transactionId;
        Connection first = connection(null);
        KeelSession session = (KeelSession) first.createSession(false, Session.AUTO_ACKNOWLEDGE);
        KeelTransactionalProducer producer = session.createTransactionalProducer(session.createQueue("tx-count"),
                GROUP, message -> {
                    firstRun.add(message.getJMSMessageID());
                    return LocalTransactionState.UNKNOWN;
                });
        transactionId = producer.send(session.createTextMessage("counted"), m -> LocalTransactionState.UNKNOWN)
                .transactionId();
        await("a first check-back", () -> !firstRun.isEmpty());
        first.close(); // no member left: no more checks in this run
        Thread.sleep(300);
        int before = broker.producerTransactions().list().get(0).checks();
        assertTrue(before >= 1 && before <= 3, "checks before the restart: " + before);

        restartBroker();
        assertEquals(before, broker.producerTransactions().list().get(0).checks(), "the count survived");
        List<String> secondRun = new CopyOnWriteArrayList<>();
        KeelSession again = session();
        again.createTransactionalProducer(again.createQueue("tx-count"), GROUP, message -> {
            secondRun.add(message.getJMSMessageID());
            return LocalTransactionState.UNKNOWN;
        });
        await("moved to unresolved", () -> broker.producerTransactions().find(transactionId).unresolved());
        assertEquals(3 - before, secondRun.size(), "transactionCheckMax 3 over both runs");
    }

    @Test
    void aRestartedProducerAnswersForItsPredecessor() throws Exception {
        KeelSession session = session();
        Queue queue = session.createQueue("tx-restart");
        KeelTransactionalProducer producer = session.createTransactionalProducer(queue, GROUP,
                message -> LocalTransactionState.UNKNOWN);
        PreparedMessage prepared = producer.prepare(session.createTextMessage("survives"));
        restartBroker(); // closes the first producer's connection too

        KeelSession successor = session();
        successor.createTransactionalProducer(successor.createQueue("tx-restart"), GROUP,
                message -> LocalTransactionState.COMMIT);
        Message delivered = consumer("tx-restart").receive(10_000);
        assertNotNull(delivered);
        assertEquals(prepared.messageId(), delivered.getJMSMessageID());
    }

    @Test
    void committedMessageKeepsDeliveryDelayAndPriority() throws Exception {
        KeelSession session = session();
        Queue queue = session.createQueue("tx-delay");
        KeelTransactionalProducer producer = session.createTransactionalProducer(queue, GROUP,
                message -> LocalTransactionState.ROLLBACK);
        producer.setDeliveryDelay(1_000);
        producer.setPriority(7);
        long sent = System.currentTimeMillis();
        producer.send(session.createTextMessage("delayed"), message -> LocalTransactionState.COMMIT);
        MessageConsumer consumer = consumer("tx-delay");
        Message delivered = consumer.receive(10_000);
        assertNotNull(delivered);
        assertTrue(System.currentTimeMillis() - sent >= 1_000, "delivered before its delivery delay");
        assertEquals(7, delivered.getJMSPriority());
        assertTrue(delivered.getJMSDeliveryTime() >= sent + 1_000);
    }

    @Test
    void committedMessageIsRedeliveredAndDeadLetteredLikeAnyOther() throws Exception {
        KeelSession session = session();
        Queue queue = session.createQueue("tx-dlq");
        KeelTransactionalProducer producer = session.createTransactionalProducer(queue, GROUP,
                message -> LocalTransactionState.ROLLBACK);
        TextMessage message = session.createTextMessage("fails twice");
        message.setStringProperty("customer", "customer-7");
        TransactionSendResult sent = producer.send(message, m -> LocalTransactionState.COMMIT);

        Connection connection = connection(null);
        connection.start();
        Session consuming = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer consumer = consuming.createConsumer(queue);
        Message first = consumer.receive(5_000);
        assertNotNull(first);
        assertEquals("customer-7", first.getStringProperty("customer"));
        consuming.rollback();
        Message again = consumer.receive(5_000);
        assertNotNull(again);
        assertTrue(again.getJMSRedelivered());
        assertEquals(2, again.getIntProperty("JMSXDeliveryCount"));
        consuming.rollback(); // over maxReconsumeTimes 1: to the dead-letter queue
        consumer.close();

        Message dead = consumer("DLQ.tx-dlq").receive(10_000);
        assertNotNull(dead, "not dead-lettered");
        assertEquals(sent.messageId(), dead.getJMSMessageID());
        assertEquals("queue://tx-dlq", dead.getStringProperty("JMS_Keel_OriginalDestination"));
    }

    @Test
    void transactedSessionsAndContextsRefuse() throws Exception {
        Connection connection = connection(null);
        KeelSession transacted = (KeelSession) connection.createSession(true, Session.SESSION_TRANSACTED);
        Queue queue = transacted.createQueue("tx-refused");
        assertThrows(IllegalStateException.class, () -> transacted.createTransactionalProducer(queue, GROUP,
                message -> LocalTransactionState.COMMIT));
        try (JMSContext context = new KeelConnectionFactory(url()).createContext(JMSContext.SESSION_TRANSACTED)) {
            assertThrows(IllegalStateRuntimeException.class, () -> ((KeelJMSContext) context)
                    .createTransactionalProducer(queue, GROUP, message -> LocalTransactionState.COMMIT));
        }
        try (JMSContext context = new KeelConnectionFactory(url()).createContext()) {
            KeelTransactionalProducer producer = ((KeelJMSContext) context).createTransactionalProducer(queue, GROUP,
                    message -> LocalTransactionState.ROLLBACK);
            assertTrue(producer.send(context.createTextMessage("from a context"),
                    message -> LocalTransactionState.COMMIT).decided());
            assertEquals("from a context", context.createConsumer(queue).receiveBody(String.class, 5_000));
        }
    }
}
