package io.keelmq.server.ha;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.ha.HaTestSupport.Consumed;
import io.keelmq.server.testing.BrokerProcess;
import jakarta.jms.Connection;
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
                queue.acked.addAll(HaTestSupport.receive(queueConsumer, ACKED, true));
                queue.inFlight.addAll(HaTestSupport.receive(queueConsumer, IN_FLIGHT, false));
                durable.acked.addAll(HaTestSupport.receive(subscriber, ACKED, true));
                durable.inFlight.addAll(HaTestSupport.receive(subscriber, IN_FLIGHT, false));
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
            HaTestSupport.closeQuietly(subscribing);
            HaTestSupport.closeQuietly(consuming);
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
        queue.check("state failover, queue", queueSent);
        durable.check("state failover, durable subscription", topicSent);
    }

    private static void send(Connection connection, jakarta.jms.Destination destination, Set<String> ids)
            throws JMSException {
        HaTestSupport.send(connection.createSession(false, Session.AUTO_ACKNOWLEDGE), destination, SENT, ids);
    }

    private static void drain(MessageConsumer consumer, Consumed into) throws JMSException {
        into.delivered(HaTestSupport.drain(consumer, 3_000, 3_000));
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

}
