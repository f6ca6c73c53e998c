package io.keelmq.jms;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnection;
import jakarta.jms.Session;
import jakarta.jms.TopicConnection;
import jakarta.jms.TransactionRolledBackException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's side of transacted sessions against the fake broker: what it asks the broker and when. */
class TransactedSessionTest extends FakeBrokerTestBase {

    /** The entries of a COMMIT or ROLLBACK body (undelivered-list encoding) as "consumer/partition/offset". */
    private static List<String> entries(Frame frame) {
        ByteBuf in = Unpooled.wrappedBuffer(frame.body());
        int count = in.readInt();
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add(in.readLong() + "/" + in.readInt() + "/" + in.readLong());
        }
        assertEquals(0, in.readableBytes());
        return entries;
    }

    private Session transacted(Connection connection) throws JMSException {
        connection.start();
        return connection.createSession(true, Session.CLIENT_ACKNOWLEDGE);
    }

    private static void send(Session session, Queue queue, int count) throws JMSException {
        MessageProducer producer = session.createProducer(queue);
        for (int i = 0; i < count; i++) {
            producer.send(session.createTextMessage("m" + i));
        }
    }

    @Test
    void everyWayOfAskingForATransactedSessionDeclaresIt() throws Exception {
        Session unified = connect().createSession(true, Session.AUTO_ACKNOWLEDGE);
        assertTrue(unified.getTransacted());
        assertEquals(Session.SESSION_TRANSACTED, unified.getAcknowledgeMode(), "the acknowledge mode is ignored");
        assertTrue(connect().createSession(Session.SESSION_TRANSACTED).getTransacted());
        QueueConnection queueConnection = track(factory().createQueueConnection());
        assertTrue(queueConnection.createQueueSession(true, Session.AUTO_ACKNOWLEDGE).getTransacted());
        TopicConnection topicConnection = track(factory().createTopicConnection());
        assertTrue(topicConnection.createTopicSession(true, Session.DUPS_OK_ACKNOWLEDGE).getTransacted());
        List<Frame> creates = broker.requests(RequestCode.CREATE_SESSION);
        assertEquals(4, creates.size());
        creates.forEach(create -> assertEquals("TRANSACTED", create.header("ackMode")));
        assertThrows(JMSException.class, () -> connect().createSession(false, Session.SESSION_TRANSACTED));
    }

    @Test
    void consumedMessagesAreAcknowledgedOnlyByCommit() throws Exception {
        Session session = transacted(connect());
        Queue queue = session.createQueue("q");
        send(session, queue, 3);
        session.commit();
        KeelMessageConsumer consumer = (KeelMessageConsumer) session.createConsumer(queue);
        Message first = consumer.receive(2000);
        assertNotNull(consumer.receive(2000));
        first.acknowledge();
        assertEquals(List.of(), broker.requests(RequestCode.ACK), "acknowledge() and receive() acknowledge nothing");
        session.commit();

        List<Frame> commits = broker.requests(RequestCode.COMMIT);
        assertEquals(2, commits.size());
        assertEquals(List.of(), entries(commits.get(0)), "the first commit consumed nothing");
        List<String> consumed = entries(commits.get(1));
        assertEquals(2, consumed.size());
        consumed.forEach(entry -> assertTrue(entry.startsWith(consumer.consumerId() + "/"), entry));
        assertEquals(Long.toString(((KeelSession) session).sessionId()), commits.get(1).header("sessionId"));
        assertEquals(2, broker.states("queue/q")[2], "the broker acknowledged what the commit listed");

        assertNotNull(consumer.receive(2000));
        session.commit();
        assertEquals(1, entries(broker.requests(RequestCode.COMMIT).get(2)).size(), "only the new transaction's");
    }

    @Test
    void rollbackRedeliversTheConsumedMessages() throws Exception {
        Session session = transacted(connect());
        Queue queue = session.createQueue("q");
        send(session, queue, 1);
        session.commit();
        MessageConsumer consumer = session.createConsumer(queue);
        Message first = consumer.receive(2000);
        assertFalse(first.getJMSRedelivered());
        session.rollback();
        assertEquals(1, broker.requests(RequestCode.ROLLBACK).size());
        Message again = consumer.receive(2000);
        assertNotNull(again, "redelivered after rollback");
        assertEquals(first.getJMSMessageID(), again.getJMSMessageID());
        assertTrue(again.getJMSRedelivered());
        assertEquals(2, again.getIntProperty("JMSXDeliveryCount"));
        session.commit();
        assertEquals(1, broker.states("queue/q")[2]);
    }

    @Test
    void recoverIsRefusedInATransactedSession() throws Exception {
        Session session = transacted(connect());
        assertThrows(IllegalStateException.class, session::recover);
        assertEquals(List.of(), broker.requests(RequestCode.RECOVER));
    }

    @Test
    void aBrokerThatCouldNotCommitRollsBackAndTheClientSaysSo() throws Exception {
        Session session = transacted(connect());
        Queue queue = session.createQueue("q");
        send(session, queue, 1);
        session.commit();
        MessageConsumer consumer = session.createConsumer(queue);
        assertNotNull(consumer.receive(2000));
        broker.failNext(RequestCode.COMMIT, ErrorCode.TRANSACTION_ROLLED_BACK, "commit record not stored");
        TransactionRolledBackException e = assertThrows(TransactionRolledBackException.class, session::commit);
        assertTrue(e.getMessage().contains("commit record not stored"), e.getMessage());
        assertEquals(1, broker.requests(RequestCode.ROLLBACK).size(), "consumed messages are released");
        Message again = consumer.receive(2000);
        assertNotNull(again);
        assertTrue(again.getJMSRedelivered());
    }

    @Test
    void commitAfterTheConnectionWasLostIsRolledBack() throws Exception {
        Connection connection = connect();
        Session session = transacted(connection);
        send(session, session.createQueue("q"), 1);
        broker.killConnections();
        Wait.until("the connection is seen lost", () -> ((KeelConnection) connection).provider().isClosed());
        assertThrows(TransactionRolledBackException.class, session::commit);
        assertEquals(List.of(), broker.requests(RequestCode.COMMIT));
    }

    @Test
    void aCommitWhoseAnswerIsLostHasAnUnknownOutcome() throws Exception {
        Session session = transacted(connect());
        send(session, session.createQueue("q"), 1);
        broker.dropAnswers(RequestCode.COMMIT, 1);
        CompletableFuture<Void> killed = CompletableFuture.runAsync(() -> {
            try {
                broker.awaitRequests(RequestCode.COMMIT, 1, 10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            broker.killConnections();
        });
        JMSException e = assertThrows(JMSException.class, session::commit);
        killed.join();
        assertFalse(e instanceof TransactionRolledBackException, "the broker may have committed: " + e);
        assertTrue(e.getMessage().contains("unknown"), e.getMessage());
    }

    @Test
    void aTransactedContextCommitsAndRefusesRecover() throws Exception {
        JMSContext context = context(JMSContext.SESSION_TRANSACTED);
        assertTrue(context.getTransacted());
        assertEquals(JMSContext.SESSION_TRANSACTED, context.getSessionMode());
        context.createProducer().send(context.createQueue("q"), "x");
        context.commit();
        context.rollback();
        assertEquals(1, broker.requests(RequestCode.COMMIT).size());
        assertEquals(1, broker.requests(RequestCode.ROLLBACK).size());
        assertThrows(IllegalStateRuntimeException.class, context::recover);
        IllegalStateRuntimeException e = assertThrows(IllegalStateRuntimeException.class,
                () -> context(JMSContext.AUTO_ACKNOWLEDGE).commit());
        assertInstanceOf(IllegalStateException.class, e.getCause());
    }
}
