package io.keelmq.server.ha.controller;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.ha.HaTestSupport;
import io.keelmq.server.ha.HaTestSupport.Consumed;
import io.keelmq.server.ha.StateFailoverTest;
import io.keelmq.server.testing.BrokerProcess;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
            Consumed queue = new Consumed();
            Consumed durable = new Consumed();
            Connection subscribing = new KeelConnectionFactory(master).createConnection();
            Connection working = new KeelConnectionFactory(master).createConnection();
            subscribing.setClientID(CLIENT_ID);
            Session subSession = subscribing.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer subscriber = subSession.createDurableSubscriber(subSession.createTopic(TOPIC),
                    SUBSCRIPTION);
            Session session = working.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            HaTestSupport.send(session, session.createQueue(QUEUE), SENT, queueSent);
            HaTestSupport.send(session, session.createTopic(TOPIC), SENT, topicSent);
            MessageConsumer queueConsumer = session.createConsumer(session.createQueue(QUEUE));
            subscribing.start();
            working.start();
            queue.acked.addAll(HaTestSupport.receive(queueConsumer, ACKED, true));
            durable.acked.addAll(HaTestSupport.receive(subscriber, ACKED, true));
            // Delivered and not acknowledged when the master dies: they may come again, marked redelivered.
            queue.inFlight.addAll(HaTestSupport.receive(queueConsumer, IN_FLIGHT, false));
            durable.inFlight.addAll(HaTestSupport.receive(subscriber, IN_FLIGHT, false));
            // Every slave's copy has the acknowledgements before the master dies (haStateSyncInterval).
            for (String id : brokers.keySet()) {
                if (!id.equals(before.master())) {
                    Path positions = dir.resolve(id).resolve("data/config/positions");
                    StateFailoverTest.awaitAcknowledged(positions, "queue/" + QUEUE, ACKED);
                }
            }
            brokers.get(before.master()).kill();
            HaTestSupport.closeQuietly(subscribing);
            HaTestSupport.closeQuietly(working);
            GroupView after = ControllerFailoverTest.awaitNewMaster(controller, before.master(), 120_000);
            assertTrue(before.inSync().contains(after.master()), "an in-sync slave was elected: " + after);
            String promoted = "keel://" + after.masterMember().clientAddress();

            queue.delivered(drainWithin(promoted, null, QUEUE));
            durable.delivered(drainWithin(promoted, CLIENT_ID, TOPIC));
            queue.check("controller state failover, queue", queueSent);
            durable.check("controller state failover, durable subscription", topicSent);
        } catch (Throwable failure) {
            ControllerFailoverTest.printLogs(brokers);
            throw failure;
        } finally {
            for (BrokerProcess broker : brokers.values()) {
                broker.process().destroyForcibly();
            }
        }
    }

    /** Everything the new master delivers (message id -> JMSRedelivered); it may be restarting in place. */
    private static Map<String, Boolean> drainWithin(String url, String clientId, String name) throws Exception {
        Map<String, Boolean> got = HaTestSupport.drainWithin(url, clientId, SUBSCRIPTION, name, 15_000, 3_000);
        assertNotEquals(0, got.size(), "nothing delivered from " + name);
        return got;
    }
}
