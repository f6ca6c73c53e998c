package io.keelmq.ra.outbound;

import jakarta.jms.Connection;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.resource.spi.LocalTransaction;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Outbound connections in transactions (spec 12.3): inside a JTA transaction the session is enlisted whatever
 * createSession or createContext asked, and commit or rollback decide its sends and receives; a container local
 * transaction does the same with a transacted session; outside any transaction the arguments give a non-transacted
 * session as spec 12.3 recommends.
 */
class OutboundTransactionTest extends OutboundTestBase {

    @Test
    void aSendInAJtaTransactionArrivesAtCommitAndNotBefore() throws Exception {
        MessageConsumer consumer = plainConsumer("orders");
        tm.begin();
        try (Connection connection = factory.createConnection()) {
            // Both arguments are ignored: the session belongs to the JTA transaction.
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            assertTrue(session.getTransacted(), "a session created in a JTA transaction is part of it");
            session.createProducer(session.createQueue("orders")).send(session.createTextMessage("one"));
        }
        assertNull(consumer.receive(500), "a message sent in a transaction is invisible before its commit");
        tm.commit();
        assertEquals("one", text(consumer.receive(10_000)));
    }

    @Test
    void aSendInARolledBackJtaTransactionNeverArrives() throws Exception {
        MessageConsumer consumer = plainConsumer("orders");
        tm.begin();
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession();
            session.createProducer(session.createQueue("orders")).send(session.createTextMessage("rolled back"));
        }
        tm.rollback();
        plainSend("orders", "after");
        assertEquals("after", text(consumer.receive(10_000)));
        assertNull(consumer.receive(500), "the rolled-back message arrived");
    }

    @Test
    void createContextJoinsTheJtaTransaction() throws Exception {
        MessageConsumer consumer = plainConsumer("orders");
        tm.begin();
        try (JMSContext context = factory.createContext(JMSContext.CLIENT_ACKNOWLEDGE)) {
            assertTrue(context.getTransacted());
            context.createProducer().send(context.createQueue("orders"), "committed");
        }
        tm.commit();
        assertEquals("committed", text(consumer.receive(10_000)));

        tm.begin();
        try (JMSContext context = factory.createContext()) {
            context.createProducer().send(context.createQueue("orders"), "rolled back");
        }
        tm.rollback();
        plainSend("orders", "after");
        assertEquals("after", text(consumer.receive(10_000)));
        assertNull(consumer.receive(500), "the rolled-back message arrived");
    }

    @Test
    void aMessageReceivedInARolledBackTransactionIsRedeliveredAndAcknowledgedByTheNextCommit() throws Exception {
        plainSend("jobs", "job");
        tm.begin();
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession();
            assertEquals("job", text(session.createConsumer(session.createQueue("jobs")).receive(10_000)));
        }
        tm.rollback();

        tm.begin();
        try (JMSContext context = factory.createContext()) {
            Message again = context.createConsumer(context.createQueue("jobs")).receive(10_000);
            assertEquals("job", text(again));
            assertTrue(again.getJMSRedelivered());
            assertEquals(2, again.getIntProperty("JMSXDeliveryCount"));
        }
        tm.commit();
        assertNull(plainConsumer("jobs").receive(500), "the committed receive did not acknowledge the message");
    }

    @Test
    void twoPooledConnectionsToOneBrokerInOneTransactionCommitTogether() throws Exception {
        // A second pool: the transaction manager enlists two XAResources of the same broker (isSameRM, TMJOIN).
        var otherPool = new io.keelmq.ra.testing.TestConnectionManager(tm);
        ConnectionFactoryHandle other = (ConnectionFactoryHandle) managedFactory.createConnectionFactory(otherPool);
        MessageConsumer consumer = plainConsumer("orders");
        try {
            tm.begin();
            try (JMSContext first = factory.createContext(); JMSContext second = other.createContext()) {
                first.createProducer().send(first.createQueue("orders"), "first");
                second.createProducer().send(second.createQueue("orders"), "second");
            }
            assertNull(consumer.receive(300));
            tm.commit();
            String a = text(consumer.receive(10_000));
            String b = text(consumer.receive(10_000));
            assertEquals(java.util.Set.of("first", "second"), java.util.Set.of(a, b));
        } finally {
            otherPool.shutdown();
        }
    }

    @Test
    void outsideATransactionTheSessionIsNonTransactedAsSpec12_3Recommends() throws Exception {
        MessageConsumer consumer = plainConsumer("orders");
        try (Connection connection = factory.createConnection()) {
            Session transactedAsked = connection.createSession(true, Session.SESSION_TRANSACTED);
            assertFalse(transactedAsked.getTransacted());
            assertEquals(Session.AUTO_ACKNOWLEDGE, transactedAsked.getAcknowledgeMode());
            transactedAsked.createProducer(transactedAsked.createQueue("orders"))
                    .send(transactedAsked.createTextMessage("at once"));
            transactedAsked.close();
            assertEquals("at once", text(consumer.receive(10_000)), "a send outside a transaction is not held");

            Session clientAsked = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            assertEquals(Session.AUTO_ACKNOWLEDGE, clientAsked.getAcknowledgeMode());
            clientAsked.close();

            Session dupsOk = connection.createSession(Session.DUPS_OK_ACKNOWLEDGE);
            assertEquals(Session.DUPS_OK_ACKNOWLEDGE, dupsOk.getAcknowledgeMode());
            dupsOk.close();

            Session noArguments = connection.createSession();
            assertFalse(noArguments.getTransacted());
            assertEquals(Session.AUTO_ACKNOWLEDGE, noArguments.getAcknowledgeMode());
        }
        try (JMSContext context = factory.createContext(JMSContext.SESSION_TRANSACTED)) {
            assertEquals(JMSContext.AUTO_ACKNOWLEDGE, context.getSessionMode());
            context.createProducer().send(context.createQueue("orders"), "context at once");
        }
        assertEquals("context at once", text(consumer.receive(10_000)));
    }

    @Test
    void aContainerLocalTransactionCommitsAndRollsBackTheSessionsWork() throws Exception {
        MessageConsumer consumer = plainConsumer("orders");
        KeelManagedConnection managed = (KeelManagedConnection) managedFactory.createManagedConnection(null, null);
        try {
            LocalTransaction local = managed.getLocalTransaction();
            local.begin();
            ConnectionHandle connection = (ConnectionHandle) managed.getConnection(null, null);
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertTrue(session.getTransacted(), "the session belongs to the container's local transaction");
            session.createProducer(session.createQueue("orders")).send(session.createTextMessage("local"));
            connection.close();
            assertNull(consumer.receive(500));
            local.commit();
            assertEquals("local", text(consumer.receive(10_000)));

            local.begin();
            connection = (ConnectionHandle) managed.getConnection(null, null);
            session = connection.createSession();
            session.createProducer(session.createQueue("orders")).send(session.createTextMessage("rolled back"));
            connection.close();
            local.rollback();
            plainSend("orders", "after");
            assertEquals("after", text(consumer.receive(10_000)));
            assertNull(consumer.receive(500), "the rolled-back message arrived");
        } finally {
            managed.destroy();
        }
    }
}
