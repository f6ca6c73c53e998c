package io.keelmq.server.ha.controller;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.ha.StateFailoverTest;
import io.keelmq.server.testing.BrokerProcess;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18 with the controller: state outside the commit log survives an automatic failover. Three brokers in
 * controller mode (embedded controller peers); a queue and a durable subscription are consumed in part on the master;
 * the master is SIGKILLed; the slave the controller elects restarts in place to load its replicated copy and takes
 * over. The durable subscription is there, no acknowledged message comes again, every message delivered and not
 * acknowledged comes again marked JMSRedelivered, none is lost.
 */
class ControllerStateFailoverTest {
    private static final String QUEUE = "ctl-state-orders";
    private static final String TOPIC = "ctl-state-prices";
    private static final String CLIENT_ID = "ctl-state-audit";
    private static final String SUBSCRIPTION = "audit";
    private static final int SENT = 30;
    private static final int ACKED = 10;
    private static final int IN_FLIGHT = 5;

    @TempDir
    Path dir;

    @Test
    void anElectedSlaveKeepsTheDurableSubscriptionAndRedeliversNoAcknowledgedMessage() throws Exception {
        List<String> peers = ControllerRaftTest.freeAddresses(3);
        Map<String, BrokerProcess> brokers = new LinkedHashMap<>();
        try (ControllerClient controller = new ControllerClient("DefaultCluster", peers,
                ControllerFailoverTest.CALL_MILLIS)) {
            for (int i = 0; i < 3; i++) {
                String id = String.valueOf((char) ('a' + i));
                List<String> args = ControllerFailoverTest.brokerArgs(id, String.join(";", peers),
                        "--enableControllerInBroker=true", "--controllerSelfId=n" + i, "--haStateSyncInterval=100");
                brokers.put(id, BrokerProcess.start(dir.resolve(id), id, args.toArray(String[]::new)));
            }
            GroupView before = ControllerFailoverTest.awaitGroup(controller, 3, 90_000);
            String master = "keel://" + before.masterMember().clientAddress();
            Set<String> queueSent = new LinkedHashSet<>();
            Set<String> topicSent = new LinkedHashSet<>();
            List<String> queueAcked;
            List<String> topicAcked;
            List<String> queueInFlight;
            List<String> topicInFlight;
            Connection subscribing = new KeelConnectionFactory(master).createConnection();
            Connection working = new KeelConnectionFactory(master).createConnection();
            subscribing.setClientID(CLIENT_ID);
            Session subSession = subscribing.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer subscriber = subSession.createDurableSubscriber(subSession.createTopic(TOPIC),
                    SUBSCRIPTION);
            Session session = working.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            send(session, session.createQueue(QUEUE), queueSent);
            send(session, session.createTopic(TOPIC), topicSent);
            MessageConsumer queueConsumer = session.createConsumer(session.createQueue(QUEUE));
            subscribing.start();
            working.start();
            queueAcked = receive(queueConsumer, ACKED, true);
            topicAcked = receive(subscriber, ACKED, true);
            // Delivered and not acknowledged when the master dies: they may come again, marked redelivered.
            queueInFlight = receive(queueConsumer, IN_FLIGHT, false);
            topicInFlight = receive(subscriber, IN_FLIGHT, false);
            // Every slave's copy has the acknowledgements before the master dies (haStateSyncInterval).
            for (String id : brokers.keySet()) {
                if (!id.equals(before.master())) {
                    Path positions = dir.resolve(id).resolve("data/config/positions");
                    StateFailoverTest.awaitAcknowledged(positions, "queue/" + QUEUE, ACKED);
                }
            }
            brokers.get(before.master()).kill();
            closeQuietly(subscribing);
            closeQuietly(working);
            GroupView after = awaitNewMaster(controller, before.master());
            assertTrue(before.inSync().contains(after.master()), "an in-sync slave was elected: " + after);
            String promoted = "keel://" + after.masterMember().clientAddress();

            Map<String, Boolean> queueAfter = drainWithin(promoted, null, QUEUE);
            Map<String, Boolean> topicAfter = drainWithin(promoted, CLIENT_ID, TOPIC);
            check("queue", queueSent, queueAcked, queueInFlight, queueAfter);
            check("durable subscription", topicSent, topicAcked, topicInFlight, topicAfter);
        } catch (Throwable failure) {
            ControllerFailoverTest.printLogs(brokers);
            throw failure;
        } finally {
            for (BrokerProcess broker : brokers.values()) {
                broker.process().destroyForcibly();
            }
        }
    }

    private static void check(String what, Set<String> sent, List<String> acked, List<String> inFlight,
                              Map<String, Boolean> after) {
        List<String> ackedAgain = new ArrayList<>(acked);
        ackedAgain.retainAll(after.keySet());
        List<String> inFlightAsNew = inFlight.stream().filter(id -> Boolean.FALSE.equals(after.get(id))).toList();
        List<String> lost = new ArrayList<>(sent);
        lost.removeAll(acked);
        lost.removeAll(after.keySet());
        System.out.printf("controller state failover, %s: %d sent, %d acknowledged and %d delivered unacknowledged "
                + "before the kill; after: %d delivered (%d with JMSRedelivered), %d acknowledged ones again, %d "
                + "unacknowledged ones as new, %d lost%n", what, sent.size(), acked.size(), inFlight.size(),
                after.size(), after.values().stream().filter(Boolean::booleanValue).count(), ackedAgain.size(),
                inFlightAsNew.size(), lost.size());
        assertEquals(List.of(), ackedAgain, what + ": messages acknowledged on the old master came again");
        assertEquals(List.of(), inFlightAsNew, what + ": messages delivered by the old master came again as new");
        assertEquals(List.of(), lost, what + ": messages lost");
    }

    private static GroupView awaitNewMaster(ControllerClient controller, String oldMaster) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        GroupView view = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                view = controller.status(ControllerFailoverTest.GROUP).group();
                if (view.hasMaster() && !view.master().equals(oldMaster)) {
                    return view;
                }
            } catch (java.io.IOException e) {
                view = null;        // no controller leader at this moment
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no new master within 120 s; last view " + view);
    }

    private static void send(Session session, jakarta.jms.Destination destination, Set<String> ids)
            throws JMSException {
        MessageProducer producer = session.createProducer(destination);
        for (int i = 0; i < SENT; i++) {
            Message message = session.createTextMessage("m-" + i);
            producer.send(message);
            ids.add(message.getJMSMessageID());
        }
    }

    /** {@code count} messages; with {@code acknowledge}, acknowledged (CLIENT_ACKNOWLEDGE: all received so far). */
    private static List<String> receive(MessageConsumer consumer, int count, boolean acknowledge)
            throws JMSException {
        List<String> ids = new ArrayList<>();
        Message last = null;
        for (int i = 0; i < count; i++) {
            last = consumer.receive(10_000);
            assertTrue(last != null, "message " + i + " of " + count + " not received");
            ids.add(last.getJMSMessageID());
        }
        if (acknowledge) {
            last.acknowledge();
        }
        return ids;
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (JMSException | RuntimeException e) {
            // its broker was killed
        }
    }

    /**
     * Everything the new master delivers (message id -> JMSRedelivered), through a connection that may first meet
     * the broker restarting in place: retried within 60 s.
     */
    private static Map<String, Boolean> drainWithin(String url, String clientId, String name) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            Map<String, Boolean> got = new LinkedHashMap<>();
            try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
                if (clientId != null) {
                    connection.setClientID(clientId);
                }
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer;
                if (clientId != null) {
                    consumer = session.createDurableSubscriber(session.createTopic(name), SUBSCRIPTION);
                } else {
                    consumer = session.createConsumer(session.createQueue(name));
                }
                connection.start();
                Message message = consumer.receive(15_000);
                while (message != null) {
                    got.put(message.getJMSMessageID(), message.getJMSRedelivered());
                    message = consumer.receive(3_000);
                }
                assertNotEquals(0, got.size(), "nothing delivered from " + name);
                return got;
            } catch (JMSException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }
}
