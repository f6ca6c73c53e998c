package io.keelmq.server.admin;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.KeelSession;
import io.keelmq.jms.KeelTransactionalProducer;
import io.keelmq.jms.LocalTransactionState;
import io.keelmq.jms.PreparedMessage;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code keel-admin transaction list|commit|rollback} and the permissions of transactional producers (issue 17,
 * points 2 and 7): listing and deciding needs {@code manage} on the message's destination; registering a producer
 * group and answering its check-backs needs {@code send} there.
 */
class AdminTransactionTest extends AdminTestBase {
    private static final String GROUP = "orders-service";

    @Override
    BrokerConfig.Builder configure(BrokerConfig.Builder config) {
        return config.set(ConfigKeys.TRANSACTION_CHECK_INTERVAL, 100L).set(ConfigKeys.TRANSACTION_TIME_OUT, 200L);
    }

    private KeelSession session() throws Exception {
        Connection connection = connection(null);
        connection.start();
        return (KeelSession) connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    /** A half message nobody checks back during the test (an immunity of an hour). */
    private static PreparedMessage prepare(KeelSession session, String queue, String text) throws Exception {
        KeelTransactionalProducer producer = session.createTransactionalProducer(session.createQueue(queue), GROUP,
                message -> LocalTransactionState.UNKNOWN);
        TextMessage message = session.createTextMessage(text);
        message.setIntProperty("JMS_Keel_CheckImmunitySeconds", 3600);
        return producer.prepare(message);
    }

    @Test
    void listShowsUndecidedMessagesAndCommitOrRollbackDecidesThem() throws Exception {
        KeelSession session = session();
        PreparedMessage order = prepare(session, "orders.new", "order 1");
        PreparedMessage audit = prepare(session, "audit", "audit 1");

        String listed = admin("transaction", "list");
        assertTrue(listed.contains(order.transactionId()) && listed.contains(audit.transactionId()), listed);
        assertTrue(listed.contains("queue://orders.new") && listed.contains("UNDECIDED")
                && listed.contains(GROUP) && listed.contains(order.messageId()), listed);
        // Invisible to the message query until committed, like to consumers.
        assertFalse(admin("message", "query", "--id", order.messageId()).contains("orders.new"));

        assertEquals(0, runAs("olga", "transaction", "list"));
        String olgas = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(olgas.contains(order.transactionId()) && !olgas.contains(audit.transactionId()), olgas);
        assertEquals(1, runAs("olga", "transaction", "commit", "--id", audit.transactionId()));
        assertTrue(errors().contains("SECURITY"), errors());
        assertEquals(1, runAs("dave", "transaction", "list"));
        assertTrue(errors().contains("manage"), errors());

        assertTrue(admin("transaction", "commit", "--id", order.transactionId()).contains("COMMITTED"));
        assertTrue(admin("transaction", "commit", "--id", order.transactionId()).contains("COMMITTED"),
                "a decision again is answered with the outcome");
        assertEquals(1, runAs("carol", "transaction", "rollback", "--id", order.transactionId()));
        assertTrue(admin("transaction", "rollback", "--id", audit.transactionId()).contains("ROLLED_BACK"));
        assertFalse(admin("transaction", "list").contains("UNDECIDED"));
        assertTrue(admin("message", "query", "--id", order.messageId()).contains("orders.new"));

        MessageConsumer orders = session.createConsumer(session.createQueue("orders.new"));
        Message delivered = orders.receive(5_000);
        assertNotNull(delivered);
        assertEquals(order.messageId(), delivered.getJMSMessageID());
        assertNull(session.createConsumer(session.createQueue("audit")).receive(300));
    }

    @Test
    void aProducerGroupNeedsSendOnTheDestination() throws Exception {
        // olga may manage orders.# but send nowhere: she cannot register a producer group for it.
        try (Connection olga = new KeelConnectionFactory(url()).createConnection("olga", "olga-pw")) {
            KeelSession session = (KeelSession) olga.createSession(false, Session.AUTO_ACKNOWLEDGE);
            org.junit.jupiter.api.Assertions.assertThrows(JMSSecurityException.class, () ->
                    session.createTransactionalProducer(session.createQueue("orders.new"), GROUP,
                            message -> LocalTransactionState.COMMIT));
        }
    }

    @Test
    void checkBacksGoOnlyToMembersAllowedToSend() throws Exception {
        Set<String> asked = ConcurrentHashMap.newKeySet();
        KeelSession carol = session();
        carol.createTransactionalProducer(carol.createQueue("orders.new"), GROUP, message -> {
            asked.add(message.getJMSMessageID());
            return LocalTransactionState.COMMIT;
        });
        // carol loses send on orders.#; dave (another member, gone once his message is stored) leaves it undecided.
        writeAuthorization("grant send,consume,createDurableSubscription on # to app",
                "grant send,consume on audit to admin", "grant manage on # to admin");
        Thread.sleep(1_000); // the broker looks at the file at most every 500 ms
        String messageId;
        try (Connection dave = new KeelConnectionFactory(url()).createConnection("dave", "dave-pw")) {
            KeelSession session = (KeelSession) dave.createSession(false, Session.AUTO_ACKNOWLEDGE);
            KeelTransactionalProducer producer = session.createTransactionalProducer(
                    session.createQueue("orders.new"), GROUP, message -> LocalTransactionState.UNKNOWN);
            messageId = producer.send(session.createTextMessage("needs a decision"),
                    message -> LocalTransactionState.UNKNOWN).messageId();
        }
        Thread.sleep(1_000); // several scans after the message's transactionTimeOut
        assertEquals(Set.of(), asked, "a member without send on the destination was checked back");
        assertTrue(admin("transaction", "list").contains(messageId));

        writeAuthorization("grant send,consume,createDurableSubscription on # to admin,app",
                "grant manage on # to admin");
        long deadline = System.currentTimeMillis() + 20_000;
        while (!asked.contains(messageId) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(Set.of(messageId), asked);
        Message delivered = carol.createConsumer(carol.createQueue("orders.new")).receive(5_000);
        assertNotNull(delivered, "carol's answer COMMIT did not deliver the message");
        assertEquals(messageId, delivered.getJMSMessageID());
    }

    private void writeAuthorization(String... lines) throws Exception {
        Files.write(dir.resolve("authorization"), List.of(lines));
    }
}
