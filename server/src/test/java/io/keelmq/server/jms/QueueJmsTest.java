package io.keelmq.server.jms;

import io.keelmq.jms.KeelConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.InvalidSelectorRuntimeException;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Queues through the JMS API: competing consumers, order of one session's messages, selectors. */
class QueueJmsTest extends JmsTestBase {

    @Test
    void competingConsumersShareTheQueueEachMessageExactlyOnce() throws Exception {
        int count = 150;
        KeelConnectionFactory factory = factory();
        // A small prefetch window, so one consumer cannot take the whole queue before the others ask.
        factory.setPullThresholdForQueue(5);
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        List<Set<String>> perConsumer = new ArrayList<>();
        CountDownLatch all = new CountDownLatch(count);
        for (int c = 0; c < 3; c++) {
            Set<String> mine = ConcurrentHashMap.newKeySet();
            perConsumer.add(mine);
            Connection connection = track(factory.createConnection());
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createConsumer(session.createQueue("work")).setMessageListener(message -> {
                try {
                    String text = ((TextMessage) message).getText();
                    mine.add(text);
                    deliveries.computeIfAbsent(text, t -> new AtomicInteger()).incrementAndGet();
                    Thread.sleep(1); // some work, so the consumers really compete
                    all.countDown();
                } catch (JMSException | InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            connection.start();
        }
        Set<String> sent = new HashSet<>();
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("work"));
            for (int i = 0; i < count; i++) {
                producer.send(session.createTextMessage("m" + i));
                sent.add("m" + i);
            }
        }
        assertTrue(all.await(30, TimeUnit.SECONDS), "all delivered; missing " + (all.getCount()));
        Thread.sleep(300); // a duplicate would arrive now
        assertEquals(sent, deliveries.keySet());
        deliveries.forEach((text, n) -> assertEquals(1, n.get(), text + " delivered " + n + " times"));
        for (int c = 0; c < 3; c++) {
            assertTrue(!perConsumer.get(c).isEmpty(), "consumer " + c + " received none of " + count);
        }
    }

    /**
     * Acknowledgements of competing consumers that arrive together are combined (one thread applies the others'):
     * each receive()'s acknowledgement still holds, so after the consumers close, and after a restart, none of the
     * messages comes back.
     */
    @Test
    void concurrentAcknowledgementsAllHoldAfterCloseAndRestart() throws Exception {
        int count = 2_000;
        try (Connection connection = factory().createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue("acks"));
            for (int i = 0; i < count; i++) {
                producer.send(session.createTextMessage("m" + i));
                if (i % 200 == 199) {
                    session.commit();
                }
            }
        }
        Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            Connection connection = track(factory().createConnection());
            threads.add(new Thread(() -> {
                try {
                    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageConsumer consumer = session.createConsumer(session.createQueue("acks"));
                    connection.start();
                    for (Message m : drain(consumer, 500)) {
                        received.computeIfAbsent(((TextMessage) m).getText(), t -> new AtomicInteger()).incrementAndGet();
                    }
                    consumer.close();
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(60_000);
        }
        assertEquals(List.of(), failures);
        assertEquals(count, received.size());
        received.forEach((text, n) -> assertEquals(1, n.get(), text + " received " + n + " times"));

        restartBroker();
        Connection connection = connection(null);
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue("acks"));
        connection.start();
        assertNull(consumer.receive(500), "an acknowledged message came back after the restart");
    }

    @Test
    void oneSessionsMessagesArriveInSendOrder() throws Exception {
        int perProducer = 100;
        Connection connection = connection(null);
        Session first = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session second = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = first.createQueue("ordered");
        MessageProducer a = first.createProducer(queue);
        MessageProducer b = second.createProducer(queue);
        b.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        // Interleaved, so the broker sees both sessions at once; order holds per session (spec 6.2.9).
        for (int i = 0; i < perProducer; i++) {
            a.send(sequenced(first, "a", i));
            b.send(sequenced(second, "b", i));
        }
        Session consuming = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = consuming.createConsumer(queue);
        connection.start();
        Map<String, List<Integer>> seen = new HashMap<>();
        for (int i = 0; i < 2 * perProducer; i++) {
            Message message = consumer.receive(10_000);
            assertTrue(message != null, "message " + i + " of " + 2 * perProducer);
            seen.computeIfAbsent(message.getStringProperty("producer"), p -> new ArrayList<>())
                    .add(message.getIntProperty("seq"));
        }
        assertNull(consumer.receive(200));
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < perProducer; i++) {
            expected.add(i);
        }
        assertEquals(expected, seen.get("a"));
        assertEquals(expected, seen.get("b"));
    }

    private static Message sequenced(Session session, String producer, int seq) throws JMSException {
        Message message = session.createMessage();
        message.setStringProperty("producer", producer);
        message.setIntProperty("seq", seq);
        return message;
    }

    @Test
    void selectorsPickTheirMessagesAndLeaveTheRestOnTheQueue() throws Exception {
        Connection connection = connection(null);
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("colours");
        MessageConsumer red = session.createConsumer(queue, "colour = 'red' AND weight > 2");
        Session other = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer blue = other.createConsumer(queue, "colour IN ('blue') OR JMSPriority = 9");
        MessageProducer producer = session.createProducer(queue);
        for (int i = 0; i < 30; i++) {
            Message message = session.createMessage();
            message.setStringProperty("colour", i % 3 == 0 ? "red" : i % 3 == 1 ? "blue" : "green");
            message.setIntProperty("weight", i);
            message.setIntProperty("n", i);
            producer.send(message);
        }
        connection.start();
        List<Integer> reds = numbers(drain(red, 500));
        List<Integer> blues = numbers(drain(blue, 500));
        assertEquals(List.of(3, 6, 9, 12, 15, 18, 21, 24, 27), reds); // red and weight > 2: 0 stays
        assertEquals(List.of(1, 4, 7, 10, 13, 16, 19, 22, 25, 28), blues);
        red.close();
        blue.close();
        MessageConsumer rest = session.createConsumer(queue);
        List<Integer> left = numbers(drain(rest, 500));
        assertEquals(List.of(0, 2, 5, 8, 11, 14, 17, 20, 23, 26, 29), left.stream().sorted().toList());
    }

    private static List<Integer> numbers(List<Message> messages) throws JMSException {
        List<Integer> numbers = new ArrayList<>();
        for (Message message : messages) {
            numbers.add(message.getIntProperty("n"));
        }
        return numbers;
    }

    @Test
    void browsingShowsWithoutConsumingAndAnUnusedQueueIsEmpty() throws Exception {
        Connection connection = connection(null);
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertFalse(session.createBrowser(session.createQueue("nothing-sent-yet")).getEnumeration().hasMoreElements());
        Queue queue = session.createQueue("browsed");
        MessageProducer producer = session.createProducer(queue);
        for (int i = 0; i < 5; i++) {
            producer.send(session.createTextMessage("b" + i));
        }
        List<String> seen = new ArrayList<>();
        Enumeration<?> messages = session.createBrowser(queue).getEnumeration();
        while (messages.hasMoreElements()) {
            seen.add(((TextMessage) messages.nextElement()).getText());
        }
        assertEquals(List.of("b0", "b1", "b2", "b3", "b4"), seen);
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        assertEquals(5, drain(consumer, 500).size(), "browsing consumed nothing");
    }

    @Test
    void invalidSelectorsAreRefusedAtCreation() throws Exception {
        Connection connection = connection("selector-client");
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThrows(InvalidSelectorException.class,
                () -> session.createConsumer(session.createQueue("q"), "colour = "));
        assertThrows(InvalidSelectorException.class,
                () -> session.createConsumer(session.createTopic("t"), "x LIKE 5"));
        assertThrows(InvalidSelectorException.class,
                () -> session.createDurableSubscriber(session.createTopic("t"), "d", "a >< b", false));
        assertThrows(InvalidSelectorException.class,
                () -> session.createBrowser(session.createQueue("q"), "JMSBogus = 1 AND"));
        try (JMSContext context = factory().createContext()) {
            assertThrows(InvalidSelectorRuntimeException.class,
                    () -> context.createConsumer(context.createQueue("q"), "(a = 1"));
        }
        // The session is still usable after the refusals.
        MessageConsumer fine = session.createConsumer(session.createQueue("q"), "a = 1");
        session.createProducer(session.createQueue("q")).send(session.createTextMessage("x"));
        connection.start();
        assertNull(fine.receive(200));
    }
}
