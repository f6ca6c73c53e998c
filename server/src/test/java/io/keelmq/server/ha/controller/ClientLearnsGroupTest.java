package io.keelmq.server.ha.controller;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.SendStatusException;
import io.keelmq.server.testing.BrokerProcess;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client whose URL names only the master of a three-broker group (controller embedded, child JVMs on 127.0.0.1)
 * learns the group's other brokers from the master's HANDSHAKE answer ({@code groupBrokers}); when that master is
 * SIGKILLed under load, it finds the master the controller elects among them, and its producer and its consumer
 * (each on a connection of its own) go on: the application sees no exception, the consumer receives every SEND_OK
 * message, and a message it receives twice (acknowledged on the old master less than a position sync before the kill,
 * or in flight) comes the second time with {@code JMSRedelivered}, never as new. Issue 18's case 1 with the client's
 * own failover.
 */
class ClientLearnsGroupTest {
    private static final String QUEUE = "learned-group";

    @TempDir
    Path dir;

    @Test
    void aUrlNamingOnlyTheMasterTakesItsProducerAndConsumerToTheNextMaster() throws Exception {
        List<String> peers = ControllerRaftTest.freeAddresses(3);
        String controllerAddr = String.join(";", peers);
        Map<String, BrokerProcess> brokers = new LinkedHashMap<>();
        Set<String> sendOk = ConcurrentHashMap.newKeySet();
        List<Throwable> seenByApplication = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger notSendOk = new java.util.concurrent.atomic.AtomicInteger();
        Map<String, Integer> received = new ConcurrentHashMap<>();
        List<String> againAsNew = new CopyOnWriteArrayList<>();
        AtomicBoolean stopConsuming = new AtomicBoolean();
        try (ControllerClient controller = new ControllerClient("DefaultCluster", peers,
                ControllerFailoverTest.CALL_MILLIS)) {
            for (int i = 0; i < 3; i++) {
                String id = String.valueOf((char) ('a' + i));
                List<String> args = ControllerFailoverTest.brokerArgs(id, controllerAddr,
                        "--enableControllerInBroker=true", "--controllerSelfId=n" + i);
                brokers.put(id, BrokerProcess.start(dir.resolve(id), id, args.toArray(String[]::new)));
            }
            GroupView before = ControllerFailoverTest.awaitGroup(controller, 3, 90_000);
            String oldMaster = before.masterMember().clientAddress();
            // Only the master: the others are learned from its HANDSHAKE answer.
            String url = "keel://" + oldMaster + "?reconnectTimeout=90000";
            Thread producer;
            Thread receiver;
            try (Connection connection = new KeelConnectionFactory(url).createConnection();
                 Connection consuming = new KeelConnectionFactory(url).createConnection()) {
                connection.setExceptionListener(seenByApplication::add);
                consuming.setExceptionListener(seenByApplication::add);
                Session consumerSession = consuming.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = consumerSession.createConsumer(consumerSession.createQueue(QUEUE));
                consuming.start();
                receiver = new Thread(() -> {
                    try {
                        while (!stopConsuming.get()) {
                            Message message = consumer.receive(200);
                            if (message != null && received.merge(message.getJMSMessageID(), 1, Integer::sum) > 1
                                    && !message.getJMSRedelivered()) {
                                againAsNew.add(message.getJMSMessageID());
                            }
                        }
                    } catch (Throwable e) {
                        seenByApplication.add(e);
                    }
                }, "learned-group-consumer");
                receiver.start();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer sender = session.createProducer(session.createQueue(QUEUE));
                sender.setDeliveryMode(DeliveryMode.PERSISTENT);
                producer = new Thread(() -> {
                    try {
                        for (int i = 0; !stop.get(); i++) {
                            TextMessage message = session.createTextMessage("m-" + i);
                            try {
                                sender.send(message);
                                sendOk.add(message.getJMSMessageID()); // a send that returns was answered SEND_OK
                            } catch (SendStatusException e) {
                                // Stored, not confirmed (a new master is alone in sync until a slave catches up:
                                // SLAVE_NOT_AVAILABLE): not acknowledged, so not counted; the producer goes on.
                                notSendOk.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        seenByApplication.add(e);
                    }
                }, "learned-group-producer");
                producer.start();
                awaitSize(sendOk, 100, "SEND_OK before the kill", seenByApplication);
                long killed = System.nanoTime();
                brokers.get(before.master()).kill();
                int atKill = sendOk.size();
                awaitSize(sendOk, atKill + 100, "SEND_OK after the master's SIGKILL", seenByApplication);
                System.out.printf("client learning its group: master %s SIGKILLed; 100 more SEND_OK %d ms later (%d "
                        + "sends answered another status meanwhile)%n", before.master(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed), notSendOk.get());
                stop.set(true);
                producer.join(60_000);
                awaitReceived(received, sendOk, seenByApplication);
                stopConsuming.set(true);
                receiver.join(60_000);
            }
            GroupView after = controller.status(ControllerFailoverTest.GROUP).group();
            assertNotEquals(before.master(), after.master(), "another broker was elected");
            assertEquals(List.of(), seenByApplication, "the application saw no exception");
            long twice = received.values().stream().filter(n -> n > 1).count();
            System.out.printf("client learning its group: %d SEND_OK, %d received by the consumer (%d more than once, "
                    + "each then with JMSRedelivered)%n", sendOk.size(), received.size(), twice);
            assertEquals(List.of(), againAsNew, "no message received a second time as new");
            List<String> lost = sendOk.stream().filter(id -> !received.containsKey(id)).sorted().toList();
            assertEquals(List.of(), lost, lost.size() + " of " + sendOk.size() + " SEND_OK messages never received (the "
                    + "URL's " + oldMaster + " or a learned broker answered them)");
        } catch (Throwable failure) {
            ControllerFailoverTest.printLogs(brokers);
            throw failure;
        } finally {
            stop.set(true);
            for (BrokerProcess broker : brokers.values()) {
                broker.process().destroyForcibly();
            }
        }
    }

    /** Until the consumer has received every SEND_OK message (at most 90 s, or an exception). */
    private static void awaitReceived(Map<String, Integer> received, Set<String> sendOk, List<Throwable> failures)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 90_000;
        while (!received.keySet().containsAll(sendOk) && failures.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
    }

    private static void awaitSize(Set<String> set, int size, String what, List<Throwable> failures)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 90_000;
        while (set.size() < size && failures.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), failures, "the application saw no exception");
        assertTrue(set.size() >= size, what + ": " + set.size() + " of " + size);
    }
}
