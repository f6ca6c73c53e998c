package io.keelmq.server.jms;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.config.DelayLevels;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Local transactions end to end: a real broker, reached through the Jakarta Messaging API only. */
class TransactedJmsTest extends JmsTestBase {

    /** The third delivery of a message waits level 1 of redeliveryDelayLevels (10s by default): shortened. */
    @Override
    BrokerConfig.Builder brokerConfig() {
        return super.brokerConfig().set(ConfigKeys.REDELIVERY_DELAY_LEVELS, DelayLevels.parse("100ms"));
    }

    private Session transacted() throws JMSException {
        Connection connection = connection(null);
        connection.start();
        return connection.createSession(true, Session.SESSION_TRANSACTED);
    }

    private MessageConsumer plainConsumer(String queue) throws JMSException {
        Connection connection = connection(null);
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        return session.createConsumer(session.createQueue(queue));
    }

    private static List<String> send(Session session, Queue queue, String prefix, int count) throws JMSException {
        MessageProducer producer = session.createProducer(queue);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            producer.send(session.createTextMessage(prefix + i));
            texts.add(prefix + i);
        }
        return texts;
    }

    private static List<String> texts(List<Message> messages) throws JMSException {
        List<String> texts = new ArrayList<>();
        for (Message message : messages) {
            texts.add(((TextMessage) message).getText());
        }
        return texts;
    }

    private static List<Message> receive(MessageConsumer consumer, int count) throws JMSException {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Message message = consumer.receive(10_000);
            assertNotNull(message, "message " + (i + 1) + " of " + count);
            messages.add(message);
        }
        return messages;
    }

    @Test
    void sentMessagesAreInvisibleUntilCommit() throws Exception {
        Session session = transacted();
        Queue queue = session.createQueue("orders");
        List<String> sent = send(session, queue, "o", 3);
        MessageConsumer consumer = plainConsumer("orders");
        assertNull(consumer.receive(500), "a half is delivered to nobody");
        Connection browsing = connection(null);
        QueueBrowser browser = browsing.createSession(false, Session.AUTO_ACKNOWLEDGE).createBrowser(queue);
        assertFalse(browser.getEnumeration().hasMoreElements(), "nor browsed");

        session.commit();
        assertEquals(sent, texts(receive(consumer, 3)), "all of them, in send order, once committed");
        assertNull(consumer.receive(300));
    }

    @Test
    void rollbackDiscardsTheSentMessages() throws Exception {
        Session session = transacted();
        Queue queue = session.createQueue("drafts");
        send(session, queue, "discarded", 3);
        session.rollback();
        List<String> kept = send(session, queue, "kept", 2);
        session.commit();
        MessageConsumer consumer = plainConsumer("drafts");
        assertEquals(kept, texts(receive(consumer, 2)));
        assertNull(consumer.receive(500), "nothing of the rolled-back transaction");
    }

    @Test
    void aCommitIsAtomicAcrossTwoQueuesAndATopicSubscription() throws Exception {
        Connection subscriberConnection = connection("ledger");
        Session subscriberSession = subscriberConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = subscriberSession.createTopic("audit");
        MessageConsumer subscriber = subscriberSession.createDurableConsumer(topic, "audit-log");
        subscriberConnection.start();

        Session session = transacted();
        List<String> debits = send(session, session.createQueue("debits"), "d", 2);
        List<String> credits = send(session, session.createQueue("credits"), "c", 2);
        session.createProducer(topic).send(session.createTextMessage("moved"));
        MessageConsumer debitConsumer = plainConsumer("debits");
        MessageConsumer creditConsumer = plainConsumer("credits");
        assertNull(debitConsumer.receive(300));
        assertNull(creditConsumer.receive(10));
        assertNull(subscriber.receive(10));

        session.commit();
        assertEquals(debits, texts(receive(debitConsumer, 2)));
        assertEquals(credits, texts(receive(creditConsumer, 2)));
        assertEquals(List.of("moved"), texts(receive(subscriber, 1)));
    }

    @Test
    void rollbackRedeliversConsumedMessagesBeforeNewerOnes() throws Exception {
        Session producerSession = transacted();
        Queue queue = producerSession.createQueue("work");
        List<String> first = send(producerSession, queue, "w", 2);
        producerSession.commit();

        Session session = transacted();
        MessageConsumer consumer = session.createConsumer(queue);
        List<Message> taken = receive(consumer, 2);
        for (Message message : taken) {
            assertFalse(message.getJMSRedelivered());
        }
        send(producerSession, queue, "newer", 1);
        producerSession.commit();

        session.rollback();
        List<Message> again = receive(consumer, 3);
        assertEquals(List.of("w0", "w1", "newer0"), texts(again), "redelivered before the newer message");
        for (Message message : again.subList(0, 2)) {
            assertTrue(message.getJMSRedelivered());
            assertEquals(2, message.getIntProperty("JMSXDeliveryCount"));
        }
        assertFalse(again.get(2).getJMSRedelivered());
        session.commit();

        assertNull(plainConsumer("work").receive(500), "committed consumption acknowledged all of them");
        assertEquals(first, List.of("w0", "w1"));
    }

    @Test
    void consumedAndSentMessagesCommitTogetherInsideOnMessage() throws Exception {
        Session feeder = transacted();
        Queue in = feeder.createQueue("in");
        send(feeder, in, "job", 4);
        feeder.commit();

        Connection connection = connection(null);
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageProducer out = session.createProducer(session.createQueue("out"));
        CountDownLatch done = new CountDownLatch(4);
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Boolean> redelivered = Collections.synchronizedList(new ArrayList<>());
        session.createConsumer(in).setMessageListener(message -> {
            try {
                redelivered.add(message.getJMSRedelivered());
                String text = ((TextMessage) message).getText();
                out.send(session.createTextMessage("done-" + text));
                if (text.equals("job2") && !message.getJMSRedelivered()) {
                    session.rollback();   // the first attempt at job2 fails: its output is dropped
                    return;
                }
                session.commit();
                done.countDown();
            } catch (JMSException | RuntimeException e) {
                failures.add(e);
            }
        });
        connection.start();
        assertTrue(done.await(30, TimeUnit.SECONDS), "four commits; failures: " + failures);
        assertEquals(List.of(), failures);
        assertEquals(List.of(false, false, false, true, false), redelivered, "job2 came back once, flagged");

        MessageConsumer results = plainConsumer("out");
        assertEquals(List.of("done-job0", "done-job1", "done-job2", "done-job3"), texts(receive(results, 4)));
        assertNull(results.receive(300), "the rolled-back output of job2's first attempt is gone");
        connection.close();
        assertNull(plainConsumer("in").receive(300), "every input was consumed in a committed transaction");
    }

    @Test
    void closingASessionOrConnectionRollsBack() throws Exception {
        Session feeder = transacted();
        Queue queue = feeder.createQueue("pending");
        send(feeder, queue, "p", 1);
        feeder.commit();

        Connection connection = connection(null);
        connection.start();
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        assertNotNull(session.createConsumer(queue).receive(10_000));
        send(session, queue, "uncommitted-session", 1);
        session.close();

        Connection other = connection(null);
        other.start();
        Session otherSession = other.createSession(Session.SESSION_TRANSACTED);
        MessageConsumer consumer = otherSession.createConsumer(queue);
        Message back = consumer.receive(10_000);
        assertEquals("p0", ((TextMessage) back).getText(), "the consumed message came back");
        assertTrue(back.getJMSRedelivered());
        send(otherSession, queue, "uncommitted-connection", 1);
        other.close();

        MessageConsumer last = plainConsumer("pending");
        Message again = last.receive(10_000);
        assertEquals("p0", ((TextMessage) again).getText());
        assertEquals(3, again.getIntProperty("JMSXDeliveryCount"), "after the 2nd failure: a level's wait");
        assertNull(last.receive(500), "no uncommitted send was delivered");
    }

    @Test
    void transactedJmsContext() throws Exception {
        KeelConnectionFactory factory = factory();
        try (JMSContext context = factory.createContext(JMSContext.SESSION_TRANSACTED)) {
            assertTrue(context.getTransacted());
            Queue queue = context.createQueue("ctx");
            context.createProducer().send(queue, "a");
            context.commit();
            JMSConsumer consumer = context.createConsumer(queue);
            assertEquals("a", consumer.receiveBody(String.class, 10_000));
            context.rollback();
            Message again = consumer.receive(10_000);
            assertTrue(again.getJMSRedelivered());
            context.commit();
            assertNull(consumer.receive(300));
            assertThrows(jakarta.jms.IllegalStateRuntimeException.class, context::recover);
        }
    }

    @Test
    void asynchronousSendsArePartOfTheTransaction() throws Exception {
        Session session = transacted();
        Queue queue = session.createQueue("async");
        MessageProducer producer = session.createProducer(queue);
        List<CompletableFuture<Void>> completions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CompletableFuture<Void> completed = new CompletableFuture<>();
            producer.send(session.createTextMessage("a" + i), new CompletionListener() {
                @Override
                public void onCompletion(Message message) {
                    completed.complete(null);
                }

                @Override
                public void onException(Message message, Exception exception) {
                    completed.completeExceptionally(exception);
                }
            });
            completions.add(completed);
        }
        session.commit();
        for (CompletableFuture<Void> completed : completions) {
            assertTrue(completed.isDone() && !completed.isCompletedExceptionally(), "completed before commit returned");
        }
        assertEquals(List.of("a0", "a1", "a2"), texts(receive(plainConsumer("async"), 3)));
    }

    @Test
    void illegalCallsAreRefused() throws Exception {
        Session session = transacted();
        assertTrue(session.getTransacted());
        assertEquals(Session.SESSION_TRANSACTED, session.getAcknowledgeMode());
        assertThrows(IllegalStateException.class, session::recover);
        Session plain = connection(null).createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThrows(IllegalStateException.class, plain::commit);
        assertThrows(IllegalStateException.class, plain::rollback);
    }

    @Test
    void committedMessagesAndConsumptionSurviveARestart() throws Exception {
        Session session = transacted();
        Queue queue = session.createQueue("durable");
        send(session, queue, "kept", 3);
        session.commit();
        MessageConsumer consumer = session.createConsumer(queue);
        assertEquals(List.of("kept0"), texts(receive(consumer, 1)));
        session.commit();
        send(session, queue, "open", 2);

        restartBroker();
        Session after = transacted();
        MessageConsumer again = after.createConsumer(after.createQueue("durable"));
        List<Message> left = drain(again, 1_000);
        assertEquals(List.of("kept1", "kept2"), texts(left), "committed consumption stays; open sends never arrive");
    }
}
