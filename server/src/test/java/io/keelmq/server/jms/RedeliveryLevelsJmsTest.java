package io.keelmq.server.jms;

import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigException;
import io.keelmq.server.config.ConfigKeys;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redelivery levels and dead-letter queues (README "Redelivery and dead letters"): the first redelivery at once,
 * then after each level of redeliveryDelayLevels, up to maxReconsumeTimes redeliveries, then DLQ.&lt;name&gt;.
 * Delays are asserted as lower bounds (the broker must never redeliver early) with generous upper bounds.
 */
class RedeliveryLevelsJmsTest extends JmsTestBase {
    private static final long LEVEL1 = 300;
    private static final long LEVEL2 = 600;
    /** Upper bound for anything "at once" or "after its level": generous, for loaded machines. */
    private static final long SLACK = 5_000;

    @Override
    BrokerConfig.Builder brokerConfig() {
        try {
            return super.brokerConfig()
                    .set(ConfigKeys.TIMER_PRECISION_MS, 50L)
                    .set(ConfigKeys.MAX_RECONSUME_TIMES, 3)
                    .set("redeliveryDelayLevels", LEVEL1 + "ms " + LEVEL2 + "ms")
                    .set("maxReconsumeTimes.short", "1")
                    .set("redeliveryDelayLevels.slow", "1500ms");
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    /** One delivery seen by the test: when, and with which count. */
    private record Seen(long at, int count, boolean redelivered) {
    }

    @Test
    void redeliversAtOnceThenAfterEachLevelThenMovesToTheDeadLetterQueue() throws Exception {
        Connection connection = connection(null);
        connection.start();
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue orders = session.createQueue("orders");
        TextMessage sent = session.createTextMessage("order 1");
        sent.setStringProperty("customer", "c-17");
        sent.setIntProperty("lines", 3);
        session.createProducer(orders).send(sent);
        long sentAt = System.currentTimeMillis();

        MessageConsumer consumer = session.createConsumer(orders);
        List<Seen> seen = new ArrayList<>();
        List<Long> failedAt = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Message message = consumer.receive(SLACK + LEVEL2);
            assertNotNull(message, "delivery " + (i + 1));
            seen.add(new Seen(System.currentTimeMillis(), message.getIntProperty("JMSXDeliveryCount"),
                    message.getJMSRedelivered()));
            failedAt.add(System.currentTimeMillis());
            session.recover();
        }
        assertEquals(List.of(1, 2, 3, 4), seen.stream().map(Seen::count).toList());
        assertEquals(List.of(false, true, true, true), seen.stream().map(Seen::redelivered).toList());
        assertTrue(seen.get(1).at() - failedAt.get(0) < SLACK, "the first redelivery is at once");
        long wait2 = seen.get(2).at() - failedAt.get(1);
        long wait3 = seen.get(3).at() - failedAt.get(2);
        assertTrue(wait2 >= LEVEL1 && wait2 < LEVEL1 + SLACK, "2nd redelivery after level 1: " + wait2);
        assertTrue(wait3 >= LEVEL2 && wait3 < LEVEL2 + SLACK, "3rd redelivery after level 2: " + wait3);

        assertNull(consumer.receive(LEVEL2 * 3), "maxReconsumeTimes=3: no 4th redelivery");
        MessageConsumer dead = session.createConsumer(session.createQueue("DLQ.orders"));
        TextMessage letter = (TextMessage) dead.receive(SLACK);
        assertNotNull(letter, "moved to DLQ.orders");
        assertEquals("order 1", letter.getText());
        assertEquals(sent.getJMSMessageID(), letter.getJMSMessageID());
        assertEquals("c-17", letter.getStringProperty("customer"));
        assertEquals(3, letter.getIntProperty("lines"));
        assertEquals("queue://orders", letter.getStringProperty("JMS_Keel_OriginalDestination"));
        assertEquals("maxReconsumeTimes 3 exceeded", letter.getStringProperty("JMS_Keel_DeadLetterReason"));
        assertEquals(4, letter.getIntProperty("JMS_Keel_DeliveryCount"));
        long time = letter.getLongProperty("JMS_Keel_DeadLetterTime");
        assertTrue(time >= sentAt && time <= System.currentTimeMillis(), "dead-letter time " + time);
        assertEquals("DLQ.orders", ((Queue) letter.getJMSDestination()).getQueueName());
        assertEquals(1, letter.getIntProperty("JMSXDeliveryCount"), "a fresh delivery in the dead-letter queue");
        assertFalse(letter.propertyExists("JMS_Keel_RetryFor"), "broker-private properties are not shown");
        assertFalse(letter.propertyExists("JMS_Keel_PriorDeliveries"));
        letter.acknowledge();
        assertNull(dead.receive(300), "one dead letter");
    }

    @Test
    void deliveryCountOfABackedOffMessageSurvivesARestart() throws Exception {
        Connection connection = connection(null);
        connection.start();
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue("restart");
        session.createProducer(queue).send(session.createTextMessage("survivor"));
        MessageConsumer consumer = session.createConsumer(queue);
        for (int count = 1; count <= 2; count++) {
            Message message = consumer.receive(SLACK);
            assertNotNull(message);
            assertEquals(count, message.getIntProperty("JMSXDeliveryCount"));
            session.recover();
        }

        restartBroker();

        Connection again = connection(null);
        again.start();
        Session session2 = again.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Message browsed = null;
        long deadline = System.currentTimeMillis() + SLACK;
        while (browsed == null && System.currentTimeMillis() < deadline) {
            java.util.Enumeration<?> page = session2.createBrowser(session2.createQueue("restart")).getEnumeration();
            browsed = page.hasMoreElements() ? (Message) page.nextElement() : null;
            Thread.sleep(browsed == null ? 50 : 0);
        }
        assertNotNull(browsed, "the retry copy is browsable once due");
        assertEquals(3, browsed.getIntProperty("JMSXDeliveryCount"), "a browser shows the count of the next delivery");
        MessageConsumer consumer2 = session2.createConsumer(session2.createQueue("restart"));
        Message message = consumer2.receive(SLACK + LEVEL1);
        assertNotNull(message, "the backed-off message is delivered after the restart");
        assertEquals("survivor", ((TextMessage) message).getText());
        assertEquals(3, message.getIntProperty("JMSXDeliveryCount"), "the count is stored with the message");
        assertTrue(message.getJMSRedelivered());
        message.acknowledge();
        assertNull(consumer2.receive(500), "delivered once, not also as the original");
    }

    @Test
    void perDestinationSettingsOverrideTheBrokersForAListenerThatThrows() throws Exception {
        Connection connection = connection(null);
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue shortQueue = session.createQueue("short");
        session.createProducer(shortQueue).send(session.createTextMessage("fails"));
        List<Integer> counts = new CopyOnWriteArrayList<>();
        CountDownLatch twice = new CountDownLatch(2);
        session.createConsumer(shortQueue).setMessageListener(message -> {
            try {
                counts.add(message.getIntProperty("JMSXDeliveryCount"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            twice.countDown();
            throw new IllegalStateException("listener fails on purpose");
        });
        connection.start();
        assertTrue(twice.await(SLACK, TimeUnit.MILLISECONDS));

        Connection otherConnection = connection(null);
        otherConnection.start();
        Session other = otherConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Message letter = other.createConsumer(other.createQueue("DLQ.short")).receive(SLACK);
        assertNotNull(letter, "maxReconsumeTimes.short=1: dead after one redelivery");
        assertEquals("maxReconsumeTimes 1 exceeded", letter.getStringProperty("JMS_Keel_DeadLetterReason"));
        assertEquals(2, letter.getIntProperty("JMS_Keel_DeliveryCount"));
        Thread.sleep(300);
        assertEquals(List.of(1, 2), counts);

        // redeliveryDelayLevels.slow=1500ms replaces the broker's 300ms first level
        Session slowSession = otherConnection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue slow = slowSession.createQueue("slow");
        slowSession.createProducer(slow).send(slowSession.createTextMessage("slow"));
        MessageConsumer consumer = slowSession.createConsumer(slow);
        long failed = 0;
        for (int count = 1; count <= 2; count++) {
            assertNotNull(consumer.receive(SLACK));
            // Taken before recover(): the broker's delay starts while recover() runs, before it returns.
            failed = System.currentTimeMillis();
            slowSession.recover();
        }
        Message third = consumer.receive(SLACK + 1_500);
        assertNotNull(third);
        long waited = System.currentTimeMillis() - failed;
        assertEquals(3, third.getIntProperty("JMSXDeliveryCount"));
        assertTrue(waited >= 1_500, "level 1 of slow is 1500ms, waited " + waited);
        third.acknowledge();
    }

    @Test
    void aDeadLetterThatFailsAgainStaysInItsDeadLetterQueue() throws Exception {
        Connection connection = connection(null);
        connection.start();
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        session.createProducer(session.createQueue("short")).send(session.createTextMessage("twice dead"));
        MessageConsumer consumer = session.createConsumer(session.createQueue("short"));
        for (int i = 0; i < 2; i++) {
            assertNotNull(consumer.receive(SLACK));
            session.recover();   // maxReconsumeTimes.short=1: dead after the 2nd failure
        }
        MessageConsumer dead = session.createConsumer(session.createQueue("DLQ.short"));
        List<Integer> counts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {   // DLQ.short has the broker's maxReconsumeTimes=3: one more than that
            Message letter = dead.receive(SLACK + LEVEL2);
            assertNotNull(letter, "delivery " + (i + 1) + " of the dead letter");
            counts.add(letter.getIntProperty("JMSXDeliveryCount"));
            session.recover();
        }
        assertEquals(List.of(1, 2, 3, 4, 5), counts);
        Message again = dead.receive(SLACK + LEVEL2);
        assertNotNull(again, "still in DLQ.short, backing off at the last level");
        again.acknowledge();
        assertNull(session.createConsumer(session.createQueue("DLQ.DLQ.short")).receive(300),
                "no dead-letter queue of a dead-letter queue");
    }

    @Test
    void aTopicSubscriptionRetriesAloneAndDeadLettersToItsOwnQueue() throws Exception {
        Connection connection = connection("app");
        connection.start();
        Session failing = connection.createSession(true, Session.SESSION_TRANSACTED);
        Session fine = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic news = fine.createTopic("news");
        MessageConsumer a = failing.createDurableConsumer(news, "a");
        MessageConsumer b = fine.createDurableConsumer(news, "b");
        MessageProducer producer = fine.createProducer(news);
        producer.send(fine.createTextMessage("headline"));

        Message toB = b.receive(SLACK);
        assertNotNull(toB);
        assertEquals(1, toB.getIntProperty("JMSXDeliveryCount"));
        List<Integer> counts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Message message = a.receive(SLACK + LEVEL2);
            assertNotNull(message, "delivery " + (i + 1) + " to a");
            counts.add(message.getIntProperty("JMSXDeliveryCount"));
            failing.rollback();
        }
        assertEquals(List.of(1, 2, 3, 4), counts);
        assertNull(a.receive(LEVEL2 * 2), "given up after maxReconsumeTimes");
        assertNull(b.receive(300), "the retry copies of a are not delivered to b");

        Message letter = fine.createConsumer(fine.createQueue("DLQ.app.a")).receive(SLACK);
        assertNotNull(letter, "DLQ.<clientId>.<subscription name>");
        assertEquals("headline", ((TextMessage) letter).getText());
        assertEquals("topic://news", letter.getStringProperty("JMS_Keel_OriginalDestination"));
        assertEquals(4, letter.getIntProperty("JMS_Keel_DeliveryCount"));
    }
}
