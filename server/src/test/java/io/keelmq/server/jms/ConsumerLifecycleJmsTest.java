package io.keelmq.server.jms;

import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.config.DelayLevels;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A consumer's pulls racing the requests that end or rewind it: recover(), close() and
 * receiveNoWait() while messages keep arriving. Whatever the interleaving, no message may
 * be lost in flight (delivered by the broker but dropped by the client) or delivered twice
 * as new.
 */
class ConsumerLifecycleJmsTest extends JmsTestBase {
    private static final int COUNT = 400;

    /**
     * The recover test rewinds every fourth message it receives, so a message can be redelivered several times, and
     * under the default backoff (10 s, 30 s, 1 m, ...) its third redelivery comes after the test's 60 s deadline
     * (seen once sends got faster). One-second levels keep every redelivery inside it: what these tests check is
     * that nothing is lost or duplicated, not the backoff, which RedeliveryLevelsJmsTest covers.
     */
    @Override
    BrokerConfig.Builder brokerConfig() {
        return super.brokerConfig().set(ConfigKeys.REDELIVERY_DELAY_LEVELS, DelayLevels.parse("1s"));
    }

    @Test
    void recoverWhileMessagesArriveLosesNothing() throws Exception {
        Connection connection = connection(null);
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue("recover-race"));
        connection.start();
        Producer producer = Producer.start(this, "recover-race");
        Set<String> acknowledged = new HashSet<>();
        Set<String> sinceAck = new HashSet<>();
        long deadline = System.currentTimeMillis() + 60_000;
        int n = 0;
        while (acknowledged.size() < COUNT && System.currentTimeMillis() < deadline) {
            Message message = consumer.receive(100);
            if (message == null) {
                continue;
            }
            String id = message.getJMSMessageID();
            assertTrue(!acknowledged.contains(id), id + " delivered again after it was acknowledged");
            sinceAck.add(id);
            if (++n % 4 == 0) {
                session.recover(); // rewinds every message since the last acknowledge
                sinceAck.clear();
            } else {
                message.acknowledge();
                acknowledged.addAll(sinceAck);
                sinceAck.clear();
            }
        }
        producer.joinChecked();
        assertSameIds(producer.sent, acknowledged, "acknowledged");
    }

    @Test
    void closingConsumersWhileMessagesArriveLeavesNothingStranded() throws Exception {
        Connection connection = connection(null);
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("close-race");
        connection.start();
        Producer producer = Producer.start(this, "close-race");
        Set<String> received = new HashSet<>();
        long deadline = System.currentTimeMillis() + 60_000;
        // A short-lived consumer after another on one session, as request/reply code often does.
        while (received.size() < COUNT && System.currentTimeMillis() < deadline) {
            MessageConsumer consumer = session.createConsumer(queue);
            for (int i = 0; i < 3; i++) {
                Message message = consumer.receive(100);
                if (message != null) {
                    assertTrue(received.add(message.getJMSMessageID()), "twice: " + message.getJMSMessageID());
                }
            }
            consumer.close();
        }
        producer.joinChecked();
        assertSameIds(producer.sent, received, "received by one of the short-lived consumers");
    }

    @Test
    void receiveNoWaitBesideTheLongPollLosesNothing() throws Exception {
        Connection connection = connection(null);
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue("nowait"));
        connection.start();
        Producer producer = Producer.start(this, "nowait");
        Set<String> received = new HashSet<>();
        long deadline = System.currentTimeMillis() + 60_000;
        while (received.size() < COUNT && System.currentTimeMillis() < deadline) {
            Message message = consumer.receiveNoWait();
            if (message == null) {
                Thread.sleep(1);
            } else {
                assertTrue(received.add(message.getJMSMessageID()), "twice: " + message.getJMSMessageID());
            }
        }
        producer.joinChecked();
        assertSameIds(producer.sent, received, "received with receiveNoWait");
        assertNull(consumer.receive(200));
    }

    /** Set equality, reported as what is missing and what is extra rather than two long sets. */
    private static void assertSameIds(Set<String> sent, Set<String> got, String what) {
        Set<String> missing = new TreeSet<>(sent);
        missing.removeAll(got);
        Set<String> extra = new TreeSet<>(got);
        extra.removeAll(sent);
        assertTrue(missing.isEmpty() && extra.isEmpty(), sent.size() + " sent, " + got.size() + " " + what
                + "; missing " + missing.size() + " " + first(missing) + ", unexpected " + extra.size() + " "
                + first(extra));
    }

    private static String first(Set<String> ids) {
        return ids.stream().limit(5).toList().toString();
    }

    /** Sends COUNT messages on its own connection, a few at a time, while the test consumes. */
    private static final class Producer extends Thread {
        final Set<String> sent = ConcurrentHashMap.newKeySet();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Connection connection;
        private final String queue;

        private Producer(Connection connection, String queue) {
            super("producer-" + queue);
            this.connection = connection;
            this.queue = queue;
        }

        static Producer start(JmsTestBase test, String queue) throws JMSException {
            Producer producer = new Producer(test.connection(null), queue);
            producer.start();
            return producer;
        }

        @Override
        public void run() {
            try {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(queue));
                for (int i = 0; i < COUNT; i++) {
                    Message message = session.createTextMessage("m" + i);
                    producer.send(message);
                    sent.add(message.getJMSMessageID());
                    if (i % 5 == 0) {
                        Thread.sleep(1);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }

        void joinChecked() throws InterruptedException {
            super.join(60_000);
            assertNull(failure.get(), "the producer failed");
        }
    }
}
