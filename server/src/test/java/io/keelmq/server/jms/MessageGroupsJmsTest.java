package io.keelmq.server.jms;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ordered message groups (JMSXGroupID): a group is consumed in send order by one consumer at a time, across listener
 * failures and consumers joining and leaving; a failed group pauses, then resumes with the failed message; a
 * single-partition destination keeps one global order.
 */
class MessageGroupsJmsTest extends JmsTestBase {
    private volatile long pauseMillis = 50;

    @Override
    BrokerConfig.Builder brokerConfig() {
        return super.brokerConfig()
                .set(ConfigKeys.SUSPEND_CURRENT_QUEUE_TIME_MILLIS, pauseMillis)
                .set(ConfigKeys.SINGLE_PARTITION_DESTINATIONS, List.of("fifo.*"));
    }

    /** Sends {@code perGroup} messages to each group, interleaved across groups; property "seq" counts from 1. */
    private void sendGroups(String queue, List<String> groups, int perGroup) throws JMSException {
        Connection connection = connection(null);
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(session.createQueue(queue));
        for (int seq = 1; seq <= perGroup; seq++) {
            for (String group : groups) {
                TextMessage message = session.createTextMessage(group + "-" + seq);
                message.setStringProperty("JMSXGroupID", group);
                message.setIntProperty("seq", seq);
                producer.send(message);
            }
        }
        connection.close();
    }

    /** Consumers that prefetch a few messages each, so that several of them hold messages at the same time. */
    private KeelConnectionFactory smallPrefetch() throws JMSException {
        KeelConnectionFactory factory = factory();
        factory.setPullThresholdForQueue(4);
        return factory;
    }

    private static List<String> groupNames(int count) {
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            groups.add("group-" + i);
        }
        return groups;
    }

    /**
     * Per group, what was processed, checked as it happens: every message handed to the application is the next
     * unprocessed one of its group, or (flagged redelivered) one already processed; processed messages go 1..N.
     */
    private static final class GroupOrder {
        private final Map<String, Integer> processed = new HashMap<>();
        /** The first few messages out of order (enough to see what went wrong). */
        private final List<String> violations = new CopyOnWriteArrayList<>();
        private final AtomicInteger done = new AtomicInteger();

        /** The application got {@code message}; returns whether it is the next one of its group. */
        synchronized boolean received(Message message) throws JMSException {
            String group = message.getStringProperty("JMSXGroupID");
            int seq = message.getIntProperty("seq");
            int last = processed.getOrDefault(group, 0);
            if (seq == last + 1) {
                return true;
            }
            if ((seq > last + 1 || !message.getJMSRedelivered()) && violations.size() < 10) {
                violations.add(group + ": got " + seq + " (redelivered=" + message.getJMSRedelivered()
                        + ") after processing " + last);
            }
            return false;
        }

        synchronized void processed(Message message) throws JMSException {
            processed.put(message.getStringProperty("JMSXGroupID"), message.getIntProperty("seq"));
            done.incrementAndGet();
        }

        synchronized Map<String, Integer> lastProcessed() {
            return new HashMap<>(processed);
        }
    }

    @Test
    void aGroupStaysInOrderWhenItsListenerFailsEveryThirdMessage() throws Exception {
        List<String> groups = groupNames(4);
        int perGroup = 30;
        sendGroups("flaky", groups, perGroup);
        GroupOrder order = new GroupOrder();
        AtomicInteger firstDeliveries = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(groups.size() * perGroup);
        Connection connection = track(smallPrefetch().createConnection());
        for (int c = 0; c < 2; c++) { // two competing consumers, so ownership matters too
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createConsumer(session.createQueue("flaky")).setMessageListener(message -> {
                try {
                    boolean next = order.received(message);
                    if (!message.getJMSRedelivered() && firstDeliveries.incrementAndGet() % 3 == 0) {
                        failures.incrementAndGet();
                        throw new RuntimeException("failing every third first delivery");
                    }
                    if (next) {
                        order.processed(message);
                        all.countDown();
                    }
                } catch (JMSException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        connection.start();
        assertTrue(all.await(15, TimeUnit.SECONDS), "processed " + order.done.get());
        assertEquals(List.of(), order.violations);
        assertTrue(failures.get() >= groups.size() * perGroup / 6, "the listener failed only " + failures.get()
                + " times");
        for (String group : groups) {
            assertEquals(perGroup, order.lastProcessed().get(group), group);
        }
    }

    @Test
    void groupsStayInOrderWhileConsumersJoinAndLeave() throws Exception {
        List<String> groups = groupNames(6);
        int perGroup = 60;
        sendGroups("churn", groups, perGroup);
        GroupOrder order = new GroupOrder();
        int total = groups.size() * perGroup;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        ExecutorService workers = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int worker = w;
                results.add(workers.submit(() -> {
                    int generations = 0;
                    while (order.done.get() < total && System.nanoTime() < deadline) {
                        generations++;
                        // Each generation is a new consumer that takes a few messages and leaves, in one of three ways.
                        Connection connection = smallPrefetch().createConnection();
                        // CLIENT_ACKNOWLEDGE, acknowledged once recorded: under AUTO_ACKNOWLEDGE receive() acknowledges
                        // before this thread records the message, so the other worker could legitimately get the
                        // group's next message and record it first.
                        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                        MessageConsumer consumer = session.createConsumer(session.createQueue("churn"));
                        connection.start();
                        int take = 5 + (generations * 7 + worker * 3) % 20;
                        for (int i = 0; i < take; i++) {
                            Message message = consumer.receive(200);
                            if (message == null) {
                                break;
                            }
                            if (order.received(message)) {
                                order.processed(message);
                            }
                            message.acknowledge();
                        }
                        switch (generations % 3) {
                            case 0 -> consumer.close();
                            case 1 -> session.close();
                            default -> { }
                        }
                        connection.close();
                    }
                    return generations;
                }));
            }
            int generations = 0;
            for (Future<Integer> result : results) {
                generations += result.get(20, TimeUnit.SECONDS);
            }
            assertTrue(generations >= 6, "consumers came and went " + generations + " times");
        } finally {
            workers.shutdownNow();
        }
        assertEquals(List.of(), order.violations);
        for (String group : groups) {
            assertEquals(perGroup, order.lastProcessed().get(group), group);
        }
    }

    @Test
    void oneConsumerOwnsAGroupWhileItHoldsAMessageOfIt() throws Exception {
        KeelConnectionFactory factory = factory();
        factory.setPullThresholdForQueue(1);
        Connection connection = track(factory.createConnection());
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("owned");
        MessageProducer producer = session.createProducer(queue);
        for (int seq = 1; seq <= 3; seq++) {
            TextMessage message = session.createTextMessage("g" + seq);
            message.setStringProperty("JMSXGroupID", "G");
            message.setIntProperty("seq", seq);
            producer.send(message);
        }

        Session ownerSession = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer owner = ownerSession.createConsumer(queue);
        connection.start();
        Message first = owner.receive(2_000);
        assertNotNull(first);
        assertEquals("g1", ((TextMessage) first).getText());
        Thread.sleep(200); // the owner's one-message prefetch refills with g2 before anything else is there
        producer.send(session.createTextMessage("other"));

        Session otherSession = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer other = otherSession.createConsumer(queue);
        List<String> seenByOther = new ArrayList<>();
        for (Message m : drain(other, 500)) {
            seenByOther.add(((TextMessage) m).getText());
        }
        assertEquals(List.of("other"), seenByOther, "none of G while g1 is unacknowledged at its owner");

        first.acknowledge();
        owner.close(); // g2, prefetched by the owner, goes back unseen: the group moves on at once
        List<String> rest = new ArrayList<>();
        for (Message m : drain(other, 500)) {
            rest.add(((TextMessage) m).getText());
        }
        assertEquals(List.of("g2", "g3"), rest);
    }

    @Test
    void aFailedGroupPausesThenResumesWithTheSameMessage() throws Exception {
        restartWithPause(1_000);
        Connection connection = connection(null);
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue("paused");
        MessageProducer producer = session.createProducer(queue);
        for (int seq = 1; seq <= 2; seq++) {
            TextMessage message = session.createTextMessage("g" + seq);
            message.setStringProperty("JMSXGroupID", "G");
            producer.send(message);
        }
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        Message g1 = consumer.receive(2_000);
        assertEquals("g1", ((TextMessage) g1).getText());
        long recovered = System.nanoTime();
        session.recover();
        producer.send(session.createTextMessage("ungrouped"));
        Message next = consumer.receive(2_000);
        assertEquals("ungrouped", ((TextMessage) next).getText(), "other messages flow while G pauses");
        Message again = consumer.receive(3_000);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recovered);
        assertEquals("g1", ((TextMessage) again).getText(), "the group resumes with the failed message");
        assertTrue(again.getJMSRedelivered());
        assertTrue(waited >= 900, "G paused for " + waited + " ms; suspendCurrentQueueTimeMillis is 1000");
        assertEquals("g2", ((TextMessage) consumer.receive(2_000)).getText());
        again.acknowledge();
        assertNull(consumer.receive(200));
    }

    @Test
    void thePrefetchBufferKeepsAGroupsOrderOverPriority() throws Exception {
        Connection connection = connection(null);
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("buffered");
        MessageProducer producer = session.createProducer(queue);
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        TextMessage low = session.createTextMessage("g1");
        low.setStringProperty("JMSXGroupID", "G");
        producer.send(low, jakarta.jms.DeliveryMode.PERSISTENT, 1, 0);
        Thread.sleep(300); // g1 reaches the consumer's prefetch buffer alone
        TextMessage high = session.createTextMessage("g2");
        high.setStringProperty("JMSXGroupID", "G");
        producer.send(high, jakarta.jms.DeliveryMode.PERSISTENT, 9, 0);
        producer.send(session.createTextMessage("ungrouped"), jakarta.jms.DeliveryMode.PERSISTENT, 5, 0);
        Thread.sleep(300); // and the others in a later PULL answer
        List<String> texts = new ArrayList<>();
        for (Message m : drain(consumer, 300)) {
            texts.add(((TextMessage) m).getText());
        }
        // g2 (priority 9) may pass the ungrouped message (5) but not g1 of its own group.
        assertEquals(List.of("g1", "g2", "ungrouped"), texts);
    }

    @Test
    void aSinglePartitionDestinationKeepsOneOrderAcrossSessions() throws Exception {
        List<MessageProducer> producers = new ArrayList<>();
        List<Session> sessions = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            Connection connection = connection(null);
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            sessions.add(session);
            producers.add(session.createProducer(session.createQueue("fifo.orders")));
        }
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int s = (i * 7) % 3;
            String text = "s" + s + "-" + i;
            producers.get(s).send(sessions.get(s).createTextMessage(text));
            sent.add(text);
        }
        Connection connection = connection(null);
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue("fifo.orders"));
        connection.start();
        List<String> received = new ArrayList<>();
        for (Message m : drain(consumer, 500)) {
            received.add(((TextMessage) m).getText());
        }
        assertEquals(sent, received);
    }

    /** Restarts the broker with another suspendCurrentQueueTimeMillis. */
    private void restartWithPause(long millis) throws Exception {
        pauseMillis = millis;
        restartBroker();
    }
}
