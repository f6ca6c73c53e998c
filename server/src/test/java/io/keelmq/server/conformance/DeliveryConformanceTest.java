package io.keelmq.server.conformance;

import io.keelmq.jms.KeelConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
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
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chapter 7 (sending: delivery mode, time-to-live, delivery delay) and 3.4.10 (JMSPriority), as
 * the broker delivers them.
 */
class DeliveryConformanceTest extends ConformanceTestBase {

    // ------------------------------------------------------------------ 3.4.10 JMSPriority

    @Test
    void s3_4_10_queuedMessagesAreReceivedHighestPriorityFirst() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("priority"));
        MessageProducer producer = session.createProducer(queue);
        // What the TCK does: priorities 0..9 sent to a queue nobody consumes yet, then received 9 down to 0.
        for (int priority = 0; priority <= 9; priority++) {
            producer.send(session.createTextMessage("p" + priority), DeliveryMode.NON_PERSISTENT, priority, 0);
        }
        // A NON_PERSISTENT send returns before the broker has stored the message (it goes one way): wait until all
        // ten are queued, which is what "sent to a queue nobody consumes yet" means.
        awaitQueued(session, queue, 10);
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        for (int priority = 9; priority >= 0; priority--) {
            Message message = consumer.receive(5_000);
            assertNotNull(message, "priority " + priority);
            assertEquals(priority, message.getJMSPriority());
            assertEquals("p" + priority, ((TextMessage) message).getText());
        }
        assertNull(consumer.receiveNoWait());
    }

    @Test
    void s3_4_10_brokerHandsOutHighestPriorityFirstOneMessageAtATime() throws Exception {
        KeelConnectionFactory factory = factory();
        factory.setPullThresholdForQueue(1); // no prefetch to reorder: the order is the broker's
        Connection connection = track(factory.createConnection());
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("priority-no-prefetch"));
        MessageProducer producer = session.createProducer(queue);
        for (int priority : new int[] {2, 0, 9, 5, 1, 8, 3, 7, 4, 6}) {
            producer.send(session.createMessage(), DeliveryMode.PERSISTENT, priority, 0);
        }
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        for (int priority = 9; priority >= 0; priority--) {
            assertEquals(priority, consumer.receive(5_000).getJMSPriority());
        }
    }

    @Test
    void s3_4_10_and_6_2_9_equalPrioritiesKeepTheSessionsSendOrder() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("priority-order"));
        MessageProducer producer = session.createProducer(queue);
        List<Integer> priorities = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            priorities.add(i % 10);
        }
        Collections.shuffle(priorities, new Random(42));
        for (int seq = 0; seq < priorities.size(); seq++) {
            Message message = session.createMessage();
            message.setIntProperty("seq", seq);
            producer.send(message, DeliveryMode.PERSISTENT, priorities.get(seq), 0);
        }
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        int lastPriority = 10;
        int lastSeq = -1;
        for (int i = 0; i < priorities.size(); i++) {
            Message message = consumer.receive(5_000);
            assertNotNull(message, "message " + i);
            int priority = message.getJMSPriority();
            int seq = message.getIntProperty("seq");
            assertEquals((int) priorities.get(seq), priority);
            assertTrue(priority <= lastPriority, "priority " + priority + " after " + lastPriority);
            if (priority == lastPriority) {
                assertTrue(seq > lastSeq, "seq " + seq + " after " + lastSeq + " at priority " + priority);
            }
            lastPriority = priority;
            lastSeq = seq;
        }
    }

    @Test
    void s3_4_10_expeditedMessageOvertakesMessagesAlreadyPrefetched() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("priority-prefetch"));
        // The consumer exists (and prefetches) while the normal messages arrive; delivery starts only later.
        MessageConsumer consumer = session.createConsumer(queue);
        MessageProducer producer = session.createProducer(queue);
        for (int i = 0; i < 20; i++) {
            producer.send(session.createTextMessage("normal" + i), DeliveryMode.PERSISTENT, 1, 0);
        }
        Thread.sleep(200); // time for the prefetch to pull them
        producer.send(session.createTextMessage("expedited"), DeliveryMode.PERSISTENT, 9, 0);
        Thread.sleep(200);
        connection.start();
        Message first = consumer.receive(5_000);
        assertNotNull(first);
        assertEquals("expedited", ((TextMessage) first).getText());
        for (int i = 0; i < 20; i++) {
            assertEquals("normal" + i, ((TextMessage) consumer.receive(5_000)).getText());
        }
    }

    @Test
    void s3_4_10_durableSubscriptionDeliversHighestPriorityFirst() throws Exception {
        Connection connection = connection();
        connection.setClientID(unique("prio-client"));
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic(unique("priority-topic"));
        session.createDurableSubscriber(topic, "sub").close();
        MessageProducer producer = session.createProducer(topic);
        for (int priority = 0; priority <= 9; priority++) {
            producer.send(session.createTextMessage("p" + priority), DeliveryMode.PERSISTENT, priority, 0);
        }
        MessageConsumer consumer = session.createDurableSubscriber(topic, "sub");
        connection.start();
        for (int priority = 9; priority >= 0; priority--) {
            assertEquals(priority, consumer.receive(5_000).getJMSPriority());
        }
        consumer.close();
        session.unsubscribe("sub");
    }

    @Test
    void s3_4_10_simplifiedApiProducerPriority() throws Exception {
        JMSContext context = context();
        Queue queue = context.createQueue(unique("priority-context"));
        context.createProducer().setPriority(2).send(queue, "two");
        context.createProducer().setPriority(7).send(queue, "seven");
        JMSConsumer consumer = context.createConsumer(queue);
        assertEquals("seven", consumer.receiveBody(String.class, 5_000));
        assertEquals("two", consumer.receiveBody(String.class, 5_000));
    }

    @Test
    void s3_4_10_priorityOrderHoldsAcrossMessagesOfSeveralSessions() throws Exception {
        Connection connection = connection();
        Session consuming = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = consuming.createQueue(unique("priority-sessions"));
        // Several sessions, so the messages are spread over the queue's partitions.
        for (int s = 0; s < 4; s++) {
            Session session = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(queue);
            for (int priority = 0; priority <= 9; priority++) {
                producer.send(session.createMessage(), DeliveryMode.PERSISTENT, (priority * 7 + s * 3) % 10, 0);
            }
        }
        MessageConsumer consumer = consuming.createConsumer(queue);
        connection.start();
        int last = 9;
        for (int i = 0; i < 40; i++) {
            Message message = consumer.receive(5_000);
            assertNotNull(message, "message " + i);
            assertTrue(message.getJMSPriority() <= last, "priority " + message.getJMSPriority() + " after " + last);
            last = message.getJMSPriority();
        }
        assertNull(consumer.receiveNoWait());
    }

    // ------------------------------------------------------------------ 7.7 delivery mode

    @Test
    void s7_7_bothDeliveryModesAreDeliveredWithTheirHeader() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("modes"));
        MessageProducer producer = session.createProducer(queue);
        assertEquals(DeliveryMode.PERSISTENT, producer.getDeliveryMode(), "default delivery mode");
        producer.send(session.createTextMessage("persistent"));
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        Message sent = session.createTextMessage("non-persistent");
        producer.send(sent);
        assertEquals(DeliveryMode.NON_PERSISTENT, sent.getJMSDeliveryMode(), "set by send (3.4.2)");
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        assertEquals(DeliveryMode.PERSISTENT, consumer.receive(5_000).getJMSDeliveryMode());
        assertEquals(DeliveryMode.NON_PERSISTENT, consumer.receive(5_000).getJMSDeliveryMode());
    }

    // ------------------------------------------------------------------ 7.8 time-to-live, 3.4.9 JMSExpiration

    @Test
    void s7_8_and_3_4_9_expiredMessagesAreNeverDelivered() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("ttl"));
        MessageProducer producer = session.createProducer(queue);
        Message shortLived = session.createTextMessage("short");
        producer.send(shortLived, DeliveryMode.PERSISTENT, 4, 200);
        assertEquals(shortLived.getJMSTimestamp() + 200, shortLived.getJMSExpiration(), "JMSExpiration = send time + ttl");
        producer.setTimeToLive(200);
        producer.send(session.createTextMessage("short2"), DeliveryMode.NON_PERSISTENT, 4, 200);
        producer.setTimeToLive(0);
        Message forever = session.createTextMessage("forever");
        producer.send(forever);
        assertEquals(0, forever.getJMSExpiration(), "ttl 0: never expires");
        Thread.sleep(400);
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        List<Message> received = drain(consumer, 300);
        assertEquals(1, received.size(), "only the unexpired message");
        assertEquals("forever", ((TextMessage) received.get(0)).getText());
    }

    @Test
    void s7_8_aMessageThatExpiresInTheConsumersPrefetchIsNotDelivered() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("ttl-prefetched"));
        MessageConsumer consumer = session.createConsumer(queue); // prefetches while the connection is stopped
        MessageProducer producer = session.createProducer(queue);
        producer.send(session.createTextMessage("expires"), DeliveryMode.PERSISTENT, 4, 300);
        producer.send(session.createTextMessage("stays"));
        Thread.sleep(600);
        connection.start();
        List<Message> received = drain(consumer, 300);
        assertEquals(1, received.size(), "only the unexpired message");
        assertEquals("stays", ((TextMessage) received.get(0)).getText());
        consumer.close();
        assertNull(session.createConsumer(queue).receive(300), "the expired message is gone, not left in flight");
    }

    @Test
    void s7_8_expiredMessagesAreNotBrowsedEither() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("ttl-browse"));
        session.createProducer(queue).send(session.createTextMessage("short"), DeliveryMode.PERSISTENT, 4, 150);
        Thread.sleep(300);
        QueueBrowser browser = session.createBrowser(queue);
        assertFalse(browser.getEnumeration().hasMoreElements(), "an expired message is gone from the queue");
    }

    @Test
    void s7_8_expiredMessagesAreNotDeliveredToDurableSubscriptions() throws Exception {
        JMSContext context = track(factory().createContext());
        context.setClientID(unique("ttl-client"));
        Topic topic = context.createTopic(unique("ttl-topic"));
        context.createDurableConsumer(topic, "ttl-sub").close();
        context.createProducer().setTimeToLive(150).send(topic, "short");
        context.createProducer().send(topic, "kept");
        Thread.sleep(300);
        JMSConsumer consumer = context.createDurableConsumer(topic, "ttl-sub");
        assertEquals("kept", consumer.receiveBody(String.class, 5_000));
        assertNull(consumer.receiveBody(String.class, 300));
        consumer.close();
        context.unsubscribe("ttl-sub");
    }

    // ------------------------------------------------------------------ 7.9 delivery delay, 3.4.13 JMSDeliveryTime

    @Test
    void s7_9_and_3_4_13_delayedMessageIsInvisibleUntilItsDeliveryTime() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("delay"));
        MessageProducer producer = session.createProducer(queue);
        assertEquals(0, producer.getDeliveryDelay(), "default delivery delay");
        producer.setDeliveryDelay(800);
        Message sent = session.createTextMessage("late");
        long before = System.currentTimeMillis();
        producer.send(sent);
        assertEquals(sent.getJMSTimestamp() + 800, sent.getJMSDeliveryTime(), "JMSDeliveryTime = send time + delay");
        producer.setDeliveryDelay(0);
        producer.send(session.createTextMessage("now"));
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        TextMessage first = (TextMessage) consumer.receive(5_000);
        long firstAt = System.currentTimeMillis();
        // The undelayed message is not held up behind the delayed one (unless the delay had passed meanwhile).
        assertTrue("now".equals(first.getText()) || firstAt >= before + 800,
                first.getText() + " first, " + (firstAt - before) + " ms after send");
        boolean browsed = session.createBrowser(queue).getEnumeration().hasMoreElements();
        if (System.currentTimeMillis() < before + 800) { // the browse ended before the message was due
            assertFalse(browsed, "a browser does not see a message before its delivery time");
        }
        TextMessage late = "late".equals(first.getText()) ? first : (TextMessage) consumer.receive(5_000);
        long received = late == first ? firstAt : System.currentTimeMillis();
        assertNotNull(late);
        assertEquals("late", late.getText());
        assertTrue(received >= before + 800, "delivered " + (received - before) + " ms after send, delay 800");
        assertEquals(sent.getJMSDeliveryTime(), late.getJMSDeliveryTime());
    }

    @Test
    void s7_9_delayedMessageOnATopicReachesSubscriptionsThatExistedAtSendTime() throws Exception {
        JMSContext context = context();
        Topic topic = context.createTopic(unique("delay-topic"));
        JMSConsumer consumer = context.createConsumer(topic);
        long before = System.currentTimeMillis();
        context.createProducer().setDeliveryDelay(500).send(topic, "late");
        // Received no earlier than the delivery time (however long the send itself took).
        assertEquals("late", consumer.receiveBody(String.class, 5_000));
        long received = System.currentTimeMillis();
        assertTrue(received >= before + 500, "received " + (received - before) + " ms after send, delay 500");
    }

    @Test
    void s7_9_deliveryDelayOnTheSimplifiedApi() throws Exception {
        JMSContext context = context();
        Queue queue = context.createQueue(unique("delay-context"));
        long before = System.currentTimeMillis();
        context.createProducer().setDeliveryDelay(400).send(queue, "late");
        JMSConsumer consumer = context.createConsumer(queue);
        assertEquals("late", consumer.receiveBody(String.class, 5_000));
        long received = System.currentTimeMillis();
        assertTrue(received >= before + 400, "received " + (received - before) + " ms after send, delay 400");
    }

    @Test
    void s3_4_10_unsetPriorityDefaultsTo4() throws Exception {
        KeelConnectionFactory factory = factory();
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(unique("default-priority")));
            assertEquals(Message.DEFAULT_PRIORITY, producer.getPriority());
            Message message = session.createMessage();
            message.setJMSPriority(8); // ignored by send (3.4.11)
            producer.send(message);
            assertEquals(4, message.getJMSPriority());
        }
    }

    /** Waits until a browser sees {@code count} messages on {@code queue}. */
    private static void awaitQueued(Session session, Queue queue, int count) throws Exception {
        long deadline = System.currentTimeMillis() + 5_000;
        int seen;
        do {
            try (QueueBrowser browser = session.createBrowser(queue)) {
                seen = java.util.Collections.list(browser.getEnumeration()).size();
            }
            if (seen < count) {
                Thread.sleep(10);
            }
        } while (seen < count && System.currentTimeMillis() < deadline);
        assertEquals(count, seen, "messages queued");
    }
}
