package io.keelmq.server.ha;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.testing.BrokerProcess;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18, state outside the commit log: a SYNC_MASTER and its slave as child processes; a queue and a durable
 * subscription are consumed in part (some acknowledged, some delivered and not acknowledged); the master is
 * SIGKILLed and the slave's data directory is started as a master (fixed roles: the operator's failover). The durable
 * subscription is there, no acknowledged message comes again, every delivered-unacknowledged one comes with
 * JMSRedelivered=true, none is lost, and messages sent to the new master are new.
 */
public class StateFailoverTest {
    private static final String QUEUE = "state-orders";
    private static final String TOPIC = "state-prices";
    private static final String DELAYED = "state-delayed";
    private static final String CLIENT_ID = "state-audit";
    private static final String SUBSCRIPTION = "audit";
    private static final int SENT = 40;
    private static final int ACKED = 15;
    private static final int IN_FLIGHT = 5;

    @TempDir
    Path dir;

    @Test
    void afterTheMasterIsSigkilledThePromotedSlaveKeepsTheDurableSubscriptionAndRedeliversNoAcknowledgedMessage()
            throws Exception {
        BrokerProcess master = BrokerProcess.start(dir.resolve("m"), "master", "--brokerRole=SYNC_MASTER",
                "--haStateSyncInterval=100");
        BrokerProcess slave = BrokerProcess.start(dir.resolve("s"), "slave", "--brokerRole=SLAVE",
                "--haMasterAddress=" + master.haAddress());
        BrokerProcess promoted = null;
        Consumed queue = new Consumed();
        Consumed durable = new Consumed();
        Set<String> queueSent = new LinkedHashSet<>();
        Set<String> topicSent = new LinkedHashSet<>();
        String dueLate;
        List<String> delayedAfter = new ArrayList<>();
        try {
            ReplicationTest.awaitInSync(master.url());
            Connection subscribing = new KeelConnectionFactory(master.url()).createConnection();
            subscribing.setClientID(CLIENT_ID);
            Connection consuming = new KeelConnectionFactory(master.url()).createConnection();
            try (Connection producing = new KeelConnectionFactory(master.url()).createConnection()) {
                Session subSession = subscribing.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                MessageConsumer subscriber = subSession.createDurableSubscriber(subSession.createTopic(TOPIC),
                        SUBSCRIPTION);
                Session queueSession = consuming.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                MessageConsumer queueConsumer = queueSession.createConsumer(queueSession.createQueue(QUEUE));
                send(producing, producing.createSession(false, Session.AUTO_ACKNOWLEDGE).createQueue(QUEUE), queueSent);
                send(producing, producing.createSession(false, Session.AUTO_ACKNOWLEDGE).createTopic(TOPIC), topicSent);
                subscribing.start();
                consuming.start();
                // Acknowledged, then delivered and left unacknowledged (CLIENT_ACKNOWLEDGE acknowledges what the
                // session received so far).
                queue.acked.addAll(receive(queueConsumer, ACKED, true));
                queue.inFlight.addAll(receive(queueConsumer, IN_FLIGHT, false));
                durable.acked.addAll(receive(subscriber, ACKED, true));
                durable.inFlight.addAll(receive(subscriber, IN_FLIGHT, false));
                // Delayed messages: one due, delivered and acknowledged before the failover, one due after it.
                Session delayedSession = producing.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer delayedProducer = delayedSession.createProducer(delayedSession.createQueue(DELAYED));
                MessageConsumer delayedConsumer = delayedSession.createConsumer(delayedSession.createQueue(DELAYED));
                producing.start();
                delayedProducer.setDeliveryDelay(300);
                Message early = delayedSession.createTextMessage("due before the failover");
                delayedProducer.send(early);
                delayedProducer.setDeliveryDelay(4_000);
                Message late = delayedSession.createTextMessage("due after the failover");
                delayedProducer.send(late);
                dueLate = late.getJMSMessageID();
                Message got = delayedConsumer.receive(10_000);
                assertNotNull(got, "the early delayed message is delivered by the master");
                assertEquals(early.getJMSMessageID(), got.getJMSMessageID());
            }
            // The acknowledgements reach the slave's own files within haStateSyncInterval (plus a round trip).
            Path slavePositions = dir.resolve("s/data/config/positions");
            awaitAcknowledged(slavePositions, "queue/" + QUEUE, ACKED);
            awaitAcknowledged(slavePositions, durableKey(), ACKED);
            awaitAcknowledged(slavePositions, "queue/" + DELAYED, 1);
            master.kill();
            closeQuietly(subscribing);
            closeQuietly(consuming);
            assertEquals(0, slave.stop());
            slave = null;
            promoted = BrokerProcess.start(dir.resolve("s"), "promoted");

            Set<String> newOnTopic = new LinkedHashSet<>();
            try (Connection connection = new KeelConnectionFactory(promoted.url()).createConnection()) {
                connection.setClientID(CLIENT_ID);
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer subscriber = session.createDurableSubscriber(session.createTopic(TOPIC), SUBSCRIPTION);
                MessageConsumer queueConsumer = session.createConsumer(session.createQueue(QUEUE));
                MessageConsumer delayedConsumer = session.createConsumer(session.createQueue(DELAYED));
                connection.start();
                Message due = delayedConsumer.receive(30_000);
                assertNotNull(due, "the delayed message due after the failover is delivered by the new master");
                delayedAfter.add(due.getJMSMessageID());
                while ((due = delayedConsumer.receive(2_000)) != null) {
                    delayedAfter.add(due.getJMSMessageID());
                }
                drain(queueConsumer, queue);
                drain(subscriber, durable);
                // A message stored by the new master is new, not a redelivery.
                try (Connection producing = new KeelConnectionFactory(promoted.url()).createConnection()) {
                    send(producing, producing.createSession(false, Session.AUTO_ACKNOWLEDGE).createTopic(TOPIC),
                            newOnTopic);
                }
                Consumed afterPromotion = new Consumed();
                drain(subscriber, afterPromotion);
                assertEquals(Set.of(), afterPromotion.redelivered, "a message sent to the new master is new");
                assertEquals(newOnTopic, afterPromotion.fresh, "messages sent to the new master reach the durable "
                        + "subscription");
            }
        } finally {
            master.process().destroyForcibly();
            if (slave != null) {
                slave.process().destroyForcibly();
            }
            if (promoted != null) {
                promoted.stop();
            }
        }
        assertEquals(List.of(dueLate), delayedAfter, "the new master's timer delivers the late delayed message once "
                + "and the early one, delivered and acknowledged before the failover, not again");
        queue.check("queue", queueSent);
        durable.check("durable subscription", topicSent);
    }

    /** What one subscription saw before the failover and after it. */
    private static final class Consumed {
        final Set<String> acked = new LinkedHashSet<>();
        final Set<String> inFlight = new LinkedHashSet<>();
        /** After the failover: delivered without, and with, JMSRedelivered. */
        final Set<String> fresh = new LinkedHashSet<>();
        final Set<String> redelivered = new LinkedHashSet<>();

        void check(String what, Set<String> sent) {
            List<String> ackedAgain = new ArrayList<>(acked);
            ackedAgain.retainAll(union(fresh, redelivered));
            List<String> inFlightAsNew = new ArrayList<>(inFlight);
            inFlightAsNew.retainAll(fresh);
            List<String> lost = new ArrayList<>(sent);
            lost.removeAll(acked);
            lost.removeAll(union(fresh, redelivered));
            System.out.printf("state failover, %s: %d sent, %d acknowledged before the kill, %d delivered "
                    + "unacknowledged; after: %d delivered as new, %d with JMSRedelivered, %d acknowledged ones "
                    + "again, %d lost%n", what, sent.size(), acked.size(), inFlight.size(), fresh.size(),
                    redelivered.size(), ackedAgain.size(), lost.size());
            assertEquals(List.of(), ackedAgain, what + ": acknowledged (and replicated) messages delivered again");
            assertEquals(List.of(), inFlightAsNew, what + ": messages delivered before the failover came as new");
            assertEquals(List.of(), lost, what + ": messages lost");
            assertTrue(redelivered.containsAll(inFlight), what + ": the unacknowledged deliveries came again, marked");
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static void send(Connection connection, jakarta.jms.Destination destination, Set<String> ids)
            throws JMSException {
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(destination);
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        for (int i = 0; i < SENT; i++) {
            Message message = session.createTextMessage("m-" + i);
            producer.send(message);         // SEND_OK: the slave has it
            ids.add(message.getJMSMessageID());
        }
    }

    private static List<String> receive(MessageConsumer consumer, int count, boolean acknowledge)
            throws JMSException {
        List<String> ids = new ArrayList<>();
        Message last = null;
        for (int i = 0; i < count; i++) {
            last = consumer.receive(10_000);
            assertNotNull(last, "message " + i + " of " + count);
            ids.add(last.getJMSMessageID());
        }
        if (acknowledge) {
            last.acknowledge();
        }
        return ids;
    }

    private static void drain(MessageConsumer consumer, Consumed into) throws JMSException {
        Message message;
        while ((message = consumer.receive(3_000)) != null) {
            (message.getJMSRedelivered() ? into.redelivered : into.fresh).add(message.getJMSMessageID());
        }
    }

    private static String durableKey() {
        return "durable:" + CLIENT_ID.length() + ":" + CLIENT_ID + SUBSCRIPTION.length() + ":" + SUBSCRIPTION;
    }

    /**
     * Waits (bounded) until the slave's positions file counts {@code count} acknowledged messages of
     * {@code subscription} (each partition's low watermark, from 0, plus its acknowledged offsets above it).
     */
    public static void awaitAcknowledged(Path positions, String subscription, int count) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        long acked = -1;
        while (System.currentTimeMillis() < deadline) {
            acked = acknowledgedIn(positions, subscription);
            if (acked == count) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the slave's positions count " + acked + " acknowledged messages of " + subscription
                + ", not " + count);
    }

    private static long acknowledgedIn(Path positions, String subscription) throws Exception {
        if (!Files.exists(positions)) {
            return -1;
        }
        long acked = 0;
        for (String line : Files.readAllLines(positions, StandardCharsets.UTF_8)) {
            String[] fields = line.split(" ");
            if (line.startsWith("#") || fields.length < 5
                    || !URLDecoder.decode(fields[0], StandardCharsets.UTF_8).equals(subscription)) {
                continue;
            }
            acked += Long.parseLong(fields[3]) + (fields[4].equals("-") ? 0 : fields[4].split(",").length);
        }
        return acked;
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (JMSException | RuntimeException e) {
            // its broker is dead
        }
    }
}
